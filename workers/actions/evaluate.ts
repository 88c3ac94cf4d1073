// One evaluation pass of the actions worker (README "Actions contract"): which alert and
// suggestion conditions hold now, diffed with the open episodes, applied with their actions in
// one transaction under an advisory lock (one pass at a time across every actions worker).
// Deterministic for a given database state and `now`: the tests drive it with their own clock.
import type { Prisma, PrismaClient } from '@prisma/client';
import { EPISODE_KINDS, SUGGESTION_KINDS } from '@/lib/contract/actions';
import { type Condition, diffConditions, type OpenEpisode } from '@/lib/domain/action-conditions';
import { anomalyOf, candidateWindows, chooseBaseline, lastClosedWindow, robustZ } from '@/lib/domain/anomaly';
import { type DemandFigures, demandFigures, HOUR_MS, resolveRule, roundFigure } from '@/lib/domain/demand';
import type { Env } from '@/lib/env';
import { applyConditionDiff, getOpenEpisodes } from '@/lib/queries/actions/apply-episodes';
import { joinEpisodeWriters } from '@/lib/queries/actions/episode-writers';
import { type AlertRule, getEnabledRules } from '@/lib/queries/actions/get-alert-rules';
import { getStockPairs, type StockPair } from '@/lib/queries/actions/get-stock-pairs';
import {
  type AnomalyLevel,
  getSalesDataStart,
  getSalesProgress,
  getWindowsWithSales,
  getWindowTotals,
  type ScopeKind,
} from '@/lib/queries/actions/get-window-totals';
import { getHourlyDemand, getRuleOverrides, seriesOf } from '@/lib/queries/inventory/get-demand';
import { type InventorySettings, inventorySettings } from '@/lib/queries/inventory/get-inventory';

type Tx = Prisma.TransactionClient;

/** pg_try_advisory_xact_lock key: one evaluation at a time across every actions worker ('actn'). */
const EVALUATE_LOCK = 0x6163746e;
/** Pairs whose demand is read per query (getHourlyDemand: one index range scan per pair). */
const DEMAND_CHUNK = 1000;
/** A window counts as closed this long after its end: sales applied a little late still count in it. */
export const WINDOW_GRACE_MS = 30_000;

const STOCK_KINDS = ['low_stock', ...SUGGESTION_KINDS] as const;
const STOCK_METRICS = new Set(['low_stock', 'on_hand', 'days_of_cover']);
const ANOMALY_METRICS = new Set(['revenue_anomaly', 'orders_anomaly']);

export interface AnomalySettings {
  floorShare: number;
  minSpreadOrders: number;
  minSpreadRevenueCents: number;
  minBaseline: number;
  /** The sales topic: a window is judged once the sales workers have applied it (getSalesProgress). */
  salesTopic: string;
}

export interface EvaluatorSettings {
  inventory: InventorySettings;
  anomaly: AnomalySettings;
}

export interface EvaluateOptions {
  now: Date;
  /** Re-read only the pairs whose stock changed since then; null reads every pair (a full sweep). */
  changedSince: Date | null;
  /** Read no pair at all (anomaly rules only); their episodes are left alone. */
  skipStock?: boolean;
  /** Which anomaly rules to evaluate (default every enabled one); the others' episodes are left alone. */
  anomalyRule?: (rule: AlertRule, closedWindowEnd: number) => boolean;
}

export interface EvaluationResult {
  /** False when another evaluator held the lock (nothing done). */
  ran: boolean;
  pairs: number;
  /** The anomaly rules evaluated, with the end of the closed window each looked at. */
  anomalyRules: { id: bigint; windowEnd: number }[];
  opened: number;
  cleared: number;
  ms: number;
  /** The database's clock when the pass began (the next incremental pass reads changes since about then). */
  startedAt: Date;
}

/** The evaluator's settings from the configuration (INVENTORY_* and ACTIONS_ANOMALY_*). */
export function evaluatorSettings(config: Env): EvaluatorSettings {
  return {
    inventory: inventorySettings(config),
    anomaly: {
      floorShare: config.ACTIONS_ANOMALY_FLOOR_SHARE,
      minSpreadOrders: config.ACTIONS_ANOMALY_MIN_SPREAD_ORDERS,
      minSpreadRevenueCents: config.ACTIONS_ANOMALY_MIN_SPREAD_REVENUE_CENTS,
      minBaseline: config.ACTIONS_ANOMALY_MIN_BASELINE,
      salesTopic: config.SALES_TOPIC,
    },
  };
}

