// Pure-CPU cost of the worker's hot path without Kafka or Postgres: decode the message bytes
// (lib/domain/sales-event.ts) and turn them into sale facts in 5000-event chunks like the worker
// does (lib/domain/sale-fact.ts). This is the ceiling one worker process could reach.

import { factsOf } from '@/lib/domain/sale-fact';
import { decodeSaleEvent, type SaleEvent } from '@/lib/domain/sales-event';
import { saleEvents } from './dataset';
import { step } from './progress';

const CHUNK = 5000; // workers/sales/consumer.ts MAX_CHUNK
const ROUNDS = 2;
const WARM_UP_EVENTS = 20_000;

export interface MicroFigures {
  events: number;
  avgMessageBytes: number;
  decodePerSec: number;
  factsPerSec: number;
  decodeAndFactsPerSec: number;
  /**
   * Average size of a fact (the SQL payload, one row per event): its parts (whole order,
   * categories, category set) and its distinct SKU × category entries.
   */
  perFact: { parts: number; skus: number };
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
  let perFact = { parts: 0, skus: 0 };
  const factAll = () => {
    let facts = 0;
    let parts = 0;
    let skus = 0;
    for (let i = 0; i < decoded.length; i += CHUNK) {
      for (const fact of factsOf(decoded.slice(i, i + CHUNK)).facts) {
        facts += 1;
        parts += fact.parts.length;
        skus += fact.skus.length;
      }
    }
    perFact = { parts: parts / facts, skus: skus / facts };
  };

  // Round 0 warms the JIT on a slice; the best of the timed rounds is reported (least
  // disturbed by other load).
  const all = values;
  let decodeMs = Number.POSITIVE_INFINITY;
  let factsMs = Number.POSITIVE_INFINITY;
  for (let round = 0; round <= ROUNDS; round++) {
    values = round === 0 ? all.slice(0, WARM_UP_EVENTS) : all;
    const d = timed(decodeAll);
    const f = timed(factAll);
    if (round > 0) {
      decodeMs = Math.min(decodeMs, d);
      factsMs = Math.min(factsMs, f);
    }
    step(
      `  micro round ${round === 0 ? 'warm-up' : `${round}/${ROUNDS}`}: decode ${d.toFixed(0)} ms, facts ${f.toFixed(0)} ms`,
    );
  }
  return {
    events: count,
    avgMessageBytes: Math.round(bytes / count),
    decodePerSec: (count * 1000) / decodeMs,
    factsPerSec: (count * 1000) / factsMs,
    decodeAndFactsPerSec: (count * 1000) / (decodeMs + factsMs),
    perFact,
  };
}
