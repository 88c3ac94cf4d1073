// Applies one partition's batch to the rollups — exactly once. Aggregate deltas, the ids
// of the events counted and the partition's next offset are written in ONE transaction,
// and the offset row is locked first: a batch that was already applied (redelivery after
// a crash, a zombie consumer after a rebalance) finds a higher stored offset and becomes a
// no-op. Kafka's own committed offsets are only informative.
import { Prisma, type PrismaClient } from '@prisma/client';
import { SALES_UPDATED_CHANNEL, type SalesUpdatedNotice } from '../live-channel';
import { lineRevenueCents, orderRevenueCents, type RejectReason, type SaleEvent } from '../sales-event';
import {
  type CategorySet,
  type ProductDemographicDelta,
  type ProductInfo,
  type Rollup,
  rollUp,
  type StoreInfo,
} from '../sales-rollup';
import { LIVE_SCHEMA } from './replay-sql';

type Tx = Prisma.TransactionClient;

export interface AcceptedMessage {
  offset: bigint;
  event: SaleEvent;
}

export interface RejectedMessage {
  offset: bigint;
  reason: RejectReason;
  detail: string;
  key: string | null;
  value: Buffer;
  /** `x-redrive-of` of a re-driven copy: the dead letter it came from. */
  redriveOf?: string | null;
  /** An operator's skip of an undecodable batch (replayed): the offset the partition went on from. */
  skippedTo?: bigint | null;
}

export interface SalesBatch {
  /** Kafka cluster id, stored with the offset. */
  clusterId: string;
  topic: string;
  partition: number;
  /** Offset of the last message of the batch; the stored next offset becomes lastOffset + 1. */
  lastOffset: bigint;
  /** Kafka append time of the newest message, for freshness. */
  lastMessageAt: Date;
  /** End of the partition when the batch was fetched, for the backlog. */
  highWatermark: bigint;
  accepted: AcceptedMessage[];
  rejected: RejectedMessage[];
}

export interface BatchOutcome {
  counted: number;
  duplicates: number;
  rejected: number;
  /** Messages below the stored offset: already applied earlier. */
  alreadyApplied: number;
}

/**
 * The partition's stored next offset, its row locked until the transaction ends (the operator's
 * skip of an undecodable batch takes the same lock).
 */
export async function lockNextOffset(
  tx: Tx,
  batch: Pick<SalesBatch, 'topic' | 'partition' | 'clusterId'>,
): Promise<bigint> {
  // Upsert-with-self-assignment both creates the row and takes its row lock in one round trip.
  const rows = await tx.$queryRaw<{ next_offset: bigint }[]>`
    INSERT INTO consumer_offset AS o (topic, partition, next_offset, cluster_id)
    VALUES (${batch.topic}, ${batch.partition}, 0, ${batch.clusterId})
    ON CONFLICT (topic, partition) DO UPDATE SET next_offset = o.next_offset
    RETURNING next_offset`;
  return rows[0]?.next_offset ?? 0n;
}

/** Record ids; returns those not seen before (within this batch or any earlier one). */
async function claimEventIds(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ event_id: string }[]>`
    INSERT INTO processed_event (event_id)
    SELECT id FROM unnest(${ids}::text[]) AS id ORDER BY id
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id`;
  return new Set(rows.map((r) => r.event_id));
}

/**
 * Dimension rows (product names, store regions) this process has already written. Their
 * upserts lock the row even when nothing changes, so every batch would queue behind the
 * others on the same few hundred rows; only new or changed values are written.
 */
export class KnownDimensions {
  private readonly products = new Map<string, string>();
  private readonly stores = new Map<string, string>();
  // A set id is a hash of its categories: once written, the row never changes.
  private readonly categorySets = new Set<string>();

  newCategorySets(sets: CategorySet[]): CategorySet[] {
    return sets.filter((s) => !this.categorySets.has(s.id));
  }

  changedProducts(catalog: ProductInfo[]): ProductInfo[] {
    return catalog.filter((p) => this.products.get(p.sku) !== p.name + SEP + p.category);
  }

  changedStores(stores: StoreInfo[]): StoreInfo[] {
    return stores.filter((s) => this.stores.get(s.storeId) !== s.region);
  }

  /** After commit: the values are in the database now. */
  remember(catalog: ProductInfo[], stores: StoreInfo[], categorySets: CategorySet[] = []): void {
    for (const p of catalog) this.products.set(p.sku, p.name + SEP + p.category);
    for (const s of stores) this.stores.set(s.storeId, s.region);
    for (const s of categorySets) this.categorySets.add(s.id);
  }
}

