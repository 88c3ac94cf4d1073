// The database connection pool after PostgreSQL terminates connections mid-transaction
// (pg_terminate_backend, as a restart or failover does): the connections must come back to the
// pool, or after `max` of them every transaction waits forever — how a worker once stopped for
// good after a few database blips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '@/lib/db';
import { waitFor } from '@/scripts/lib/processes';
import { createTestDatabase, type TestDatabase } from '@/tests/support/stack';
import { sleep } from './harness';

const APP = 'pulse-faults-pool';
const POOL = 2;

describe('connection pool when the server terminates connections', () => {
  let db: TestDatabase;
  let prisma: ReturnType<typeof createPrisma>;

  beforeAll(async () => {
    db = await createTestDatabase('pulse_faults_pool');
    const url = new URL(db.url);
    url.searchParams.set('application_name', APP);
    prisma = createPrisma(url.toString(), POOL);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  const busy = () =>
    db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE '%pg_sleep%'",
      [APP],
    );

  it(`keeps serving transactions after every connection of the pool (${POOL}) was cut mid-transaction, three times over`, async () => {
    for (let round = 1; round <= 3; round++) {
      const victims = Array.from({ length: POOL }, () =>
        prisma
          .$transaction(async (tx) => tx.$queryRaw`SELECT pg_sleep(30)`, { maxWait: 5000, timeout: 60_000 })
          .then(
            () => 'finished',
            (error: Error) => error.message,
          ),
      );
      await waitFor('both transactions to be running', async () => (await busy())[0]?.n === POOL, 20_000, 100);
      await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [APP]);
      const outcomes = await Promise.all(victims);
      expect(outcomes.every((o) => o !== 'finished')).toBe(true);
    }
    const next = prisma.$transaction(async (tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`);
    const result = await Promise.race([next, sleep(20_000).then(() => 'still waiting for a connection')]);
    expect(result).toEqual([{ one: 1 }]);
  });
});
