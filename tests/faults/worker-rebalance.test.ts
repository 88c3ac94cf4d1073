// Two worker processes in one consumer group, SIGKILLed alternately at random points: every
// kill and every restart rebalances the partitions mid-stream. The figures must still be exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_PORT, killRepeatedly, PORT_BASE } from './harness';
import { Scenario, seedFor } from './scenario';

const KILLS = 10;

describe('two workers in one group, killed alternately (rebalances mid-stream)', () => {
  const scenario = new Scenario({
    name: 'rebalance',
    seed: seedFor(2),
    sales: 100_000,
    workers: 2,
    brokers: process.env.KAFKA_BROKERS ?? `127.0.0.1:${KAFKA_PORT}`,
    port: PORT_BASE + 20,
    produceMs: 40_000,
  });

  beforeAll(() => scenario.setUp());
  afterAll(() => scenario.tearDown());

  it(`counts every event exactly once through ${KILLS} kills and the rebalances they cause`, async () => {
    await scenario.run(({ workers, rng, progress, log }) =>
      killRepeatedly({ workers, kills: KILLS, rng, victim: (k) => k % 2, progress, log }),
    );
    const { differences, figures } = await scenario.verify({});
    expect(figures.kills).toBeGreaterThanOrEqual(10);
    expect(figures.distinctEvents).toBeGreaterThanOrEqual(100_000);
    expect(differences.count, differences.summary()).toBe(0);
  });
});