const SEP = '\u0001';

// Rows travel as one jsonb parameter each (cheaper for Prisma than a dozen array
// parameters). Each partition writes rollup rows of its own shard, so batches of different
// partitions never wait on each other's row locks — hour and day cells would otherwise be
// hot rows shared by every batch; key order keeps the rare overlaps deadlock-free.
async function writeRollup(
  tx: Tx,
  shard: number,
  rollup: Rollup,
  catalog: ProductInfo[],
  stores: StoreInfo[],
  categorySets: CategorySet[] = [],
): Promise<void> {
  const { sales, products, demographics } = rollup;
  if (sales.length > 0) {
    await tx.$executeRaw`
      INSERT INTO sales_rollup AS t
        (shard, grain, bucket, store_id, region, channel, category, revenue_cents, orders, units, refund_cents, refund_units)
      SELECT ${shard}::smallint, grain, to_timestamp(bucket / 1000.0), "storeId", region, channel, category, "revenueCents",
        orders, units, "refundCents", "refundUnits"
      FROM jsonb_to_recordset(${JSON.stringify(sales)}::jsonb) AS x(grain text, bucket bigint, "storeId" text,
        region text, channel text, category text, "revenueCents" bigint, orders bigint, units bigint,
        "refundCents" bigint, "refundUnits" bigint)
      ORDER BY 2, 3, 4, 5, 6, 7
      ON CONFLICT (grain, bucket, store_id, region, channel, category, shard) DO UPDATE SET
        revenue_cents = t.revenue_cents + EXCLUDED.revenue_cents,
        orders = t.orders + EXCLUDED.orders,
        units = t.units + EXCLUDED.units,
        refund_cents = t.refund_cents + EXCLUDED.refund_cents,
        refund_units = t.refund_units + EXCLUDED.refund_units`;
  }
  if (products.length > 0) {
    await tx.$executeRaw`
      INSERT INTO product_rollup AS t
        (shard, grain, bucket, store_id, region, channel, sku, category, revenue_cents, units, orders, refund_cents, refund_units)
      SELECT ${shard}::smallint, grain, to_timestamp(bucket / 1000.0), "storeId", region, channel, sku, category, "revenueCents",
        units, orders, "refundCents", "refundUnits"
      FROM jsonb_to_recordset(${JSON.stringify(products)}::jsonb) AS x(grain text, bucket bigint, "storeId" text,
        region text, channel text, sku text, category text, "revenueCents" bigint, units bigint, orders bigint,
        "refundCents" bigint, "refundUnits" bigint)
      ORDER BY 2, 3, 4, 5, 6, 7, 8
      ON CONFLICT (grain, bucket, store_id, region, channel, sku, category, shard) DO UPDATE SET
        revenue_cents = t.revenue_cents + EXCLUDED.revenue_cents,
        units = t.units + EXCLUDED.units,
        orders = t.orders + EXCLUDED.orders,
        refund_cents = t.refund_cents + EXCLUDED.refund_cents,
        refund_units = t.refund_units + EXCLUDED.refund_units`;
  }
  if (demographics.length > 0) {
    await tx.$executeRaw`
      INSERT INTO demographic_rollup AS t (shard, grain, bucket, store_id, region, channel, category, revenue_cents, orders)
      SELECT ${shard}::smallint, grain, to_timestamp(bucket / 1000.0), "storeId", region, channel, category, "revenueCents", orders
      FROM jsonb_to_recordset(${JSON.stringify(demographics)}::jsonb) AS x(grain text, bucket bigint, "storeId" text,
        region text, channel text, category text, "revenueCents" bigint[], orders bigint[])
      ORDER BY 2, 3, 4, 5, 6, 7
      ON CONFLICT (grain, bucket, store_id, region, channel, category, shard) DO UPDATE SET
        revenue_cents = ${addSlots('revenue_cents')}, orders = ${addSlots('orders')}`;
  }
  if (catalog.length > 0) {
    await tx.$executeRaw`
      INSERT INTO product AS p (sku, name, category)
      SELECT sku, name, category FROM jsonb_to_recordset(${JSON.stringify(catalog)}::jsonb) AS x(sku text, name text, category text)
      ORDER BY 1
      ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, updated_at = now()
      WHERE (p.name, p.category) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.category)`;
  }
  if (categorySets.length > 0) {
    // Sets are immutable (the id is a hash of the categories): an existing row is left alone.
    await tx.$executeRaw`
      INSERT INTO category_set (id, categories)
      SELECT id, ARRAY(SELECT jsonb_array_elements_text(categories))
      FROM jsonb_to_recordset(${JSON.stringify(categorySets)}::jsonb) AS x(id text, categories jsonb)
      ORDER BY 1
      ON CONFLICT (id) DO NOTHING`;
  }
  if (stores.length > 0) {
    await tx.$executeRaw`
      INSERT INTO store AS s (store_id, region)
      SELECT "storeId", region FROM jsonb_to_recordset(${JSON.stringify(stores)}::jsonb) AS x("storeId" text, region text)
      ORDER BY 1
      ON CONFLICT (store_id) DO UPDATE SET region = EXCLUDED.region, updated_at = now()
      WHERE s.region IS DISTINCT FROM EXCLUDED.region`;
  }
}

