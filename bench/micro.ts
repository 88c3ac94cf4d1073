// Pure-CPU cost of the worker's hot path without Kafka or Postgres: decode the message bytes
// (lib/sales-event.ts) and pre-aggregate them in 5000-event chunks like the worker does
// (lib/sales-rollup.ts). This is the ceiling one worker process could reach.

import { decodeSaleEvent, type SaleEvent } from '../lib/sales-event';
import { rollUp } from '../lib/sales-rollup';
import { saleEvents } from './dataset';
import { step } from './progress';

const CHUNK = 5000; // workers/sales.consumer.ts MAX_CHUNK
const ROUNDS = 2;
const WARM_UP_EVENTS = 20_000;

export interface MicroFigures {
  events: number;
  avgMessageBytes: number;
  decodePerSec: number;
  rollupPerSec: number;
  decodeAndRollupPerSec: number;
  /** Rollup rows one 5000-event chunk produces (sales, product, demographic, product demographic): the SQL payload. */
  rowsPerChunk: { sales: number; products: number; demographics: number; productDemographics: number };
}

function timed(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

export function runMicro(count: number): MicroFigures {
  let values = [...saleEvents(count, Date.now())].map((e) => Buffer.from(JSON.stringify(e)));
  const bytes = values.reduce((sum, v) => sum + v.length, 0);
  let decoded: SaleEvent[] = [];
  const decodeAll = () => {
    decoded = values.map((v) => {
      const result = decodeSaleEvent(v, 'USD');
      if (!result.ok) throw new Error(`bench event rejected: ${result.reason} ${result.detail}`);
      return result.event;
    });
  };
  let rows = { sales: 0, products: 0, demographics: 0, productDemographics: 0 };
  const rollAll = () => {
    let chunks = 0;
    const sum = { sales: 0, products: 0, demographics: 0, productDemographics: 0 };
    for (let i = 0; i < decoded.length; i += CHUNK) {
      const r = rollUp(decoded.slice(i, i + CHUNK));
      chunks += 1;
      sum.sales += r.sales.length;
      sum.products += r.products.length;
      sum.demographics += r.demographics.length;
      sum.productDemographics += r.productDemographics.length;
    }
    rows = {
      sales: Math.round(sum.sales / chunks),
      products: Math.round(sum.products / chunks),
      demographics: Math.round(sum.demographics / chunks),
      productDemographics: Math.round(sum.productDemographics / chunks),
    };
  };

  // Round 0 warms the JIT on a slice; the best of the timed rounds is reported (least
  // disturbed by other load).
  const all = values;
  let decodeMs = Number.POSITIVE_INFINITY;
  let rollupMs = Number.POSITIVE_INFINITY;
  for (let round = 0; round <= ROUNDS; round++) {
    values = round === 0 ? all.slice(0, WARM_UP_EVENTS) : all;
    const d = timed(decodeAll);
    const r = timed(rollAll);
    if (round > 0) {
      decodeMs = Math.min(decodeMs, d);
      rollupMs = Math.min(rollupMs, r);
    }
    step(
      `  micro round ${round === 0 ? 'warm-up' : `${round}/${ROUNDS}`}: decode ${d.toFixed(0)} ms, rollup ${r.toFixed(0)} ms`,
    );
  }
  return {
    events: count,
    avgMessageBytes: Math.round(bytes / count),
    decodePerSec: (count * 1000) / decodeMs,
    rollupPerSec: (count * 1000) / rollupMs,
    decodeAndRollupPerSec: (count * 1000) / (decodeMs + rollupMs),
    rowsPerChunk: rows,
  };
}
