// Revenue or orders per subject and window for the anomaly rules (README "Actions contract"),
// read from the sales data exactly as the dashboard reads it: the hour and day rollups for whole
// hours and days, the sale facts for the rest and for what is not rolled up yet
// (lib/queries/dashboard/filter-sql.ts fromCells). Net revenue (refunds subtracted) and orders
// (refunds are never an order), as the overview shows them.
import { Prisma, type PrismaClient } from '@prisma/client';
import type { TimeWindow } from '@/lib/domain/anomaly';
import { GRAINS, type Grain } from '@/lib/domain/grains';
import { ALL, ALL_CATEGORIES } from '@/lib/domain/sales-rollup';
import type { Cell } from '@/lib/domain/time-buckets';
import { fromCells, isRealCategory, type RollupTable } from '@/lib/queries/dashboard/filter-sql';

type Db = PrismaClient | Prisma.TransactionClient;

export type AnomalyLevel = 'all' | 'store' | 'region' | 'category' | 'sku';
export type ScopeKind = 'all' | 'store' | 'region' | 'category' | 'sku';

/** What an anomaly rule reads: its level (what a subject is) and scope (which subjects). */
export interface WindowQuery {
  level: AnomalyLevel;
  scopeKind: ScopeKind;
  scopeValue: string | null;
}

/** One subject's totals in one window (window = index into the windows asked for). */
export interface WindowTotal {
  window: number;
  /** The level's value: '' for level all, else the store, region, category or SKU. */
  subject: string;
  /** The store's region (level store) or the SKU's category (level sku), else null. */
  parent: string | null;
  revenueCents: number;
  orders: number;
}

/**
 * The cells of one window: whole UTC days or hours from the rollups when the window is made of
 * them, else one minute-grain cell answered from the facts (minute cells always are).
 */
export function windowCells(window: TimeWindow, index: number): Cell[] {
  for (const grain of ['d', 'h'] as Grain[]) {
    const size = GRAINS[grain];
    if (window.from % size === 0 && (window.to - window.from) % size === 0) {
      const cells: Cell[] = [];
      for (let from = window.from; from < window.to; from += size) {
        cells.push({ grain, from, to: from + size, bucket: index });
      }
      return cells;
    }
  }
  return [{ grain: 'm', from: window.from, to: window.to, bucket: index }];
}

interface Plan {
  table: RollupTable;
  /** Condition inside fromCells' fenced scan (alias x). */
  scan: Prisma.Sql;
  /** Condition on the rows (alias r). */
  where: Prisma.Sql;
  subject: Prisma.Sql;
  parent: Prisma.Sql;
}

/**
 * Which table and rows answer a rule. sales_rollup (store rows, every category part) for the
 * levels all, store, region and category; product_rollup for level sku or a SKU scope, at the
 * coarsest level that still has the rule's store or region (each level holds every sale once).
 */
function plan(q: WindowQuery): Plan {
  const scopeIs = (kind: ScopeKind) => q.scopeKind === kind && q.scopeValue !== null;
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (scopeIs('store')) where.push(Prisma.sql`r.store_id = ${q.scopeValue}`);
  if (scopeIs('region')) where.push(Prisma.sql`r.region = ${q.scopeValue}`);
  if (q.level === 'sku' || scopeIs('sku')) {
    if (scopeIs('sku')) where.push(Prisma.sql`r.sku = ${q.scopeValue}`);
    if (scopeIs('category')) where.push(Prisma.sql`r.category = ${q.scopeValue}`);
    let scan: Prisma.Sql;
    if (q.level === 'store' || scopeIs('store')) scan = Prisma.sql`x.store_id <> ${ALL}`;
    else if (q.level === 'region' || scopeIs('region')) {
      scan = Prisma.sql`x.store_id = ${ALL} AND x.region <> ${ALL} AND x.channel = ${ALL}`;
    } else scan = Prisma.sql`x.store_id = ${ALL} AND x.region = ${ALL} AND x.channel = ${ALL}`;
    return {
      table: 'product_rollup',
      scan,
      where: Prisma.join(where, ' AND '),
      ...subjectOf(q.level, true),
    };
  }
  let scan: Prisma.Sql;
  if (q.level === 'category') {
    if (scopeIs('category')) scan = Prisma.sql`x.category = ${q.scopeValue}`;
    else {
      scan = Prisma.sql`TRUE`;
      where.push(isRealCategory(Prisma.sql`r.category`));
    }
  } else {
    scan = Prisma.sql`x.category = ${scopeIs('category') ? q.scopeValue : ALL_CATEGORIES}`;
  }
  return { table: 'sales_rollup', scan, where: Prisma.join(where, ' AND '), ...subjectOf(q.level, false) };
}