/**
 * Customer-segment slot arrays add up slot by slot (slot_add, see its migration). Qualified:
 * a replay's client sees only its own schema's tables, and the function lives in the live one.
 */
function addSlots(column: 'revenue_cents' | 'orders'): Prisma.Sql {
  return Prisma.raw(`${LIVE_SCHEMA}.slot_add(t.${column}, EXCLUDED.${column})`);
}

/** Per-product customer segments (slot arrays, see addSlots). */
async function writeProductDemographics(tx: Tx, shard: number, rows: ProductDemographicDelta[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO product_demographic_rollup AS t (shard, grain, sku, bucket, store_id, region, channel, category, revenue_cents, orders)
    SELECT ${shard}::smallint, grain, sku, to_timestamp(bucket / 1000.0), "storeId", region, channel, category, "revenueCents", orders
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(grain text, sku text, bucket bigint, "storeId" text,
      region text, channel text, category text, "revenueCents" bigint[], orders bigint[])
    ORDER BY 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (grain, sku, bucket, store_id, region, channel, category, shard) DO UPDATE SET
      revenue_cents = ${addSlots('revenue_cents')}, orders = ${addSlots('orders')}`;
}

/** Counted sales and refunds for the live ticker (one row per event, pruned after a day). */
async function recordRecentOrders(tx: Tx, events: SaleEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => {
    let top = e.lines[0] as SaleEvent['lines'][number];
    let units = 0;
    for (const line of e.lines) {
      units += line.quantity;
      if (lineRevenueCents(line) > lineRevenueCents(top)) top = line;
    }
    return {
      eventId: e.eventId,
      kind: e.type,
      orderId: e.orderId,
      occurredAt: new Date(e.occurredAt).toISOString(),
      storeId: e.storeId,
      region: e.region,
      channel: e.channel,
      categories: [...new Set(e.lines.map((l) => l.category))],
      items: e.lines.length,
      units,
      revenueCents: orderRevenueCents(e),
      topItem: top.name,
      topSku: top.sku,
    };
  });
  await tx.$executeRaw`
    INSERT INTO recent_order (event_id, kind, order_id, occurred_at, store_id, region, channel, categories, items, units,
      revenue_cents, top_item, top_sku)
    SELECT "eventId", kind, "orderId", "occurredAt", "storeId", region, channel,
      ARRAY(SELECT jsonb_array_elements_text(categories)), items, units, "revenueCents", "topItem", "topSku"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x("eventId" text, kind text, "orderId" text, "occurredAt" timestamptz,
      "storeId" text, region text, channel text, categories jsonb, items int, units bigint, "revenueCents" bigint, "topItem" text,
      "topSku" text)
    ON CONFLICT (event_id) DO NOTHING`;
}

// A key or a parser message (which quotes the input) may contain U+0000, which PostgreSQL text
// rejects — failing the whole batch on every retry. The raw bytes stay intact in `payload`.
const storableText = (value: string | null) => value?.replaceAll('\u0000', '\uFFFD') ?? null;

async function recordDeadLetters(tx: Tx, topic: string, partition: number, rejected: RejectedMessage[]) {
  if (rejected.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO dead_letter (topic, partition, "offset", reason, detail, key, payload, redrive_of, skipped_to)
    SELECT ${topic}, ${partition}, o, r, d, k, decode(p, 'base64'), f, s
    FROM unnest(${rejected.map((m) => m.offset.toString())}::bigint[], ${rejected.map((m) => m.reason)}::text[],
      ${rejected.map((m) => storableText(m.detail))}::text[], ${rejected.map((m) => storableText(m.key))}::text[],
      ${rejected.map((m) => m.value.toString('base64'))}::text[],
      ${rejected.map((m) => m.redriveOf ?? null)}::text[],
      ${rejected.map((m) => m.skippedTo?.toString() ?? null)}::bigint[]) AS x(o, r, d, k, p, f, s)
    ON CONFLICT (topic, partition, "offset") DO NOTHING`;
}

/** First delivery of an id wins; later copies in the same batch are duplicates. */
function firstOfEachId(messages: AcceptedMessage[]): SaleEvent[] {
  const seen = new Set<string>();
  const events: SaleEvent[] = [];
  for (const { event } of messages) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    events.push(event);
  }
  return events;
}

