// Applies one partition's batch to the rollups — exactly once. Aggregate deltas, the ids
// of the events counted and the partition's next offset are written in ONE transaction,
// and the offset row is locked first: a batch that was already applied (redelivery after
// a crash, a zombie consumer after a rebalance) finds a higher stored offset and becomes a
// no-op. Kafka's own committed offsets are only informative.
import type { Prisma, PrismaClient } from '@prisma/client';
import { SALES_UPDATED_CHANNEL, type SalesUpdatedNotice } from '../live-channel';
import type { RejectReason, SaleEvent } from '../sales-event';
import { type Rollup, rollUp } from '../sales-rollup';

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

const iso = (ms: number) => new Date(ms).toISOString();

async function lockNextOffset(tx: Tx, batch: SalesBatch): Promise<bigint> {
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

// Each upsert inserts rows in key order so that concurrent workers lock shared rows
// (same minute and store from different partitions) in the same order: no deadlocks.
async function writeRollup(tx: Tx, rollup: Rollup): Promise<void> {
  const { sales, products, demographics, catalog, stores } = rollup;
  if (sales.length > 0) {
    await tx.$executeRaw`
      INSERT INTO sales_minute AS t (bucket, store_id, region, channel, category, revenue_cents, orders, units)
      SELECT * FROM unnest(
        ${sales.map((r) => iso(r.bucket))}::timestamptz[], ${sales.map((r) => r.storeId)}::text[],
        ${sales.map((r) => r.region)}::text[], ${sales.map((r) => r.channel)}::text[],
        ${sales.map((r) => r.category)}::text[], ${sales.map((r) => r.revenueCents)}::bigint[],
        ${sales.map((r) => r.orders)}::bigint[], ${sales.map((r) => r.units)}::bigint[])
      ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (bucket, store_id, region, channel, category) DO UPDATE SET
        revenue_cents = t.revenue_cents + EXCLUDED.revenue_cents,
        orders = t.orders + EXCLUDED.orders,
        units = t.units + EXCLUDED.units`;
  }
  if (products.length > 0) {
    await tx.$executeRaw`
      INSERT INTO product_minute AS t (bucket, store_id, region, channel, sku, category, revenue_cents, units, orders)
      SELECT * FROM unnest(
        ${products.map((r) => iso(r.bucket))}::timestamptz[], ${products.map((r) => r.storeId)}::text[],
        ${products.map((r) => r.region)}::text[], ${products.map((r) => r.channel)}::text[],
        ${products.map((r) => r.sku)}::text[], ${products.map((r) => r.category)}::text[],
        ${products.map((r) => r.revenueCents)}::bigint[], ${products.map((r) => r.units)}::bigint[],
        ${products.map((r) => r.orders)}::bigint[])
      ORDER BY 1, 2, 3, 4, 5, 6
      ON CONFLICT (bucket, store_id, region, channel, sku, category) DO UPDATE SET
        revenue_cents = t.revenue_cents + EXCLUDED.revenue_cents,
        units = t.units + EXCLUDED.units,
        orders = t.orders + EXCLUDED.orders`;
  }
  if (demographics.length > 0) {
    await tx.$executeRaw`
      INSERT INTO demographic_minute AS t
        (bucket, store_id, region, channel, category, age_band, gender, loyalty_tier, customer_type, revenue_cents, orders)
      SELECT * FROM unnest(
        ${demographics.map((r) => iso(r.bucket))}::timestamptz[], ${demographics.map((r) => r.storeId)}::text[],
        ${demographics.map((r) => r.region)}::text[], ${demographics.map((r) => r.channel)}::text[],
        ${demographics.map((r) => r.category)}::text[], ${demographics.map((r) => r.ageBand)}::text[],
        ${demographics.map((r) => r.gender)}::text[], ${demographics.map((r) => r.loyaltyTier)}::text[],
        ${demographics.map((r) => r.customerType)}::text[], ${demographics.map((r) => r.revenueCents)}::bigint[],
        ${demographics.map((r) => r.orders)}::bigint[])
      ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      ON CONFLICT (bucket, store_id, region, channel, category, age_band, gender, loyalty_tier, customer_type) DO UPDATE SET
        revenue_cents = t.revenue_cents + EXCLUDED.revenue_cents,
        orders = t.orders + EXCLUDED.orders`;
  }
  if (catalog.length > 0) {
    await tx.$executeRaw`
      INSERT INTO product AS p (sku, name, category)
      SELECT * FROM unnest(${catalog.map((r) => r.sku)}::text[], ${catalog.map((r) => r.name)}::text[],
        ${catalog.map((r) => r.category)}::text[])
      ORDER BY 1
      ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, updated_at = now()
      WHERE (p.name, p.category) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.category)`;
  }
  if (stores.length > 0) {
    await tx.$executeRaw`
      INSERT INTO store AS s (store_id, region)
      SELECT * FROM unnest(${stores.map((r) => r.storeId)}::text[], ${stores.map((r) => r.region)}::text[])
      ORDER BY 1
      ON CONFLICT (store_id) DO UPDATE SET region = EXCLUDED.region, updated_at = now()
      WHERE s.region IS DISTINCT FROM EXCLUDED.region`;
  }
}

async function recordDeadLetters(tx: Tx, topic: string, partition: number, rejected: RejectedMessage[]) {
  if (rejected.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO dead_letter (topic, partition, "offset", reason, detail, key, payload)
    SELECT ${topic}, ${partition}, o, r, d, k, decode(p, 'base64')
    FROM unnest(${rejected.map((m) => m.offset.toString())}::bigint[], ${rejected.map((m) => m.reason)}::text[],
      ${rejected.map((m) => m.detail)}::text[], ${rejected.map((m) => m.key)}::text[],
      ${rejected.map((m) => m.value.toString('base64'))}::text[]) AS x(o, r, d, k, p)
    ON CONFLICT (topic, partition, "offset") DO NOTHING`;
}

export async function applySalesBatch(prisma: PrismaClient, batch: SalesBatch): Promise<BatchOutcome> {
  return prisma.$transaction(
    async (tx) => {
      const nextOffset = await lockNextOffset(tx, batch);
      const accepted = batch.accepted.filter((m) => m.offset >= nextOffset);
      const rejected = batch.rejected.filter((m) => m.offset >= nextOffset);
      const alreadyApplied = batch.accepted.length + batch.rejected.length - accepted.length - rejected.length;
      if (batch.lastOffset < nextOffset) {
        return { counted: 0, duplicates: 0, rejected: 0, alreadyApplied };
      }

      const fresh = await claimEventIds(tx, [...new Set(accepted.map((m) => m.event.eventId))]);
      // First delivery of an id in this batch wins; later copies are duplicates.
      const counted: SaleEvent[] = [];
      for (const { event } of accepted) {
        if (fresh.delete(event.eventId)) counted.push(event);
      }
      const rollup = rollUp(counted);
      await writeRollup(tx, rollup);
      await recordDeadLetters(tx, batch.topic, batch.partition, rejected);

      await tx.$executeRaw`
        UPDATE consumer_offset
        SET next_offset = ${batch.lastOffset + 1n}, cluster_id = ${batch.clusterId}, last_message_at = ${batch.lastMessageAt}, updated_at = now(),
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
}