/** The anomaly rules' closed window: the last one closed WINDOW_GRACE_MS before `now`. */
export function closedWindowOf(rule: Pick<AlertRule, 'windowMinutes'>, nowMs: number) {
  return lastClosedWindow(nowMs - WINDOW_GRACE_MS, rule.windowMinutes);
}

export async function evaluateActions(
  prisma: PrismaClient,
  settings: EvaluatorSettings,
  options: EvaluateOptions,
): Promise<EvaluationResult> {
  const started = performance.now();
  const result = await prisma.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ ok: boolean; at: Date }[]>`
        SELECT pg_try_advisory_xact_lock(${EVALUATE_LOCK}) AS ok, now() AS at`;
      const startedAt = lock?.at ?? new Date();
      if (!lock?.ok) return { ran: false, pairs: 0, anomalyRules: [], opened: 0, cleared: 0, startedAt };
      await joinEpisodeWriters(tx);
      return { ...(await runPass(tx, settings, options)), startedAt };
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
  return { ...result, ms: Math.round(performance.now() - started) };
}

async function runPass(tx: Tx, settings: EvaluatorSettings, options: EvaluateOptions) {
  const nowMs = options.now.getTime();
  const rules = await getEnabledRules(tx);
  const full = options.changedSince === null && !options.skipStock;
  const pairs = options.skipStock ? [] : await getStockPairs(tx, options.changedSince);
  const holding = await stockConditions(
    tx,
    pairs,
    rules.filter((r) => STOCK_METRICS.has(r.metric)),
    settings.inventory,
    nowMs,
  );
  const dataStart = await getSalesDataStart(tx);
  const progress = await getSalesProgress(tx, settings.anomaly.salesTopic);
  const evaluatedRules: { id: bigint; windowEnd: number }[] = [];
  for (const rule of rules.filter((r) => ANOMALY_METRICS.has(r.metric))) {
    const windowEnd = closedWindowOf(rule, nowMs).to;
    if (options.anomalyRule && !options.anomalyRule(rule, windowEnd)) continue;
    // Sales of the window still in a backlog (or not produced yet): judged once they are applied.
    if (!progress || progress.appliedUntil < windowEnd + WINDOW_GRACE_MS || progress.eventsUntil < windowEnd) continue;
    const conditions = await anomalyConditions(tx, rule, settings.anomaly, nowMs, dataStart);
    if (conditions === null) continue; // too little history: its episodes are left as they are
    evaluatedRules.push({ id: rule.id, windowEnd });
    holding.push(...conditions);
  }
  const pairKeys = new Set(pairs.map((p) => pairKey(p.storeId, p.sku)));
  const evaluatedIds = new Set(evaluatedRules.map((r) => r.id));
  const enabledAnomalyIds = new Set(rules.filter((r) => ANOMALY_METRICS.has(r.metric)).map((r) => r.id));
  const evaluated = (e: OpenEpisode): boolean => {
    if ((STOCK_KINDS as readonly string[]).includes(e.kind)) return full || pairKeys.has(e.subjectKey);
    if (e.ruleId !== null && evaluatedIds.has(e.ruleId)) return true;
    // A full sweep also ends the episodes of anomaly rules disabled or deleted since.
    return full && (e.ruleId === null || !enabledAnomalyIds.has(e.ruleId));
  };
  const open = await getOpenEpisodes(tx, EPISODE_KINDS);
  const diff = diffConditions(holding, open, evaluated);
  const { opened, cleared } = await applyConditionDiff(tx, diff, options.now);
  return {
    ran: true,
    pairs: pairs.length,
    anomalyRules: evaluatedRules,
    opened: opened.length,
    cleared: cleared.length,
  };
}

const pairKey = (storeId: string, sku: string) => `${storeId}|${sku}`;

function inScope(rule: Pick<AlertRule, 'scopeKind' | 'scopeValue'>, pair: StockPair): boolean {
  switch (rule.scopeKind as ScopeKind) {
    case 'store':
      return pair.storeId === rule.scopeValue;
    case 'region':
      return pair.region === rule.scopeValue;
    case 'category':
      return pair.category === rule.scopeValue;
    case 'sku':
      return pair.sku === rule.scopeValue;
    default:
      return true;
  }
}

