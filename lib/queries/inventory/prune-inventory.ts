import type { PrismaClient } from '@prisma/client';
import type { Env } from '@/lib/env';

/** Days of stock_demand_hour kept past INVENTORY_DEMAND_WINDOW_DAYS: late sales and clock skew. */
const DEMAND_MARGIN_DAYS = 2;
const DAY_MS = 86_400_000;

/** How long the inventory tables keep what (workers/inventory/main.ts, and the inventory replay). */
export interface InventoryKeeps {
  /** stock_demand_hour and stock_demand_event: the demand window plus a margin. */
  demandKeepMs: number;
  /** Ledger rows the on-hand rule no longer uses: INVENTORY_HISTORY_DAYS. */
  historyKeepMs: number;
}

export function inventoryKeeps(
  config: Pick<Env, 'INVENTORY_DEMAND_WINDOW_DAYS' | 'INVENTORY_HISTORY_DAYS'>,
): InventoryKeeps {
  return {
    demandKeepMs: (config.INVENTORY_DEMAND_WINDOW_DAYS + DEMAND_MARGIN_DAYS) * DAY_MS,
    historyKeepMs: config.INVENTORY_HISTORY_DAYS * DAY_MS,
  };
}

interface Batches {
  batchSize?: number;
  shouldStop?: () => boolean;
}

/** Small deletes until one removes fewer than `batchSize` rows (see prune-processed-events.ts for why). */
async function inBatches(run: () => Promise<number>, batchSize: number, shouldStop: () => boolean): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await run();
    total += deleted;
    if (deleted < batchSize || shouldStop()) return total;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Forget the inventory worker's applied ids older than `retentionMs` (DEDUP_RETENTION_DAYS), as
 * the sales workers do with theirs. A copy redelivered later is still applied once: its ledger
 * row stops it (lib/queries/inventory/apply-inventory-batch.ts), or it lies at or before the
 * snapshot, where nothing counts.
 */
export async function pruneInventoryProcessedEvents(
  prisma: PrismaClient,
  retentionMs: number,
  { batchSize = 5_000, shouldStop = () => false, nowMs = Date.now() }: Batches & { nowMs?: number } = {},
): Promise<number> {
  const cutoff = new Date(nowMs - retentionMs);
  return inBatches(
    () => prisma.$executeRaw`
      DELETE FROM inventory_processed_event WHERE ctid IN (
        SELECT ctid FROM inventory_processed_event WHERE processed_at < ${cutoff}
        ORDER BY processed_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)`,
    batchSize,
    shouldStop,
  );
}

/**
 * Drop ledger rows the on-hand rule can no longer use and the history no longer shows:
 * movements and older snapshots at or before a pair's current snapshot (a snapshot only ever
 * moves later, so they never count again) that are older than `keepMs` by the database clock
 * (INVENTORY_HISTORY_DAYS: the Inventory trend reads them). The current snapshot's own row stays.
 */
export async function compactStockLedger(
  prisma: PrismaClient,
  { batchSize = 5_000, shouldStop = () => false, keepMs = 0 }: Batches & { keepMs?: number } = {},
): Promise<number> {
  const keep = `${keepMs} milliseconds`;
  return inBatches(
    () => prisma.$executeRaw`
      DELETE FROM stock_movement WHERE ctid IN (
        SELECT l.ctid FROM stock s
        JOIN stock_movement l ON l.store_id = s.store_id AND l.sku = s.sku AND l.occurred_at <= s.snapshot_at
        WHERE NOT (l.kind = 'snapshot' AND l.event_id = s.snapshot_event_id)
          AND l.occurred_at < now() - ${keep}::interval
        LIMIT ${batchSize} FOR UPDATE OF l SKIP LOCKED)`,
    batchSize,
    shouldStop,
  );
}

/**
 * Drop stock_demand_hour rows of hours, and stock_demand_event ids of events, older than
 * `keepMs` (the demand window plus a margin) by the database clock: the demand figures never read
 * them again, and a copy of such an event delivered later is not counted at all (its time lies
 * before the same cutoff, see lib/queries/inventory/apply-inventory-batch.ts addDemandHours).
 */
export async function pruneDemandHours(
  prisma: PrismaClient,
  keepMs: number,
  { batchSize = 5_000, shouldStop = () => false }: Batches = {},
): Promise<number> {
  const keep = `${keepMs} milliseconds`;
  const hours = await inBatches(
    () => prisma.$executeRaw`
      DELETE FROM stock_demand_hour WHERE ctid IN (
        SELECT ctid FROM stock_demand_hour WHERE hour < now() - ${keep}::interval
        LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)`,
    batchSize,
    shouldStop,
  );
  const ids = await inBatches(
    () => prisma.$executeRaw`
      DELETE FROM stock_demand_event WHERE ctid IN (
        SELECT ctid FROM stock_demand_event WHERE occurred_at < now() - ${keep}::interval
        LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)`,
    batchSize,
    shouldStop,
  );
  return hours + ids;
}

/**
 * What housekeeping drops of the stock tables, dropped now (ledger compaction, old demand hours):
 * the inventory replay brings its build and the live tables to the same point this way before
 * comparing them, as their contents otherwise depend on when housekeeping last ran.
 */
export async function compactInventory(
  prisma: PrismaClient,
  keeps: InventoryKeeps,
  options: Batches = {},
): Promise<{ ledger: number; hours: number }> {
  const ledger = await compactStockLedger(prisma, { ...options, keepMs: keeps.historyKeepMs });
  const hours = await pruneDemandHours(prisma, keeps.demandKeepMs, options);
  return { ledger, hours };
}
