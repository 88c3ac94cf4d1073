// One worker, SIGKILLed at random points at least ten times while the dataset is produced and
// while it catches up; afterwards every figure must equal the independent computation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_PORT, killRepeatedly, PORT_BASE } from './harness';
import { Scenario, seedFor } from './scenario';

const KILLS = 10;

describe('worker SIGKILLed at random points (one worker)', () => {
  const scenario = new Scenario({
    name: 'kills',
    seed: seedFor(1),
    sales: 100_000,
    workers: 1,
    brokers: process.env.KAFKA_BROKERS ?? `127.0.0.1:${KAFKA_PORT}`,
    port: PORT_BASE + 10,
    produceMs: 40_000,
  });

  beforeAll(() => scenario.setUp());
  afterAll(() => scenario.tearDown());

  it(`counts every event exactly once through ${KILLS} kills`, async () => {
    await scenario.run(({ workers, rng, progress, log }) =>
      killRepeatedly({ workers, kills: KILLS, rng, victim: () => 0, progress, log }),
    );
    const { differences, figures } = await scenario.verify({});
    expect(figures.kills).toBeGreaterThanOrEqual(10);
    expect(figures.distinctEvents).toBeGreaterThanOrEqual(100_000);
    expect(differences.count, differences.summary()).toBe(0);
  });
});
