// Display formatting shared by the dashboard's server and client components.
// Numbers use a fixed locale so the server render and the browser agree (no hydration
// mismatch); times are shown in the viewer's time zone and are only formatted on the client.

const NUMBER = new Intl.NumberFormat('en-US');

interface MoneyFormat {
  currency: string;
  full: Intl.NumberFormat;
  compact: Intl.NumberFormat;
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
  return { currency, full, compact, scale: 10 ** (full.resolvedOptions().maximumFractionDigits ?? 2) };
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

/** Integer minor units → `$12,345.67`. */
export function formatMoney(minor: number): string {
  return money.full.format(minor / money.scale);
}

/** Integer minor units → `$12.3K`, for axis ticks. */
export function formatMoneyCompact(minor: number): string {
  return money.compact.format(minor / money.scale);
}

/** `12345` → `12,345`. */
export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

export function formatNumberCompact(value: number): string {
  return NUMBER_COMPACT.format(value);
}

/** A ratio in [0, 1] → `12.3%` (`12%` when whole); `fixed` keeps one decimal for aligned columns. */
export function formatPercent(ratio: number, fixed?: 1): string {
  return (fixed ? PERCENT_FIXED : PERCENT).format(Number.isFinite(ratio) ? ratio : 0);
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

/** `+$12.34` / `−$5.00` / `+3`: a signed difference (true minus sign). */
export function formatSigned(value: number, kind: 'money' | 'number'): string {
  const abs = kind === 'money' ? formatMoney(Math.abs(value)) : formatNumber(Math.abs(value));
  if (value === 0) return abs;
  return `${value > 0 ? '+' : '−'}${abs}`;
}

/** Relative change `+12.3%`; `—` when there is nothing to compare with. */
export function formatChangePercent(current: number, previous: number): string {
  if (previous === 0) return '—';
  const ratio = (current - previous) / Math.abs(previous);
  if (ratio === 0) return '0%';
  return `${ratio > 0 ? '+' : '−'}${formatPercent(Math.abs(ratio))}`;
}
