// Applies one partition's batch to the stock — exactly once, like the sales batches
// (lib/queries/ingest/apply-sales-batch.ts): the partition's offset row in inventory_offset is
// locked first, the event ids are claimed in inventory_processed_event, the ledger and the stock
// rows are written and the next offset is stored, all in ONE transaction. A redelivered batch
// finds a higher stored offset and is a no-op; a redelivered event finds its id claimed.
//
// The on-hand rule (lib/domain/inventory-event.ts onHandOf) in SQL, set-based for the batch:
// - movements after a store×SKU's current snapshot (or all, without one) add to delta_after;
// - a snapshot later than the current one replaces it, and delta_after is recomputed from the
//   ledger: the movements strictly after the new snapshot (this batch's included);
// - anything at or before the current snapshot is kept in the ledger only.
import type { Prisma, PrismaClient } from '@prisma/client';
import { INVENTORY_UPDATED_CHANNEL, type InventoryUpdatedNotice } from '@/lib/contract/live-channel';
import type { StockMovement } from '@/lib/domain/inventory-event';
import { type RejectedMessage, recordDeadLetters } from '@/lib/queries/ingest/record-dead-letters';

type Tx = Prisma.TransactionClient;

/** Which duplicate filter an event id belongs to: ids of the two topics are not comparable. */
export type InventoryStream = 'inventory' | 'sales';

export interface InventoryAccepted {
  offset: bigint;
  eventId: string;
  /** The event's stock movements (a sale: one per SKU; an inventory event: one). */
  movements: StockMovement[];
}

export interface InventoryBatch {
  groupId: string;
  clusterId: string;
  topic: string;
  stream: InventoryStream;
  partition: number;
  /** Offset of the last message the batch accounts for; the stored next offset becomes lastOffset + 1. */
  lastOffset: bigint;
  lastMessageAt: Date;
  highWatermark: bigint;
  accepted: InventoryAccepted[];
  /** Offsets of messages not applied (invalid): they count for the position only. */
  skipped: bigint[];
  /** The invalid inventory events among them, recorded as dead letters (the ops page's list). */
  rejected: RejectedMessage[];
  /** How far back stock_demand_hour keeps hours: a sale older than that is not counted there. */
  demandKeepMs: number;
}

export interface InventoryOutcome {
  applied: number;
  duplicates: number;
  skipped: number;
  alreadyApplied: number;
  /** Store×SKU pairs whose stock row was written. */
  touched: number;
}

/** The partition's stored next offset for the group, its row locked until the transaction ends. */
async function lockNextOffset(tx: Tx, batch: Pick<InventoryBatch, 'groupId' | 'topic' | 'partition' | 'clusterId'>) {
  const rows = await tx.$queryRaw<{ next_offset: bigint }[]>`
    INSERT INTO inventory_offset AS o (group_id, topic, partition, next_offset, cluster_id)
    VALUES (${batch.groupId}, ${batch.topic}, ${batch.partition}, 0, ${batch.clusterId})
    ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = o.next_offset
    RETURNING next_offset`;
  return rows[0]?.next_offset ?? 0n;
}

async function claimEventIds(tx: Tx, stream: InventoryStream, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ event_id: string }[]>`
    INSERT INTO inventory_processed_event (stream, event_id)
    SELECT ${stream}, id FROM unnest(${ids}::text[]) AS id ORDER BY id
    ON CONFLICT (stream, event_id) DO NOTHING
    RETURNING event_id`;
  return new Set(rows.map((r) => r.event_id));
}

function firstOfEachId(messages: InventoryAccepted[]): InventoryAccepted[] {
  const seen = new Set<string>();
  return messages.filter((m) => !seen.has(m.eventId) && seen.add(m.eventId));
}

/**
 * Net units per store×SKU×UTC hour of the batch's applied sales and refunds into
 * stock_demand_hour (a sale's movement is negative, a refund's positive, so units are -qty).
 * Its own duplicate filter, stock_demand_event, claims each sale id: the stock's filters do not
 * suffice here, because a sale at or before a snapshot counts for nothing in stock, so once its
 * id is pruned and its ledger row compacted a redelivered copy is taken again, harmlessly for
 * stock but not for demand. stock_demand_event keeps ids as long as their hours are kept, and
 * a sale older than that cutoff (by the same database clock as the pruning) is never counted,
 * so no copy ever counts twice. Called after the stock rows of these pairs are locked, so
 * concurrent batches never interleave on these rows.
 */
