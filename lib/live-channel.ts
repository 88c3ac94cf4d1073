// Postgres LISTEN/NOTIFY channel from workers to web processes. A worker notifies inside
// its batch transaction, so Postgres delivers the message only if (and right after) the
// batch commits — to every listening web process, however many there are.
export const SALES_UPDATED_CHANNEL = 'pulse_sales_updated';

export interface SalesUpdatedNotice {
  /** First and last touched event-time minute, epoch ms. */
  from: number;
  to: number;
  /** Events newly counted in this commit. */
  accepted: number;
}

export function parseSalesUpdatedNotice(payload: string | undefined): SalesUpdatedNotice | null {
  try {
    const value = JSON.parse(payload ?? '') as Partial<SalesUpdatedNotice>;
    if (typeof value.from === 'number' && typeof value.to === 'number' && typeof value.accepted === 'number') {
      return value as SalesUpdatedNotice;
    }
  } catch {
    // A malformed notice only costs one refresh: treat it as "something changed".
  }
  return null;
}
