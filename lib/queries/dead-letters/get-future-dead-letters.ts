import type { RejectReason } from '@/lib/domain/sales-event';
import { LIVE_SCHEMA, type Queryable, qualified } from '@/lib/queries/replay/replay-sql';

const FUTURE: RejectReason = 'future_event';

/**
 * Offsets in [from, to] of `partition` that the workers dead-lettered as future events, with
 * the detail they gave. That rejection depends on the worker's clock when it read the
 * message, so a replay cannot decide it again later; it takes the workers' decision, which
 * is recorded in the same transaction that moved their offset past the message.
 */
export async function getFutureDeadLetters(
  q: Queryable,
  topic: string,
  partition: number,
  from: bigint,
  to: bigint,
): Promise<Map<bigint, string>> {
  const { rows } = await q.query<{ offset: string; detail: string }>(
    `SELECT "offset"::text AS offset, detail FROM ${qualified(LIVE_SCHEMA, 'dead_letter')}
     WHERE topic = $1 AND partition = $2 AND "offset" BETWEEN $3 AND $4 AND reason = $5`,
    [topic, partition, from.toString(), to.toString(), FUTURE],
  );
  return new Map(rows.map((r) => [BigInt(r.offset), r.detail]));
}
