// Display formatting shared by the dashboard's server and client components.
// Numbers use a fixed locale so the server render and the browser agree (no hydration
// mismatch); times are shown in the viewer's time zone and are only formatted on the client.

import { approxNumber, compareExact, type ExactNumber, exactNumber } from './exact-number';
import type { Comparison } from './time-buckets';

const NUMBER = new Intl.NumberFormat('en-US');

interface MoneyFormat {
  currency: string;
  full: Intl.NumberFormat;
  compact: Intl.NumberFormat;
  /** Whole major units (`$30,374,703`), the first step of shortening a figure to fit. */
  whole: Intl.NumberFormat;
  /** Compact with 3, then 2 significant digits (`$30.4M`, `$30M`), the next steps. */
  short: Record<2 | 3, Intl.NumberFormat>;
  /** Minor units per major unit: 100 for USD, 1 for JPY. */
  scale: number;
}

function moneyFormat(currency: string): MoneyFormat {
  const full = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  const compact = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    notation: 'compact',
    maximumFractionDigits: 1,
  });
  const whole = new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 });
  const short = (digits: number) =>
    new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumSignificantDigits: digits,
    });
  return {
    currency,
    full,
    compact,
    whole,
    short: { 2: short(3), 3: short(2) },
    scale: 10 ** (full.resolvedOptions().maximumFractionDigits ?? 2),
  };
}

// The reporting currency is one per deployment (REPORTING_CURRENCY); the dashboard sets it
// from the data it renders before any amount is formatted.
let money = moneyFormat('USD');

export function setReportingCurrency(currency: string): void {
  if (currency !== money.currency) money = moneyFormat(currency);
}
const NUMBER_COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const PERCENT_FIXED = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** Integer minor units → `$12,345.67`; exact beyond 2^53 too (an ExactNumber string). */
export function formatMoney(minor: ExactNumber): string {
  if (typeof minor === 'number') return money.full.format(minor / money.scale);
  return formatDecimal(money.full, minor, money.scale);
}

/**
 * `digits` (an integer as text) ÷ `scale` formatted without going through a double: Intl formats
 * a decimal string exactly (ECMA-402 NumberFormat v3; TypeScript's lib still types number | bigint).
 */
function formatDecimal(format: Intl.NumberFormat, digits: string, scale: number): string {
  return (format.format as (value: string) => string)(decimalText(BigInt(digits), scale));
}

/** `-123456` minor units at scale 100 → `-1234.56`: every digit kept, no grouping. */
function decimalText(n: bigint, scale: number): string {
  const magnitude = n < 0n ? -n : n;
  const unit = BigInt(scale);
  const fraction = scale === 1 ? '' : `.${(magnitude % unit).toString().padStart(String(scale).length - 1, '0')}`;
  return `${n < 0n ? '-' : ''}${magnitude / unit}${fraction}`;
}

/**
 * Integer minor units → `12345.67`: the figure formatMoney shows, in major units with the
 * currency's decimals, without symbol or grouping (CSV); exact beyond 2^53 too.
 */
export function moneyFigure(minor: ExactNumber): string {
  return decimalText(BigInt(minor), money.scale);
}

/** The reporting currency's ISO 4217 code, to name the unit of money figures. */
export function reportingCurrency(): string {
  return money.currency;
}

/** Integer minor units → `$12.3K`, for axis ticks. */
export function formatMoneyCompact(minor: ExactNumber): string {
  return money.compact.format(approxNumber(minor) / money.scale);
}

/**
 * How far a figure is shortened to fit its box, from 0 (exact: `$30,374,702.78`) through whole
 * units (`$30,374,703`) to 3 and 2 significant digits (`$30.4M`, `$30M`). A figure too wide
 * for its box is shortened this way, never cut off: `$1,345,388…` read as a thousandth of
 * `$1.35B`. The box shows the exact figure in its title and to screen readers.
 */
export const FIT_STEPS = [0, 1, 2, 3] as const;
export type FitStep = (typeof FIT_STEPS)[number];

/** Integer minor units at a fit step (FIT_STEPS); step 0 is formatMoney. */
export function formatMoneyFit(minor: ExactNumber, step: FitStep): string {
  if (step === 0) return formatMoney(minor);
  if (step === 1) {
    return typeof minor === 'number'
      ? money.whole.format(minor / money.scale)
      : formatDecimal(money.whole, minor, money.scale);
  }
  return money.short[step].format(approxNumber(minor) / money.scale);
}

const numberShort = (digits: number) =>
  new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: digits });
const NUMBER_SHORT: Record<2 | 3, Intl.NumberFormat> = { 2: numberShort(3), 3: numberShort(2) };

/** A count at a fit step (FIT_STEPS): exact up to step 1 (counts are whole), then compact. */
export function formatNumberFit(value: ExactNumber, step: FitStep): string {
  if (step === 0 || step === 1) return formatNumber(value);
  return NUMBER_SHORT[step].format(approxNumber(value));
}

/** A figure at every fit step (FIT_STEPS), exact first: the texts a FitText chooses from. */
export function fitTexts(value: ExactNumber, kind: 'money' | 'number'): string[] {
  return FIT_STEPS.map((step) => (kind === 'money' ? formatMoneyFit(value, step) : formatNumberFit(value, step)));
}

/**
 * The texts a FitText chooses from for an amount in a list (the ticker, the mix tile): the same
 * steps as the KPI figures, a refund with its minus sign on each. `$1,345,388,123.45` becomes
 * `$1.35B` where it does not fit, never a cut `$1,345,3…` that reads a thousand times smaller.
 */
