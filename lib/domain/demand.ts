// Demand side of the inventory (issue 13): sales velocity, a daily demand forecast, days of
// cover, the low-stock rule, restock quantities and pricing suggestions, from a store × SKU's
// net units per hour. Pure functions: the API (lib/queries/inventory/get-inventory.ts), the
// forecast bench (bench/forecast.ts) and the tests call the same code.
//
// Hours are UTC hours (bucket starts at a multiple of 3,600,000 ms since the epoch). The
// day-of-week and hour-of-day profile is therefore a UTC profile: no daylight-saving shifts to
// handle (a store whose trade follows local time sees its profile move by an hour twice a year,
// which the profile's smoothing absorbs).

export const HOUR_MS = 3_600_000;
export const DAY_HOURS = 24;
const WEEK_HOURS = 7 * DAY_HOURS;

export interface DemandSettings {
  /** Half-life of the exponential weights of the velocity, in hours. */
  halfLifeHours: number;
  /** Days of history a day-of-week/hour profile needs; with less, the forecast is the velocity × 24. */
  profileMinDays: number;
}

/**
 * A store × SKU's net units (sales − refunds) per UTC hour: `units[i]` is the hour starting at
 * `endMs − (units.length − i) × HOUR_MS`, so the last element is the latest complete hour and
 * `endMs` (an hour start) is the hour the figures are "as of". `historyHours` ≤ units.length
 * says how many of the latest hours there was any sales data at all (the data's start); earlier
 * hours are not zeros but unknown and are ignored.
 */
export interface HourlySeries {
  units: readonly number[];
  endMs: number;
  historyHours: number;
}

/** The known hours of a series (the last `historyHours`). */
function known(series: HourlySeries): readonly number[] {
  const n = Math.max(0, Math.min(series.historyHours, series.units.length));
  return series.units.slice(series.units.length - n);
}

/**
 * Units per hour, exponentially weighted: the hour `a` hours before the latest complete one
 * weighs 0.5^(a / halfLife), and the weighted mean is taken over the known hours only. 0 with
 * no known hour. Net units, so a refund-heavy hour may weigh negative; a negative mean is
 * reported as 0 (no demand).
 */
export function ewVelocity(series: HourlySeries, halfLifeHours: number): number {
  const hours = known(series);
  let weighted = 0;
  let weights = 0;
  for (let i = 0; i < hours.length; i++) {
    const age = hours.length - 1 - i;
    const w = 0.5 ** (age / halfLifeHours);
    weighted += w * (hours[i] ?? 0);
    weights += w;
  }
  return weights === 0 ? 0 : Math.max(0, weighted / weights);
}

/** Plain mean units per known hour (the velocity's long-run reference for the trend). */
export function meanVelocity(series: HourlySeries): number {
  const hours = known(series);
  if (hours.length === 0) return 0;
  return Math.max(0, hours.reduce((a, b) => a + b, 0) / hours.length);
}

/** Pseudo-days pulling each weekday's factor towards 1 (one Monday in a week of data is mostly noise). */
const WEEKDAY_PRIOR_DAYS = 2;
/** Pseudo-units per hour of day pulling the hour-of-day shares towards a flat day. */
const HOUR_PRIOR_UNITS = 1;

export interface Profile {
  /** Mean units per day over the latest 7 days (or all known days when fewer). */
  level: number;
  /** Multiplier per UTC weekday (0 = Sunday), mean ≈ 1. */
  weekday: number[];
  /** Share of a day's units per UTC hour of day, summing to 1. */
  hour: number[];
}

/**
 * The day-of-week/hour profile of a series with at least `profileMinDays` whole known days, else
 * null. level = mean daily units of the latest week; weekday factor d = (units on weekday d +
 * 2 pseudo-days at the overall mean) ÷ ((days on weekday d + 2) × overall mean); hour share h =
 * (units in hour h + 1) ÷ (all units + 24). The pseudo-counts keep a sparse SKU's profile near
 * flat instead of copying its few sales.
 */
