// Sales anomalies (issue 13, README "Actions contract"): which windows a rule compares, and the
// robust z-score of the last closed window against them. Pure functions: the actions worker
// (workers/actions/evaluate.ts) feeds them window totals read from the sales data
// (lib/queries/actions/get-window-totals.ts); the unit tests drive them directly.

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** Windows of the rule's own length compared with when the days before have too little data. */
export const RECENT_WINDOWS = 24;
/** 1.4826 × MAD estimates the standard deviation of normally distributed data. */
export const MAD_SCALE = 1.4826;

/** A window [from, to) in epoch ms. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** The last closed window of `windowMinutes` at `nowMs`: windows are aligned to multiples of their length since the epoch (UTC). */
export function lastClosedWindow(nowMs: number, windowMinutes: number): TimeWindow {
  const size = windowMinutes * MINUTE_MS;
  const to = Math.floor(nowMs / size) * size;
  return { from: to - size, to };
}

export type BaselineKind = 'previous_days' | 'recent_windows';

export interface Baseline {
  kind: BaselineKind;
  windows: TimeWindow[];
}

/** The windows a baseline may use: the same window on each of the previous `historyDays` days, and the previous RECENT_WINDOWS windows. */
export function candidateWindows(
  closed: TimeWindow,
  historyDays: number,
): { days: TimeWindow[]; recent: TimeWindow[] } {
  const size = closed.to - closed.from;
  const shifted = (by: number) => ({ from: closed.from - by, to: closed.to - by });
  return {
    days: Array.from({ length: historyDays }, (_, i) => shifted((i + 1) * DAY_MS)),
    recent: Array.from({ length: RECENT_WINDOWS }, (_, i) => shifted((i + 1) * size)),
  };
}

/**
 * What the closed window is compared with: the same window on each of the previous
 * `historyDays` days that is known, when at least `minWindows` are; else the previous
 * RECENT_WINDOWS windows of the same length that are known, when at least `minWindows` are;
 * else null (too little history to say what is normal; also when the closed window itself starts
 * before the data). A window is known when it lies after the start of the data (`dataStartMs`,
 * the first sale) and `hasSales` says the pipeline recorded any sale in it at all: a window with
 * no sale anywhere is a gap in the data (the system was down), not a zero.
 */
export function chooseBaseline(
  closed: TimeWindow,
  historyDays: number,
  dataStartMs: number | null,
  minWindows: number,
  hasSales: (w: TimeWindow) => boolean = () => true,
): Baseline | null {
  if (dataStartMs === null || closed.from < dataStartMs) return null;
  const known = (w: TimeWindow) => w.from >= dataStartMs && hasSales(w);
  const { days, recent } = candidateWindows(closed, historyDays);
  const knownDays = days.filter(known);
  if (knownDays.length >= minWindows) return { kind: 'previous_days', windows: knownDays };
  const knownRecent = recent.filter(known);
  if (knownRecent.length >= minWindows) return { kind: 'recent_windows', windows: knownRecent };
  return null;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median absolute deviation from the median. */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

export interface SpreadFloor {
  /** The spread is at least this share of |expected| (a series ±5 % around its median is not "3.5 σ" off at +20 %). */
  share: number;
  /** …and at least this, in the metric's unit (orders, or revenue in minor units). */
  min: number;
}

export interface Score {
  observed: number;
  /** The baseline's median. */
  expected: number;
  /** max(1.4826 × MAD, floor.share × |expected|, floor.min). */
  spread: number;
  /** (observed − expected) / spread. */
  z: number;
}

/** The robust z-score of `observed` against `baseline` (one figure per baseline window). */
export function robustZ(observed: number, baseline: readonly number[], floor: SpreadFloor): Score {
  const expected = median(baseline);
  const spread = Math.max(MAD_SCALE * medianAbsoluteDeviation(baseline), floor.share * Math.abs(expected), floor.min);
  return { observed, expected, spread, z: (observed - expected) / spread };
}

export type Severity = 'info' | 'warning' | 'critical';

export interface Anomaly {
  direction: 'spike' | 'drop';
  severity: Severity;
}

/**
 * An anomaly when |z| ≥ threshold: a spike above, a drop below; severity the rule's, critical
 * when |z| ≥ 2 × threshold. Null inside the threshold.
 */
export function anomalyOf(score: Score, threshold: number, ruleSeverity: Severity): Anomaly | null {
  const size = Math.abs(score.z);
  if (!(size >= threshold)) return null;
  return {
    direction: score.z > 0 ? 'spike' : 'drop',
    severity: size >= 2 * threshold ? 'critical' : ruleSeverity,
  };
}