export function moneyFitTexts(minor: ExactNumber, opts: { refund?: boolean } = {}): string[] {
  const texts = fitTexts(minor, 'money');
  return opts.refund ? texts.map((t) => `−${t}`) : texts;
}

/** `12345` → `12,345`; exact beyond 2^53 too. */
export function formatNumber(value: ExactNumber): string {
  return typeof value === 'number' ? NUMBER.format(value) : NUMBER.format(BigInt(value));
}

export function formatNumberCompact(value: ExactNumber): string {
  return NUMBER_COMPACT.format(approxNumber(value));
}

/** A ratio in [0, 1] → `12.3%` (`12%` when whole); `fixed` keeps one decimal for aligned columns. */
export function formatPercent(ratio: number, fixed?: 1): string {
  return (fixed ? PERCENT_FIXED : PERCENT).format(Number.isFinite(ratio) ? ratio : 0);
}

/** A ratio → `12.3` (`-4.0`): the percentage formatPercent(ratio, 1) shows, without the sign. */
export function percentFigure(ratio: number): string {
  return formatPercent(ratio, 1).replace('%', '');
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const DAY_TIME = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Local `HH:mm` of an instant (ISO string or epoch ms). */
export function formatTime(at: string | number): string {
  return TIME.format(new Date(at));
}

/** Local `Tue 14:05`, for axes spanning more than a day. */
export function formatDayTime(at: string | number): string {
  return DAY_TIME.format(new Date(at));
}

/** Local `Tue, 25 Nov, 14:05`. */
export function formatDateTime(at: string | number): string {
  return DATE_TIME.format(new Date(at));
}

/** A duration for humans: `120 ms`, `3.4 s`, `5 min`, `2 h`. */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  if (abs < 10_000) return `${(abs / 1000).toFixed(1)} s`;
  if (abs < 60_000) return `${Math.round(abs / 1000)} s`;
  if (abs < 3_600_000) return `${Math.round(abs / 60_000)} min`;
  if (abs < 172_800_000) return `${Math.round(abs / 3_600_000)} h`;
  return `${Math.round(abs / 86_400_000)} d`;
}

/**
 * How the dashboard names each comparison (`compare=`): `name` in a legend or column ("previous
 * period"), `short` before a figure ("last week $1,204").
 */
export const COMPARISON_NAMES: Record<Comparison, { name: string; short: string }> = {
  previous: { name: 'previous period', short: 'previous' },
  yesterday: { name: 'same time yesterday', short: 'yesterday' },
  last_week: { name: 'same time last week', short: 'last week' },
};

/** What a view's changes are against, after "vs": "the previous 1 h", "same time yesterday". */
export function comparedWith(compare: Comparison, range: { from: string; to: string }): string {
  if (compare !== 'previous') return COMPARISON_NAMES[compare].name;
  return `the previous ${formatDuration(Date.parse(range.to) - Date.parse(range.from))}`;
}

/** Elapsed time for "updated … ago": whole seconds below a minute. */
export function formatAgo(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < 60_000) return `${Math.floor(abs / 1000)} s ago`;
  return `${formatDuration(abs)} ago`;
}

const DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Local `Nov 25`, for day ticks. */
export function formatDay(at: string | number): string {
  return DAY.format(new Date(at));
}

type ZonedStyle = 'time' | 'seconds' | 'dayTime' | 'day' | 'date' | 'dateTime';
const ZONED_OPTIONS: Record<ZonedStyle, Intl.DateTimeFormatOptions> = {
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  seconds: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
  dayTime: { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  day: { month: 'short', day: 'numeric' },
  date: { weekday: 'short', month: 'short', day: 'numeric' },
  dateTime: { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
};
const zonedFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant as wall-clock text in the view's time zone (`tz` of the overview), so bucket
 * labels match the buckets the server made whatever the viewer's own zone. A fixed locale
 * keeps the server render and the browser identical.
 */
export function formatInZone(at: string | number, timeZone: string, style: ZonedStyle): string {
  const cacheKey = `${timeZone}|${style}`;
  let f = zonedFormats.get(cacheKey);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { ...ZONED_OPTIONS[style], timeZone });
    } catch {
      f = new Intl.DateTimeFormat('en-US', { ...ZONED_OPTIONS[style], timeZone: 'UTC' });
    }
    zonedFormats.set(cacheKey, f);
  }
  return f.format(new Date(at));
}

/** `+$12.34` / `−$5.00` / `+3`: a signed difference (true minus sign), shortened to `step` (FIT_STEPS). */
export function formatSigned(value: ExactNumber, kind: 'money' | 'number', step: FitStep = 0): string {
  const sign = compareExact(value, 0);
  const magnitude = sign < 0 ? negate(value) : value;
  const abs = kind === 'money' ? formatMoneyFit(magnitude, step) : formatNumberFit(magnitude, step);
  if (sign === 0) return abs;
  return `${sign > 0 ? '+' : '−'}${abs}`;
}

function negate(value: ExactNumber): ExactNumber {
  return typeof value === 'number' ? -value : exactNumber(-BigInt(value));
}

/** Relative change `+12.3%`; `—` when there is nothing to compare with. */
export function formatChangePercent(currentExact: ExactNumber, previousExact: ExactNumber): string {
  const current = approxNumber(currentExact);
  const previous = approxNumber(previousExact);
  if (previous === 0) return '—';
  const ratio = (current - previous) / Math.abs(previous);
  if (ratio === 0) return '0%';
  return `${ratio > 0 ? '+' : '−'}${formatPercent(Math.abs(ratio))}`;
}