export function fitProfile(series: HourlySeries, profileMinDays: number): Profile | null {
  const days = Math.floor(Math.min(series.historyHours, series.units.length) / DAY_HOURS);
  if (days < Math.max(1, profileMinDays)) return null;
  const hours = series.units.slice(series.units.length - days * DAY_HOURS);
  const startMs = series.endMs - hours.length * HOUR_MS;
  const total = hours.reduce((a, b) => a + b, 0);
  const mean = Math.max(0, total / days);
  const recent = hours.slice(-Math.min(WEEK_HOURS, hours.length));
  const level = Math.max(0, recent.reduce((a, b) => a + b, 0) / (recent.length / DAY_HOURS));
  const byWeekday = new Array<number>(7).fill(0);
  const daysOnWeekday = new Array<number>(7).fill(0);
  const byHour = new Array<number>(DAY_HOURS).fill(0);
  for (let i = 0; i < hours.length; i++) {
    const at = new Date(startMs + i * HOUR_MS);
    const u = Math.max(0, hours[i] ?? 0);
    const day = at.getUTCDay();
    const hour = at.getUTCHours();
    byWeekday[day] = (byWeekday[day] ?? 0) + u;
    byHour[hour] = (byHour[hour] ?? 0) + u;
    if (hour === 0) daysOnWeekday[day] = (daysOnWeekday[day] ?? 0) + 1;
  }
  const positive = byHour.reduce((a, b) => a + b, 0);
  const weekday = byWeekday.map((u, d) =>
    mean === 0 ? 1 : (u + WEEKDAY_PRIOR_DAYS * mean) / (((daysOnWeekday[d] ?? 0) + WEEKDAY_PRIOR_DAYS) * mean),
  );
  const hour = byHour.map((u) => (u + HOUR_PRIOR_UNITS) / (positive + HOUR_PRIOR_UNITS * DAY_HOURS));
  return { level, weekday, hour };
}

export interface Forecast {
  /** Units expected per hour for the next `hours.length` hours from `endMs`. */
  hourly: number[];
  /** Units expected over the next 24 hours. */
  daily: number;
  model: 'profile' | 'velocity';
}

/**
 * Forecast of the next `horizonHours` hours after `series.endMs`:
 * - with ≥ profileMinDays whole days of history ('profile'): hour t gets level × weekday(t) ×
 *   hour share(t), level being the latest week's mean daily units;
 * - else ('velocity'): every hour gets the exponentially weighted velocity.
 * `daily` is the sum over the first 24 hours (what days of cover divides by).
 */
export function forecastDemand(series: HourlySeries, settings: DemandSettings, horizonHours = DAY_HOURS): Forecast {
  const profile = fitProfile(series, settings.profileMinDays);
  const hourAt = (i: number): number => {
    if (!profile) return ewVelocity(series, settings.halfLifeHours);
    const at = new Date(series.endMs + i * HOUR_MS);
    return profile.level * (profile.weekday[at.getUTCDay()] ?? 1) * (profile.hour[at.getUTCHours()] ?? 0);
  };
  const ahead = Array.from({ length: Math.max(horizonHours, DAY_HOURS) }, (_, i) => hourAt(i));
  const hourly = ahead.slice(0, horizonHours);
  const daily = ahead.slice(0, DAY_HOURS).reduce((a, b) => a + b, 0);
  return { hourly, daily, model: profile ? 'profile' : 'velocity' };
}

/** Days the on-hand lasts at the forecast: on-hand ÷ daily demand; null without demand; 0 when on-hand ≤ 0. */
export function daysOfCover(onHand: number, dailyDemand: number): number | null {
  if (!(dailyDemand > 0)) return null;
  return Math.max(0, onHand) / dailyDemand;
}

/** Per-store×SKU thresholds, after the overrides (inventory_rule) are applied. */
export interface StockRule {
  reorderPoint: number;
  targetCoverDays: number;
  lowCoverDays: number;
  overstockCoverDays: number;
}

/** An override row: null fields fall through to the next level. */
export type RuleOverride = Partial<{ [K in keyof StockRule]: number | null }>;

/** The rule of a SKU: its own override, else its category's, else the defaults, field by field. */
export function resolveRule(defaults: StockRule, category?: RuleOverride | null, sku?: RuleOverride | null): StockRule {
  const pick = (k: keyof StockRule) => sku?.[k] ?? category?.[k] ?? defaults[k];
  return {
    reorderPoint: pick('reorderPoint'),
    targetCoverDays: pick('targetCoverDays'),
    lowCoverDays: pick('lowCoverDays'),
    overstockCoverDays: pick('overstockCoverDays'),
  };
}

export type LowReason = 'below_reorder_point' | 'low_cover';

/** Low stock: on-hand below the reorder point (checked first), or days of cover below the threshold. */
export function lowReason(onHand: number, cover: number | null, rule: StockRule): LowReason | null {
  if (onHand < rule.reorderPoint) return 'below_reorder_point';
  if (cover !== null && cover < rule.lowCoverDays) return 'low_cover';
  return null;
}

