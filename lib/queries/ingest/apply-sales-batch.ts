// Applies one partition's batch — exactly once. The facts of the events counted (one row each,
// lib/domain/sale-fact.ts), their ids and the partition's next offset are written in ONE
// transaction, and the offset row is locked first: a batch that was already applied
// (redelivery after a crash, a zombie consumer after a rebalance) finds a higher stored offset
// and becomes a no-op. Kafka's own committed offsets are only informative. The hour and day
// rollups are built from the facts afterwards (lib/queries/facts/roll-pending.ts); queries add
// the facts not rolled up yet, so every number is exact from this commit on.
import type { Prisma, PrismaClient } from '@prisma/client';
import { SALES_UPDATED_CHANNEL, type SalesUpdatedNotice } from '@/lib/contract/live-channel';
import { type FactBatch, factsOf, type SaleFact } from '@/lib/domain/sale-fact';
import type { SaleEvent } from '@/lib/domain/sales-event';
import type { CategorySet, ProductInfo, StoreInfo } from '@/lib/domain/sales-rollup';
import { type RejectedMessage, recordDeadLetters } from './record-dead-letters';

export type { RejectedMessage };

type Tx = Prisma.TransactionClient;

export interface AcceptedMessage {
  offset: bigint;
  event: SaleEvent;
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

/**
 * The batch's facts (one row each, travelling as one jsonb parameter: cheaper for Prisma than a
 * dozen array parameters) and the dimension rows that changed.
 */
async function writeFacts(
  tx: Tx,
  batch: Pick<SalesBatch, 'topic' | 'partition'>,
  facts: { offset: bigint; fact: SaleFact }[],
  catalog: ProductInfo[],
  stores: StoreInfo[],
  categorySets: CategorySet[],
): Promise<void> {
  if (facts.length > 0) {
    const rows = facts.map(({ offset, fact: f }) => ({
      o: offset.toString(),
      e: f.eventId,
      r: f.refund,
      oi: f.orderId,
      t: new Date(f.occurredAt).toISOString(),
      s: f.storeId,
      g: f.region,
      c: f.channel,
      sl: f.slots,
      p: f.parts,
      pr: f.partRevenue,
      pu: f.partUnits,
      k: f.skus,
      kc: f.skuCategories,
      kr: f.skuRevenue,
      ku: f.skuUnits,
      n: f.items,
      ts: f.topSku,
      ti: f.topItem,
    }));
    await tx.$executeRaw`
      INSERT INTO sale_fact (topic, partition, "offset", event_id, refund, order_id, occurred_at, store_id, region, channel,
        slots, parts, part_revenue, part_units, skus, sku_categories, sku_revenue, sku_units, items, top_sku, top_item)
      SELECT ${batch.topic}, ${batch.partition}, o, e, r, oi, t, s, g, c, sl, p, pr, pu, k, kc, kr, ku, n, ts, ti
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(o bigint, e text, r boolean, oi text, t timestamptz,
        s text, g text, c text, sl smallint[], p text[], pr bigint[], pu bigint[], k text[], kc text[], kr bigint[],
        ku bigint[], n int, ts text, ti text)`;
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

/** First delivery of an id wins; later copies in the same batch are duplicates. */
function firstOfEachId(messages: AcceptedMessage[]): AcceptedMessage[] {
  const seen = new Set<string>();
  const first: AcceptedMessage[] = [];
  for (const message of messages) {
    if (seen.has(message.event.eventId)) continue;
    seen.add(message.event.eventId);
    first.push(message);
  }
  return first;
}

/** The facts of `messages` (already de-duplicated), each with its offset. */
function factBatch(messages: AcceptedMessage[]): FactBatch & { offsets: bigint[] } {
  return { ...factsOf(messages.map((m) => m.event)), offsets: messages.map((m) => m.offset) };
}

export async function applySalesBatch(
  prisma: PrismaClient,
  batch: SalesBatch,
  known = new KnownDimensions(),
): Promise<BatchOutcome> {
  // The facts are computed before the transaction opens, so no locks are held during the
  // JavaScript work; they are recomputed inside only in the rare case that some events turn
  // out to be counted already (redelivery, producer retry across batches).
  const candidates = firstOfEachId(batch.accepted);
  let facts = factBatch(candidates);

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
        unique.map((m) => m.event.eventId),
      );
      const counted = fresh.size === unique.length ? unique : unique.filter((m) => fresh.has(m.event.eventId));
      if (counted !== candidates) facts = factBatch(counted);
      await writeFacts(
        tx,
        batch,
        facts.facts.map((fact, i) => ({ offset: facts.offsets[i] as bigint, fact })),
        known.changedProducts(facts.catalog),
        known.changedStores(facts.stores),
        known.newCategorySets(facts.categorySets),
      );
      await recordDeadLetters(tx, batch.topic, batch.partition, rejected);

      await tx.$executeRaw`
        UPDATE consumer_offset
        SET next_offset = ${batch.lastOffset + 1n}, cluster_id = ${batch.clusterId}, last_message_at = ${batch.lastMessageAt},
            high_watermark = ${batch.highWatermark}, updated_at = now(),
            last_event_at = GREATEST(last_event_at, ${facts.buckets ? new Date(facts.buckets.max) : null}::timestamptz)
        WHERE topic = ${batch.topic} AND partition = ${batch.partition}`;

      if (facts.buckets || rejected.length > 0) {
        const notice: SalesUpdatedNotice = {
          from: facts.buckets?.min ?? 0,
          to: facts.buckets?.max ?? 0,
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
  known.remember(facts.catalog, facts.stores, facts.categorySets);
  return outcome;
}

/**
 * Every table applySalesBatch writes, for `npm run replay` (workers/replay.ts), which runs
 * this very code against fresh copies of them in a schema of its own. Keep it in step with
 * the SQL above: a table the code writes but that is missing here makes the replay fail
 * (only the replay's schema is on its search_path), it never writes to the live table.
 * - `rebuild`: the facts and the aggregates (and how far the facts are rolled up). Rebuilt
 *   from the topic, checked against the live tables and swapped in. A new rollup table belongs
 *   here.
 * - `scratch`: bookkeeping the apply code needs (duplicate filter, offsets, dead letters,
 *   names). Written during the replay and thrown away; the live tables stay.
 */
export const REPLAY_TABLES = {
  rebuild: [
    'sales_rollup',
    'product_rollup',
    'demographic_rollup',
    'product_demographic_rollup',
    'sale_fact',
    'fact_roll',
  ],
  scratch: ['processed_event', 'consumer_offset', 'dead_letter', 'product', 'store', 'category_set'],
} as const;