async function addDemandHours(tx: Tx, sales: InventoryAccepted[], keepMs: number): Promise<void> {
  if (sales.length === 0) return;
  const keep = `${keepMs} milliseconds`;
  const claimed = await tx.$queryRaw<{ event_id: string }[]>`
    INSERT INTO stock_demand_event (event_id, occurred_at)
    SELECT e, t FROM unnest(${sales.map((m) => m.eventId)}::text[],
      ${sales.map((m) => new Date(m.movements[0]?.occurredAt ?? 0).toISOString())}::timestamptz[]) AS x(e, t)
    WHERE t >= now() - ${keep}::interval
    ORDER BY e
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id`;
  if (claimed.length === 0) return;
  const fresh = new Set(claimed.map((r) => r.event_id));
  const sold = sales.filter((m) => fresh.has(m.eventId)).flatMap((m) => m.movements);
  if (sold.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO stock_demand_hour AS d (store_id, sku, hour, units)
    SELECT s, k, date_trunc('hour', t, 'UTC'), -sum(q)
    FROM unnest(${sold.map((m) => m.storeId)}::text[], ${sold.map((m) => m.sku)}::text[],
      ${sold.map((m) => new Date(m.occurredAt).toISOString())}::timestamptz[], ${sold.map((m) => m.qty.toString())}::bigint[]) AS x(s, k, t, q)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (store_id, sku, hour) DO UPDATE SET units = d.units + excluded.units`;
}

/** Ledger rows and stock rows of `movements` (the batch's fresh ones). Returns the pairs written. */
async function applyMovements(tx: Tx, movements: StockMovement[]): Promise<number> {
  if (movements.length === 0) return 0;
  const given = JSON.stringify(
    movements.map((m) => ({
      s: m.storeId,
      k: m.sku,
      n: m.kind,
      e: m.eventId,
      t: new Date(m.occurredAt).toISOString(),
      q: m.qty,
    })),
  );
  // Lock (or create) the stock rows first, in a fixed order: concurrent batches of the other
  // topic touching the same pairs wait here, and every statement below then reads their
  // committed ledger rows (READ COMMITTED takes a new snapshot per statement).
  const touched = await tx.$executeRaw`
    INSERT INTO stock AS st (store_id, sku)
    SELECT DISTINCT s, k FROM jsonb_to_recordset(${given}::jsonb) AS x(s text, k text) ORDER BY 1, 2
    ON CONFLICT (store_id, sku) DO UPDATE SET updated_at = now()`;
  // Only what the ledger did not hold counts: an event redelivered after its id was pruned from
  // inventory_processed_event finds its ledger row (or, compacted away, lies at or before the
  // snapshot, where nothing counts) and changes nothing.
  const inserted = await tx.$queryRaw<{ s: string; k: string; n: string; e: string; t: Date; q: bigint }[]>`
    INSERT INTO stock_movement (store_id, sku, kind, event_id, occurred_at, qty)
    SELECT s, k, n, e, t, q FROM jsonb_to_recordset(${given}::jsonb) AS x(s text, k text, n text, e text, t timestamptz, q bigint)
    ON CONFLICT DO NOTHING
    RETURNING store_id AS s, sku AS k, kind AS n, event_id AS e, occurred_at AS t, qty AS q`;
  if (inserted.length === 0) return touched;
  const rows =
    inserted.length === movements.length
      ? given
      : JSON.stringify(inserted.map((r) => ({ ...r, t: r.t.toISOString(), q: r.q.toString() })));
  // Snapshot order: occurred_at, then event id by code point (COLLATE "C"), as snapshotAfter does.
  await tx.$executeRaw`
    WITH m AS (
      SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS x(s text, k text, n text, e text, t timestamptz, q bigint)
    ),
    snap AS (
      SELECT DISTINCT ON (s, k) s, k, e, t, q FROM m WHERE n = 'snapshot'
      ORDER BY s, k, t DESC, e COLLATE "C" DESC
    ),
    pairs AS (SELECT DISTINCT s, k FROM m),
    moved AS (
      SELECT c.store_id, c.sku, max(m.t) AS last, sum(m.q) FILTER (
        WHERE m.n <> 'snapshot' AND (c.snapshot_at IS NULL OR m.t > c.snapshot_at)) AS q
      FROM m JOIN stock c ON c.store_id = m.s AND c.sku = m.k
      GROUP BY 1, 2
    ),
    decided AS (
      SELECT c.store_id, c.sku, c.snapshot_event_id, c.snapshot_at, c.snapshot_qty, c.delta_after,
        n.e AS new_e, n.t AS new_t, n.q AS new_q, mv.last, coalesce(mv.q, 0) AS moved,
        n.e IS NOT NULL AND (c.snapshot_at IS NULL OR n.t > c.snapshot_at
          OR (n.t = c.snapshot_at AND n.e COLLATE "C" > c.snapshot_event_id COLLATE "C")) AS replaced
      FROM pairs p
      JOIN stock c ON c.store_id = p.s AND c.sku = p.k
      LEFT JOIN snap n ON n.s = p.s AND n.k = p.k
      LEFT JOIN moved mv ON mv.store_id = p.s AND mv.sku = p.k
    ),
    next AS (
      SELECT d.store_id, d.sku, d.last,
        CASE WHEN d.replaced THEN d.new_e ELSE d.snapshot_event_id END AS snapshot_event_id,
        CASE WHEN d.replaced THEN d.new_t ELSE d.snapshot_at END AS snapshot_at,
        CASE WHEN d.replaced THEN d.new_q ELSE d.snapshot_qty END AS snapshot_qty,
        CASE WHEN d.replaced THEN (
          SELECT coalesce(sum(l.qty), 0) FROM stock_movement l
          WHERE l.store_id = d.store_id AND l.sku = d.sku AND l.kind <> 'snapshot' AND l.occurred_at > d.new_t
        ) ELSE d.delta_after + d.moved END AS delta_after
      FROM decided d
    )
    UPDATE stock st SET
      snapshot_event_id = nx.snapshot_event_id, snapshot_at = nx.snapshot_at, snapshot_qty = nx.snapshot_qty,
      delta_after = nx.delta_after, on_hand = nx.snapshot_qty + nx.delta_after,
      last_event_at = GREATEST(st.last_event_at, nx.last), updated_at = now()
    FROM next nx WHERE st.store_id = nx.store_id AND st.sku = nx.sku`;
  return touched;
}

export async function applyInventoryBatch(prisma: PrismaClient, batch: InventoryBatch): Promise<InventoryOutcome> {
  const candidates = firstOfEachId(batch.accepted);
  return prisma.$transaction(
    async (tx) => {
      const nextOffset = await lockNextOffset(tx, batch);
      const accepted = batch.accepted.filter((m) => m.offset >= nextOffset);
      const skipped = batch.skipped.filter((o) => o >= nextOffset).length;
      const alreadyApplied = batch.accepted.length - accepted.length + batch.skipped.length - skipped;
      if (batch.lastOffset < nextOffset) return { applied: 0, duplicates: 0, skipped: 0, alreadyApplied, touched: 0 };
      const unique = accepted.length === batch.accepted.length ? candidates : firstOfEachId(accepted);
      const fresh = await claimEventIds(
        tx,
        batch.stream,
        unique.map((m) => m.eventId),
      );
      const applied = unique.filter((m) => fresh.has(m.eventId));
      const movements = applied.flatMap((m) => m.movements);
      const touched = await applyMovements(tx, movements);
      if (batch.stream === 'sales') await addDemandHours(tx, applied, batch.demandKeepMs);
      await recordDeadLetters(
        tx,
        batch.topic,
        batch.partition,
        batch.rejected.filter((r) => r.offset >= nextOffset),
      );
      await tx.$executeRaw`
        UPDATE inventory_offset
        SET next_offset = ${batch.lastOffset + 1n}, cluster_id = ${batch.clusterId}, last_message_at = ${batch.lastMessageAt},
            high_watermark = ${batch.highWatermark}, updated_at = now()
        WHERE group_id = ${batch.groupId} AND topic = ${batch.topic} AND partition = ${batch.partition}`;
      if (touched > 0) {
        const stores = [...new Set(movements.map((m) => m.storeId))].sort();
        const notice: InventoryUpdatedNotice = { stores: stores.slice(0, 100), pairs: touched };
        await tx.$executeRaw`SELECT pg_notify(${INVENTORY_UPDATED_CHANNEL}, ${JSON.stringify(notice)})`;
      }
      return {
        applied: applied.length,
        duplicates: accepted.length - applied.length,
        skipped,
        alreadyApplied,
        touched,
      };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/**
 * The tables npm run replay -- --what inventory works with (lib/queries/ingest/apply-sales-batch.ts
 * REPLAY_TABLES for the sales replay):
 * - `rebuild`: what this file keeps, rebuilt from both topics and swapped in.
 * - `scratch`: the bookkeeping applyInventoryBatch needs (duplicate filter, offsets, dead letters),
 *   written during the replay and thrown away: the worker's own stay, and at the fence they
 *   describe exactly what the swapped-in tables hold.
 */
export const INVENTORY_REPLAY_TABLES = {
  rebuild: ['stock', 'stock_movement', 'stock_demand_hour', 'stock_demand_event'],
  scratch: ['inventory_processed_event', 'inventory_offset', 'dead_letter'],
} as const;
