// npm run bench:forecast [-- --days 8] [--rate 1] [--seed 7] [--shape flat|diurnal]
// Accuracy of the inventory demand forecast (lib/domain/demand.ts) on the simulator's sales:
// generates `days` days of sales with the simulator's own generator (no broker, no database),
// net units per store × SKU × UTC hour, fits on all days but the last and compares the forecast
// with the held-out day, per day and per hour, for every store × SKU that sold in the period
// and summed per store. MAPE = mean |forecast − actual| ÷ actual over the cells that sold
// (undefined for the many zero cells of a sparse SKU); WAPE = Σ|forecast − actual| ÷ Σ actual
// over all cells (the figure that means something for sparse SKUs).
//
// The simulator sells at a steady rate (`--shape flat`, what `npm run simulate` does);
// `--shape diurnal` thins it to a retail day (quiet nights, a midday and evening peak,
// busier weekends) to show what the day-of-week/hour profile adds when there is a pattern.
import { parseArgs } from 'node:util';
import { DAY_HOURS, type DemandSettings, forecastDemand, HOUR_MS } from '@/lib/domain/demand';
import { createRng, createWorld } from '@/workers/simulator/catalog';
import { SaleGenerator } from '@/workers/simulator/generate';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '8' },
    rate: { type: 'string', default: '1' },
    seed: { type: 'string', default: '7' },
    shape: { type: 'string', default: 'flat' },
    'half-life': { type: 'string', default: '24' },
    'profile-min-days': { type: 'string', default: '7' },
  },
});
const days = Number(values.days);
const rate = Number(values.rate);
const seed = Number(values.seed);
const shape = values.shape;
if (!(Number.isInteger(days) && days >= 2 && days <= 60)) throw new Error('--days must be a whole number 2–60');
if (!(rate > 0 && rate <= 50)) throw new Error('--rate must be sales per second, 0 < rate ≤ 50');
if (shape !== 'flat' && shape !== 'diurnal') throw new Error('--shape must be flat or diurnal');

/** Relative sales rate of a UTC instant for --shape diurnal (max 1). */
function diurnal(ms: number): number {
  const at = new Date(ms);
  const h = at.getUTCHours() + at.getUTCMinutes() / 60;
  const day = 0.05 + 0.55 * Math.exp(-(((h - 13) / 2.5) ** 2)) + 0.4 * Math.exp(-(((h - 18.5) / 1.8) ** 2));
  const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6 ? 1 : 0.75;
  return Math.min(1, day * weekend);
}

// Whole UTC days ending at the last midnight: the held-out day is the last one.
const endMs = Math.floor(Date.now() / (DAY_HOURS * HOUR_MS)) * DAY_HOURS * HOUR_MS;
const startMs = endMs - days * DAY_HOURS * HOUR_MS;
const hours = days * DAY_HOURS;
const world = createWorld();
const generator = new SaleGenerator(world, seed);
const thin = createRng(seed + 1);
const units = new Map<string, Float64Array>();
const started = performance.now();
let sales = 0;
// The generator backdates each sale by up to 1.5 s; +2 s keeps the first one in the span.
for (let t = startMs + 2000; t < endMs; t += 1000 / rate) {
  if (shape === 'diurnal' && thin() >= diurnal(t)) continue;
  const sale = generator.next(Math.floor(t));
  const hour = Math.floor((Date.parse(sale.occurred_at) - startMs) / HOUR_MS);
  if (hour < 0) continue;
  sales += 1;
  for (const line of sale.lines) {
    const key = `${sale.store_id}/${line.sku}`;
    let series = units.get(key);
    if (!series) {
      series = new Float64Array(hours);
      units.set(key, series);
    }
    series[hour] = (series[hour] ?? 0) + line.quantity;
  }
}

interface Errors {
  absError: number;
  actual: number;
  apeSum: number;
  apeCount: number;
}
const blank = (): Errors => ({ absError: 0, actual: 0, apeSum: 0, apeCount: 0 });
function add(e: Errors, forecast: number, actual: number) {
  e.absError += Math.abs(forecast - actual);
  e.actual += actual;
  if (actual > 0) {
    e.apeSum += Math.abs(forecast - actual) / actual;
    e.apeCount += 1;
  }
}
const pct = (n: number) => `${(100 * n).toFixed(1)} %`;
const row = (label: string, e: Errors) =>
  `${label.padEnd(34)} MAPE ${(e.apeCount ? pct(e.apeSum / e.apeCount) : 'n/a').padStart(9)}   WAPE ${pct(e.absError / e.actual).padStart(8)}   (${e.apeCount} cells sold)`;

function evaluate(settings: DemandSettings) {
  const fitHours = hours - DAY_HOURS;
  const fitEnd = endMs - DAY_HOURS * HOUR_MS;
  const pairDay = blank();
  const pairHour = blank();
  const storeDay = blank();
  const storeHour = blank();
  const models = { profile: 0, velocity: 0 };
  const stores = new Map<string, { forecast: number[]; actual: number[] }>();
  for (const [key, series] of units) {
    const history = [...series.subarray(0, fitHours)];
    const heldOut = [...series.subarray(fitHours)];
    const f = forecastDemand({ units: history, endMs: fitEnd, historyHours: fitHours }, settings);
    models[f.model] += 1;
    add(
      pairDay,
      f.daily,
      heldOut.reduce((a, b) => a + b, 0),
    );
    const store = key.slice(0, key.indexOf('/'));
    const s = stores.get(store) ?? { forecast: new Array(DAY_HOURS).fill(0), actual: new Array(DAY_HOURS).fill(0) };
    for (let h = 0; h < DAY_HOURS; h++) {
      add(pairHour, f.hourly[h] ?? 0, heldOut[h] ?? 0);
      s.forecast[h] += f.hourly[h] ?? 0;
      s.actual[h] += heldOut[h] ?? 0;
    }
    stores.set(store, s);
  }
  for (const s of stores.values()) {
    add(
      storeDay,
      s.forecast.reduce((a, b) => a + b, 0),
      s.actual.reduce((a, b) => a + b, 0),
    );
    for (let h = 0; h < DAY_HOURS; h++) add(storeHour, s.forecast[h] ?? 0, s.actual[h] ?? 0);
  }
  return { pairDay, pairHour, storeDay, storeHour, models };
}

const halfLifeHours = Number(values['half-life']);
const profileMinDays = Number(values['profile-min-days']);
console.log(
  `forecast bench: ${days} days of simulator sales (${shape}, ~${rate}/s, seed ${seed}): ${sales.toLocaleString('en-US')} sales, ${units.size} store×SKU pairs; fit on ${days - 1} days, held out ${new Date(endMs - DAY_HOURS * HOUR_MS).toISOString().slice(0, 10)} (UTC); generated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
for (const [label, settings] of [
  [
    `as configured (half-life ${halfLifeHours} h, profile from ${profileMinDays} days)`,
    { halfLifeHours, profileMinDays },
  ],
  [`velocity only (half-life ${halfLifeHours} h)`, { halfLifeHours, profileMinDays: 10_000 }],
] as const) {
  const r = evaluate(settings);
  console.log(`\n${label}: ${r.models.profile} pairs on the profile model, ${r.models.velocity} on the velocity`);
  console.log(row('  store × SKU, per day', r.pairDay));
  console.log(row('  store × SKU, per hour', r.pairHour));
  console.log(row('  store (all SKUs), per day', r.storeDay));
  console.log(row('  store (all SKUs), per hour', r.storeHour));
}
