// Fuzzing the sales decoder: 12,000 seeded random and mutated payloads, first straight into the
// decoder (it must never throw; each payload is accepted exactly as the independent contract
// model reads it, or rejected with a reason the model agrees with), then through the real
// broker and a worker process (each message counted or dead-lettered with its reason; consumed =
// counted + duplicates + rejected; the rollups hold exactly the accepted events).
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSaleEvent } from '@/lib/domain/sales-event';
import { REJECT_REASONS, REPORTING_CURRENCY } from '@/tests/support/contract';
import { judge } from '@/tests/support/model';
import { buildDataset } from './dataset';
import { fuzzPayloads } from './fuzz';
import { Differences, KAFKA_PORT, PORT_BASE } from './harness';
import { Scenario, seedFor } from './scenario';

const PAYLOADS = 12_000;
const seed = seedFor(4);
const now = Date.now();
const payloads = fuzzPayloads(seed, PAYLOADS, now);

function excerpt(value: Buffer | null): string {
  if (value === null) return 'null';
  const text = value.toString('utf8');
  return JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}…` : text);
}

describe('decoder fuzz', () => {
  it(`decodes ${PAYLOADS.toLocaleString('en-US')} fuzzed payloads (seed ${seed}) without throwing, each as the contract model reads it`, () => {
    const d = new Differences();
    const outcomes = new Map<string, number>();
    for (const [i, p] of payloads.entries()) {
      const what = `#${i} ${p.kind} ${excerpt(p.value)}`;
      let result: ReturnType<typeof decodeSaleEvent>;
      try {
        result = decodeSaleEvent(p.value, REPORTING_CURRENCY);
      } catch (error) {
        d.same(`${what} threw ${(error as Error).message}`, 'threw', 'a result');
        continue;
      }
      const verdict = judge(p.value, now);
      const outcome = result.ok ? 'accepted' : result.reason;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (result.ok) {
        d.same(`${what} accepted; contract model says ${verdict.ok ? 'ok' : [...verdict.reasons]}`, verdict.ok, true);
        if (verdict.ok)
          d.same(`${what} decoded as the model reads it`, isDeepStrictEqual(result.event, verdict.event), true);
      } else {
        d.same(`${what} reason ${result.reason} is a documented reason`, REJECT_REASONS.includes(result.reason), true);
        d.same(`${what} rejected with an empty detail`, result.detail.length > 0, true);
        const agrees = !verdict.ok && verdict.reasons.has(result.reason);
        d.same(
          `${what} rejected as ${result.reason} (${result.detail}); contract model says ${verdict.ok ? 'ok' : [...verdict.reasons]}`,
          agrees,
          true,
        );
      }
    }
    console.log(
      `[faults:fuzz] decoder: ${[...outcomes].map(([o, n]) => `${o} ${n}`).join(', ')}; ${d.count} disagreements`,
    );
    expect(outcomes.get('accepted') ?? 0).toBeGreaterThan(PAYLOADS / 10);
    expect(outcomes.size).toBeGreaterThanOrEqual(8);
    expect(d.count, d.summary()).toBe(0);
  });

  it('gives every malformed message of the fault datasets the reason it was built for (contract model)', () => {
    const dataset = buildDataset({ seed, sales: 30_000 });
    const wrong: string[] = [];
    for (const [message, reason] of dataset.intended) {
      const verdict = judge(message.value, dataset.now);
      if (verdict.ok || verdict.reasons.size !== 1 || !verdict.reasons.has(reason)) {
        wrong.push(`${reason}: model says ${verdict.ok ? 'ok' : [...verdict.reasons]} for ${excerpt(message.value)}`);
      }
    }
    expect(dataset.intended.size).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });
});

describe('decoder fuzz through the broker and a worker', () => {
  const scenario = new Scenario({
    name: 'fuzz',
    seed,
    sales: 0,
    workers: 1,
    brokers: process.env.KAFKA_BROKERS ?? `127.0.0.1:${KAFKA_PORT}`,
    port: PORT_BASE + 40,
    produceMs: 5000,
    messages: payloads.map(({ key, value, headers }) => ({ key, value, headers })),
    // Fuzzed timestamps reach years 0001 and 9999: no 92-day API window covers them.
    api: false,
  });

  beforeAll(() => scenario.setUp());
  afterAll(() => scenario.tearDown());

  it(`counts or dead-letters each of the ${PAYLOADS.toLocaleString('en-US')} payloads, and the counts add up`, async () => {
    await scenario.run(async () => undefined);
    const { differences, figures, expected } = await scenario.verify({ fuzzPayloads: PAYLOADS });
    // The worker's own tally, logged when it stops: consumed = counted + duplicates + rejected.
    const log = readFileSync(scenario.ctx.workers.slots[0]?.logFile as string, 'utf8');
    const stopped = log
      .split('\n')
      .filter((line) => line.includes('"worker stopped"'))
      .map((line) => JSON.parse(line) as Record<string, number>)
      .at(-1);
    expect(stopped, 'the worker logs its tally when it stops').toBeDefined();
    const tally = stopped as Record<string, number>;
    console.log(
      `[faults:fuzz] worker: ${tally.counted} counted + ${tally.duplicates} duplicates + ${tally.rejected} rejected = ` +
        `${(tally.counted ?? 0) + (tally.duplicates ?? 0) + (tally.rejected ?? 0)} of ${figures.messagesProduced} consumed`,
    );
    expect(tally.counted).toBe(expected.accepted);
    expect(tally.duplicates).toBe(expected.duplicates);
    expect(tally.rejected).toBe(expected.rejectedTotal);
    expect((tally.counted ?? 0) + (tally.duplicates ?? 0) + (tally.rejected ?? 0)).toBe(PAYLOADS);
    expect(differences.count, differences.summary()).toBe(0);
  });
});