/** The figures a stock episode records (the Inventory page's, rounded as the API gives them). */
function stockDetails(pair: StockPair, f: DemandFigures): Record<string, unknown> {
  return {
    on_hand: pair.onHand,
    reorder_point: f.rule.reorderPoint,
    low_cover_days: f.rule.lowCoverDays,
    target_cover_days: f.rule.targetCoverDays,
    days_of_cover: f.cover === null ? null : roundFigure(f.cover),
    forecast_daily_units: roundFigure(f.forecast.daily),
    velocity_units_per_hour: roundFigure(f.velocity),
    low_reason: f.lowReason,
    restock_units: f.restock,
  };
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Why a stock rule holds for a pair (null when it does not). */
function stockRuleReason(rule: AlertRule, pair: StockPair, f: DemandFigures): string | null {
  switch (rule.metric) {
    case 'low_stock':
      if (f.lowReason === 'below_reorder_point') {
        return `${pair.onHand} on hand, below the reorder point of ${f.rule.reorderPoint}`;
      }
      if (f.lowReason === 'low_cover' && f.cover !== null) {
        return `${fmt(f.cover)} days of cover at ${fmt(f.forecast.daily)} units a day, below ${f.rule.lowCoverDays}`;
      }
      return null;
    case 'on_hand':
      return rule.threshold !== null && pair.onHand < rule.threshold
        ? `${pair.onHand} on hand, below ${rule.threshold}`
        : null;
    case 'days_of_cover':
      return rule.threshold !== null && f.cover !== null && f.cover < rule.threshold
        ? `${fmt(f.cover)} days of cover at ${fmt(f.forecast.daily)} units a day, below ${rule.threshold}`
        : null;
    default:
      return null;
  }
}

/** Stock rule alerts and suggestions holding now among `pairs`. */
async function stockConditions(
  tx: Tx,
  pairs: readonly StockPair[],
  rules: readonly AlertRule[],
  settings: InventorySettings,
  nowMs: number,
): Promise<Condition[]> {
  const out: Condition[] = [];
  if (pairs.length === 0) return out;
  // Complete hours only, as the Inventory page: the figures move once an hour.
  const asOf = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const overrides = await getRuleOverrides(
    tx,
    [...new Set(pairs.map((p) => p.sku))],
    [...new Set(pairs.flatMap((p) => (p.category === null ? [] : [p.category])))],
  );
  for (let i = 0; i < pairs.length; i += DEMAND_CHUNK) {
    const chunk = pairs.slice(i, i + DEMAND_CHUNK);
    const hourly = await getHourlyDemand(tx, chunk, asOf, settings.windowHours);
    for (const pair of chunk) {
      const series = seriesOf(hourly, pair.storeId, pair.sku) ?? { units: [], endMs: asOf, historyHours: 0 };
      const rule = resolveRule(
        settings.defaults,
        pair.category === null ? null : overrides.category.get(pair.category),
        overrides.sku.get(pair.sku),
      );
      const f = demandFigures(pair.onHand, series, settings.demand, rule);
      const subject = {
        subjectKey: pairKey(pair.storeId, pair.sku),
        storeId: pair.storeId,
        sku: pair.sku,
        region: pair.region,
        category: pair.category,
      };
      const details = stockDetails(pair, f);
      for (const r of rules) {
        if (!inScope(r, pair)) continue;
        const reason = stockRuleReason(r, pair, f);
        if (reason === null) continue;
        out.push({
          kind: 'low_stock',
          ruleId: r.id,
          ...subject,
          severity: pair.onHand <= 0 ? 'critical' : r.severity,
          details: { metric: r.metric, threshold: r.threshold, ...details, reason },
        });
      }
      if (f.lowReason !== null && f.restock > 0) {
        out.push({
          kind: 'restock',
          ruleId: null,
          ...subject,
          severity: pair.onHand <= 0 ? 'warning' : 'info',
          details: {
            ...details,
            reason: `order ${f.restock} units: ${fmt(f.rule.targetCoverDays)} days of cover at ${fmt(f.forecast.daily)} units a day (at least the reorder point of ${f.rule.reorderPoint}) with ${pair.onHand} on hand`,
          },
        });
      }
      if (f.pricing.action !== null) {
        out.push({
          kind: f.pricing.action === 'markdown' ? 'markdown' : 'price_raise',
          ruleId: null,
          ...subject,
          severity: 'info',
          details: { ...details, reason: f.pricing.reason },
        });
      }
    }
  }
  return out;
}

function subjectOf(level: AnomalyLevel, subject: string, parent: string | null) {
  const none = { storeId: null, sku: null, region: null, category: null };
  switch (level) {
    case 'store':
      return { ...none, subjectKey: `store=${subject}`, storeId: subject, region: parent };
    case 'region':
      return { ...none, subjectKey: `region=${subject}`, region: subject };
    case 'category':
      return { ...none, subjectKey: `category=${subject}`, category: subject };
    case 'sku':
      return { ...none, subjectKey: `sku=${subject}`, sku: subject, category: parent };
    default:
      return { ...none, subjectKey: 'all' };
  }
}

/**
 * The anomaly conditions of one rule now, or null when there is too little history for a
 * baseline (then the rule is not evaluated). Every subject seen in the closed window or its
 * baseline is scored; a subject absent from a window had 0 there.
 */
async function anomalyConditions(
  tx: Tx,
  rule: AlertRule,
  settings: AnomalySettings,
  nowMs: number,
  dataStart: number | null,
): Promise<Condition[] | null> {
  const closed = closedWindowOf(rule, nowMs);
  const candidates = candidateWindows(closed, rule.historyDays);
  const all = [...candidates.days, ...candidates.recent];
  const withSales = await getWindowsWithSales(tx, all);
  const sold = new Set(all.filter((_, i) => withSales[i]).map((w) => w.from));
  const baseline = chooseBaseline(closed, rule.historyDays, dataStart, settings.minBaseline, (w) => sold.has(w.from));
  if (baseline === null || rule.threshold === null) return null;
  const level = rule.level as AnomalyLevel;
  const totals = await getWindowTotals(
    tx,
    { level, scopeKind: rule.scopeKind as ScopeKind, scopeValue: rule.scopeValue },
    [closed, ...baseline.windows],
  );
  const orders = rule.metric === 'orders_anomaly';
  const series = new Map<string, { parent: string | null; values: number[] }>();
  for (const t of totals) {
    let s = series.get(t.subject);
    if (!s) {
      s = { parent: t.parent, values: new Array<number>(baseline.windows.length + 1).fill(0) };
      series.set(t.subject, s);
    }
    s.parent ??= t.parent;
    s.values[t.window] = orders ? t.orders : t.revenueCents;
  }
  const floor = {
    share: settings.floorShare,
    min: orders ? settings.minSpreadOrders : settings.minSpreadRevenueCents,
  };
  const out: Condition[] = [];
  for (const [subject, s] of [...series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const score = robustZ(s.values[0] ?? 0, s.values.slice(1), floor);
    const anomaly = anomalyOf(score, rule.threshold, rule.severity as 'info' | 'warning' | 'critical');
    if (!anomaly) continue;
    const unit = orders ? 'orders' : 'revenue_cents';
    const pct = score.expected === 0 ? null : Math.round(((score.observed - score.expected) / score.expected) * 100);
    out.push({
      kind: 'sales_anomaly',
      ruleId: rule.id,
      ...subjectOf(level, subject, s.parent),
      severity: anomaly.severity,
      details: {
        metric: rule.metric,
        level,
        unit,
        direction: anomaly.direction,
        window_minutes: rule.windowMinutes,
        window_start: new Date(closed.from).toISOString(),
        window_end: new Date(closed.to).toISOString(),
        observed: score.observed,
        expected: score.expected,
        spread: roundFigure(score.spread),
        z: roundFigure(score.z),
        threshold: rule.threshold,
        baseline: baseline.kind,
        baseline_windows: baseline.windows.length,
        reason: `${orders ? 'orders' : 'revenue'} ${anomaly.direction} in the ${rule.windowMinutes}-minute window to ${new Date(closed.to).toISOString()}: ${score.observed} against ${score.expected} expected${pct === null ? '' : ` (${pct > 0 ? '+' : ''}${pct} %)`}, z = ${score.z.toFixed(1)} (threshold ${rule.threshold}; baseline: ${baseline.windows.length} ${baseline.kind === 'previous_days' ? 'previous days' : 'previous windows'})`,
      },
    });
  }
  return out;
}