/**
 * Units to order so the store holds the target cover (target days × daily demand) and at least
 * the reorder point: ceil(max(target, reorder point) − on-hand), never negative. A negative
 * on-hand (shrinkage beyond the count) is taken as 0 on the shelf: nothing there to sell.
 */
export function restockUnits(onHand: number, dailyDemand: number, rule: StockRule): number {
  const wanted = Math.max(rule.targetCoverDays * Math.max(0, dailyDemand), rule.reorderPoint);
  return Math.max(0, Math.ceil(wanted - Math.max(0, onHand) - 1e-9));
}

export interface Pricing {
  action: 'markdown' | 'raise' | null;
  reason: string | null;
}

/** Velocity change that counts as falling (markdown) or rising (raise): ±20 % against the window's mean. */
export const TREND_THRESHOLD = 0.2;

/** Hours of demand history before a pricing suggestion is made. */
export const PRICING_MIN_HISTORY_HOURS = 24;

/** Figures as the API gives them: 4 decimals (exact enough for units per hour, short in JSON). */
export function roundFigure(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

const fmt = (n: number, digits = 1) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));

/**
 * Pricing suggestion:
 * - markdown (overstock): cover above overstockCoverDays and the velocity falling (EW velocity
 *   ≥ 20 % under the window mean), or stock on hand with no sales in the whole window;
 * - raise (fast seller about to stock out): on-hand > 0, cover below lowCoverDays and the
 *   velocity rising (≥ 20 % above the window mean);
 * - else none. The reason states the figures the rule saw.
 * None before a day of history (PRICING_MIN_HISTORY_HOURS): over a few hours, "no sales" and a
 * velocity trend are noise — a long-tail SKU would be a markdown until its next sale, then not.
 */
export function pricingSuggestion(input: {
  onHand: number;
  cover: number | null;
  velocity: number;
  meanVelocity: number;
  historyHours: number;
  rule: StockRule;
}): Pricing {
  const { onHand, cover, velocity, meanVelocity: mean, rule } = input;
  if (input.historyHours < PRICING_MIN_HISTORY_HOURS) return { action: null, reason: null };
  const windowDays = fmt(input.historyHours / DAY_HOURS);
  if (onHand > 0 && mean === 0 && input.historyHours > 0) {
    return {
      action: 'markdown',
      reason: `${onHand} on hand and no net sales in ${windowDays} days of history`,
    };
  }
  const change = mean > 0 ? velocity / mean - 1 : 0;
  const pct = `${Math.round(Math.abs(change) * 100)} %`;
  if (cover !== null && cover > rule.overstockCoverDays && change <= -TREND_THRESHOLD) {
    return {
      action: 'markdown',
      reason: `${fmt(cover)} days of cover (overstock above ${rule.overstockCoverDays}) and velocity falling: ${fmt(velocity, 2)} units/h, ${pct} under the ${windowDays}-day mean of ${fmt(mean, 2)}`,
    };
  }
  if (onHand > 0 && cover !== null && cover < rule.lowCoverDays && change >= TREND_THRESHOLD) {
    return {
      action: 'raise',
      reason: `${fmt(cover)} days of cover (below ${rule.lowCoverDays}) and velocity rising: ${fmt(velocity, 2)} units/h, ${pct} over the ${windowDays}-day mean of ${fmt(mean, 2)}`,
    };
  }
  return { action: null, reason: null };
}

export interface DemandFigures {
  velocity: number;
  meanVelocity: number;
  forecast: Forecast;
  cover: number | null;
  rule: StockRule;
  lowReason: LowReason | null;
  restock: number;
  pricing: Pricing;
}

/** Every figure of a stock row from its on-hand, hourly series, settings and rule. */
export function demandFigures(
  onHand: number,
  series: HourlySeries,
  settings: DemandSettings,
  rule: StockRule,
): DemandFigures {
  const velocity = ewVelocity(series, settings.halfLifeHours);
  const mean = meanVelocity(series);
  const forecast = forecastDemand(series, settings);
  const cover = daysOfCover(onHand, forecast.daily);
  return {
    velocity,
    meanVelocity: mean,
    forecast,
    cover,
    rule,
    lowReason: lowReason(onHand, cover, rule),
    restock: restockUnits(onHand, forecast.daily, rule),
    pricing: pricingSuggestion({
      onHand,
      cover,
      velocity,
      meanVelocity: mean,
      historyHours: Math.min(series.historyHours, series.units.length),
      rule,
    }),
  };
}