function subjectOf(level: AnomalyLevel, product: boolean): { subject: Prisma.Sql; parent: Prisma.Sql } {
  switch (level) {
    case 'all':
      return { subject: Prisma.sql`''`, parent: Prisma.sql`NULL::text` };
    case 'store':
      return { subject: Prisma.sql`r.store_id`, parent: Prisma.sql`r.region` };
    case 'region':
      return { subject: Prisma.sql`r.region`, parent: Prisma.sql`NULL::text` };
    case 'category':
      return { subject: Prisma.sql`r.category`, parent: Prisma.sql`NULL::text` };
    case 'sku':
      return { subject: Prisma.sql`r.sku`, parent: product ? Prisma.sql`r.category` : Prisma.sql`NULL::text` };
  }
}

/** Net revenue and orders per subject of the rule's level in each window (subjects with no rows in a window are absent). */
export async function getWindowTotals(
  prisma: Db,
  query: WindowQuery,
  windows: readonly TimeWindow[],
): Promise<WindowTotal[]> {
  if (windows.length === 0) return [];
  const p = plan(query);
  const cells = windows.flatMap((w, i) => windowCells(w, i));
  const rows = await prisma.$queryRaw<
    { idx: number; subject: string; parent: string | null; revenue: bigint | null; orders: bigint | null }[]
  >`
    SELECT r.idx, ${p.subject} AS subject, ${p.parent} AS parent,
      SUM(r.revenue_cents)::bigint AS revenue, SUM(r.orders)::bigint AS orders
    FROM ${fromCells(p.table, cells, p.scan)}
    WHERE ${p.where}
    GROUP BY 1, 2, 3`;
  return rows.map((r) => ({
    window: Number(r.idx),
    subject: r.subject,
    parent: r.parent,
    revenueCents: Number(r.revenue ?? 0n),
    orders: Number(r.orders ?? 0n),
  }));
}

/** When the sales data starts (the first sale fact's time), or null with no sales at all. */
export async function getSalesDataStart(prisma: Db): Promise<number | null> {
  const [row] = await prisma.$queryRaw<{ start: Date | null }[]>`SELECT min(occurred_at) AS start FROM sale_fact`;
  return row?.start ? row.start.getTime() : null;
}

/** How far the sales workers have got (getSalesProgress), in epoch ms. */
export interface SalesProgress {
  /**
   * Everything appended to the topic before this time is applied: per partition, its last commit
   * or idle check if it had then read all it had seen, else the append time of the last message
   * it applied; the earliest of those.
   */
  appliedUntil: number;
  /** The latest event time applied on any partition (to the minute). */
  eventsUntil: number;
}

/**
 * Where the sales workers stand on `topic`; null before any sale was counted. A window is
 * complete when both have passed it: appliedUntil alone misses sales produced late (a backfill,
 * a store's buffered sales), appended after the window's end but not yet applied.
 */
export async function getSalesProgress(prisma: Db, topic: string): Promise<SalesProgress | null> {
  const [row] = await prisma.$queryRaw<{ applied: Date | null; events: Date | null }[]>`
    SELECT min(CASE WHEN next_offset >= high_watermark THEN GREATEST(updated_at, checked_at)
                    ELSE COALESCE(last_message_at, 'epoch') END) AS applied,
           max(last_event_at) AS events
    FROM consumer_offset WHERE topic = ${topic}`;
  if (!row?.applied || !row.events) return null;
  return { appliedUntil: row.applied.getTime(), eventsUntil: row.events.getTime() };
}

/** Which of `windows` hold any sale fact at all (one index probe each): windows without are gaps in the data. */
export async function getWindowsWithSales(prisma: Db, windows: readonly TimeWindow[]): Promise<boolean[]> {
  if (windows.length === 0) return [];
  const rows = await prisma.$queryRaw<{ idx: number }[]>`
    SELECT w.idx FROM unnest(
      ${windows.map((w) => new Date(w.from))}::timestamptz[], ${windows.map((w) => new Date(w.to))}::timestamptz[]
    ) WITH ORDINALITY AS w(lo, hi, idx)
    WHERE EXISTS (SELECT 1 FROM sale_fact f WHERE f.occurred_at >= w.lo AND f.occurred_at < w.hi)`;
  const has = new Set(rows.map((r) => Number(r.idx) - 1));
  return windows.map((_, i) => has.has(i));
}