export async function applySalesBatch(
  prisma: PrismaClient,
  batch: SalesBatch,
  known = new KnownDimensions(),
): Promise<BatchOutcome> {
  // The rollup is computed before the transaction opens, so no locks are held during the
  // JavaScript work; it is recomputed inside only in the rare case that some events turn
  // out to be counted already (redelivery, producer retry across batches).
  const candidates = firstOfEachId(batch.accepted);
  let rollup = rollUp(candidates);

  const outcome = await prisma.$transaction(
    async (tx) => {
      const nextOffset = await lockNextOffset(tx, batch);
      const accepted = batch.accepted.filter((m) => m.offset >= nextOffset);
      const rejected = batch.rejected.filter((m) => m.offset >= nextOffset);
      const alreadyApplied = batch.accepted.length + batch.rejected.length - accepted.length - rejected.length;
      if (batch.lastOffset < nextOffset) {
        return { counted: 0, duplicates: 0, rejected: 0, alreadyApplied };
      }

      const unique = accepted.length === batch.accepted.length ? candidates : firstOfEachId(accepted);
      const fresh = await claimEventIds(
        tx,
        unique.map((e) => e.eventId),
      );
      const counted = fresh.size === unique.length ? unique : unique.filter((e) => fresh.has(e.eventId));
      if (counted !== candidates) rollup = rollUp(counted);
      await writeRollup(
        tx,
        batch.partition,
        rollup,
        known.changedProducts(rollup.catalog),
        known.changedStores(rollup.stores),
        known.newCategorySets(rollup.categorySets),
      );
      await writeProductDemographics(tx, batch.partition, rollup.productDemographics);
      await recordDeadLetters(tx, batch.topic, batch.partition, rejected);
      await recordRecentOrders(tx, counted);

      await tx.$executeRaw`
        UPDATE consumer_offset
        SET next_offset = ${batch.lastOffset + 1n}, cluster_id = ${batch.clusterId}, last_message_at = ${batch.lastMessageAt},
            high_watermark = ${batch.highWatermark}, updated_at = now(),
            last_event_at = GREATEST(last_event_at, ${rollup.buckets ? new Date(rollup.buckets.max) : null}::timestamptz)
        WHERE topic = ${batch.topic} AND partition = ${batch.partition}`;

      if (rollup.buckets || rejected.length > 0) {
        const notice: SalesUpdatedNotice = {
          from: rollup.buckets?.min ?? 0,
          to: rollup.buckets?.max ?? 0,
          accepted: counted.length,
        };
        await tx.$executeRaw`SELECT pg_notify(${SALES_UPDATED_CHANNEL}, ${JSON.stringify(notice)})`;
      }
      return {
        counted: counted.length,
        duplicates: accepted.length - counted.length,
        rejected: rejected.length,
        alreadyApplied,
      };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
  known.remember(rollup.catalog, rollup.stores, rollup.categorySets);
  return outcome;
}

/**
 * Every table applySalesBatch writes, for `npm run replay` (workers/replay.ts), which runs
 * this very code against fresh copies of them in a schema of its own. Keep it in step with
 * the SQL above: a table the code writes but that is missing here makes the replay fail
 * (only the replay's schema is on its search_path), it never writes to the live table.
 * - `rebuild`: the aggregates. Rebuilt from the topic, checked against the live tables and
 *   swapped in. A new rollup table belongs here.
 * - `scratch`: bookkeeping the apply code needs (duplicate filter, offsets, dead letters,
 *   ticker, names). Written during the replay and thrown away; the live tables stay.
 */
export const REPLAY_TABLES = {
  rebuild: ['sales_rollup', 'product_rollup', 'demographic_rollup', 'product_demographic_rollup'],
  scratch: ['processed_event', 'consumer_offset', 'dead_letter', 'recent_order', 'product', 'store', 'category_set'],
} as const;
