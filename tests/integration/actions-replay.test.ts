// npm run replay -- --what actions against the real broker and PostgreSQL. Episodes are written
// by the application's own code (the evaluator's applyConditionDiff, the users' actOnEpisode,
// deleting a rule) and published by the real publisher to a real actions topic with three
// partitions; some stay unpublished, and some published batches are sent again, as a publisher
// that crashed after the broker took them would. The replay must rebuild alert_episode exactly —
// acknowledgements, snoozes, decisions, rules deleted since — keep the ids, hand the id sequence,
// the foreign key and the "one open episode per condition" index to the new table, and find an
// undamaged table equal while writers keep writing through the fence.
import type { PrismaClient } from '@prisma/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '@/lib/db';
import type { Condition } from '@/lib/domain/action-conditions';
import { createProducer } from '@/lib/ingest/kafka';
import { actOnEpisode, type EpisodeAction } from '@/lib/queries/actions/act-on-episode';
import { deleteAlertRule } from '@/lib/queries/actions/alert-rules';
import { applyConditionDiff } from '@/lib/queries/actions/apply-episodes';
import { joinEpisodeWriters } from '@/lib/queries/actions/episode-writers';
import { EVERYTHING } from '@/lib/web/auth/scope';
import { HttpError } from '@/lib/web/http-error';
import { seededRandom } from '@/tests/support/inventory-model';
import { type CommandRun, createSalesStack, createTopics, runCommand, type SalesStack } from '@/tests/support/stack';
import { publishOutbox } from '@/workers/actions/publisher';

const TIMEOUT = 300_000;
const PAIRS = ['NYC-01|RA-A', 'NYC-01|RA-B', 'PAR-01|RA-A', 'PAR-01|RA-C', 'LON-01|RA-B'];
const STORES = ['NYC-01', 'PAR-01', 'LON-01'];
const ACTOR = { userId: '7', email: 'merch@pulse.test' };

const { int, pick } = seededRandom(20261207);

let stack: SalesStack;
let prisma: PrismaClient;
let producer: ReturnType<typeof createProducer>;
let actionsTopic: string;
let lowStockRule: bigint;
let anomalyRule: bigint | null;

/** A condition as the evaluator would find one: low stock and its restock suggestion per pair, anomalies per store. */
function someCondition(): Condition {
  const none = { storeId: null, sku: null, region: null, category: null };
  const kind = int(anomalyRule === null ? 2 : 3);
  if (kind === 2 && anomalyRule !== null) {
    const store = pick(STORES);
    return {
      ...none,
      kind: 'sales_anomaly',
      ruleId: anomalyRule,
      subjectKey: `store=${store}`,
      storeId: store,
      severity: 'warning',
      details: { z: 4.25 + int(10) / 8, observed: 120_000 + int(5000), reason: 'revenue spike' },
    };
  }
  const pair = pick(PAIRS);
  const [storeId, sku] = pair.split('|') as [string, string];
  const low = kind === 0;
  return {
    ...none,
    kind: low ? 'low_stock' : 'restock',
    ruleId: low ? lowStockRule : null,
    subjectKey: pair,
    storeId,
    sku,
    severity: int(4) === 0 ? 'critical' : 'warning',
    details: { on_hand: int(5), reorder_point: 10, restock_units: 20 + int(30), reason: 'low' },
  };
}

async function openEpisodes(): Promise<{ id: bigint; kind: string; rule_id: bigint | null }[]> {
  return prisma.$queryRaw`SELECT id, kind, rule_id FROM alert_episode WHERE cleared_at IS NULL ORDER BY id`;
}

/** Clears an open episode as the evaluator does when its condition ends. */
async function clear(e: { id: bigint; kind: string; rule_id: bigint | null }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await joinEpisodeWriters(tx);
    await applyConditionDiff(
      tx,
      { toOpen: [], toClear: [{ id: e.id, kind: e.kind, ruleId: e.rule_id, subjectKey: '' }] },
      new Date(),
    );
  });
}

/** One change as the application makes them: open or clear a condition's episode, or a user's action on one. */
async function step(): Promise<void> {
  const roll = int(10);
  if (roll < 4) {
    await prisma.$transaction(async (tx) => {
      await joinEpisodeWriters(tx);
      await applyConditionDiff(tx, { toOpen: [someCondition()], toClear: [] }, new Date());
    });
  } else if (roll < 6) {
    const open = await openEpisodes();
    if (open.length === 0) return;
    await clear(pick(open));
  } else {
    const all = await prisma.$queryRaw<{ id: bigint; kind: string }[]>`SELECT id, kind FROM alert_episode ORDER BY id`;
    if (all.length === 0) return;
    const e = pick(all);
    const suggestion = e.kind === 'restock';
    const action: EpisodeAction = suggestion
      ? { name: int(2) === 0 ? 'accept' : 'dismiss', note: int(2) === 0 ? 'ordered' : undefined }
      : int(2) === 0
        ? { name: 'acknowledge' }
        : { name: 'snooze', until: new Date(Date.now() + (1 + int(48)) * 3_600_000) };
    try {
      await actOnEpisode(prisma, e.id, action, ACTOR, EVERYTHING);
    } catch (err) {
      // Decided already, cleared already: the application refuses, as it does a user.
      if (!(err instanceof HttpError && err.status === 409)) throw err;
    }
  }
}

/** Publishes the outbox; now and then sends a few published actions again (a publisher that crashed before marking them). */
async function publish(): Promise<void> {
  await publishOutbox(prisma, producer, actionsTopic, 1 + int(8));
  if (int(4) === 0) {
    const published = await prisma.$queryRaw<{ message_key: string; payload: string }[]>`
      SELECT message_key, payload::text AS payload FROM action_outbox WHERE published_at IS NOT NULL ORDER BY seq`;
    if (published.length > 0) {
      const again = [pick(published), pick(published), pick(published)];
      await producer.send({
        topic: actionsTopic,
        messages: again.map((r) => ({ key: r.message_key, value: r.payload })),
      });
    }
  }
}

async function changes(count: number, publishing = true): Promise<void> {
  for (let i = 0; i < count; i++) {
    await step();
    if (publishing && int(3) === 0) await publish();
  }
}

/** Every column but updated_at (the application's own clock reading), ordered by id. */
async function episodes(): Promise<Record<string, unknown>[]> {
  const rows = await stack.db.query<Record<string, unknown>>('SELECT * FROM alert_episode ORDER BY id');
  return rows.map(({ updated_at: _, ...row }) => row);
}

const show = (run: CommandRun) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr.slice(-4000)}`;

function replay(): Promise<CommandRun> {
  return runCommand('npm', ['run', '--silent', 'replay', '--', '--what', 'actions'], {
    ...stack.env,
    ACTIONS_TOPIC: actionsTopic,
    LOG_LEVEL: 'warn',
  });
}

describe('npm run replay -- --what actions: rebuild the episodes from the actions topic', () => {
  beforeAll(async () => {
    stack = await createSalesStack('pulse_act_replay', 1);
    actionsTopic = `${stack.topic}_actions`;
    await createTopics(stack.kafka, [{ topic: actionsTopic, numPartitions: 3 }]);
    prisma = createPrisma(stack.db.url, 4);
    producer = createProducer(stack.kafka, 'none');
    await producer.connect();
    const [low] = await prisma.$queryRaw<
      { id: bigint }[]
    >`SELECT id FROM alert_rule WHERE metric = 'low_stock' LIMIT 1`;
    lowStockRule = (low as { id: bigint }).id;
    const rule = await prisma.alertRule.create({
      data: {
        name: 'Replay test anomaly',
        metric: 'revenue_anomaly',
        level: 'store',
        threshold: 3.5,
        windowMinutes: 5,
      },
    });
    anomalyRule = rule.id;
  }, TIMEOUT);

  afterAll(async () => {
    await producer?.disconnect();
    await prisma?.$disconnect();
    await stack?.stop();
  });

  it(
    'repairs a damaged table exactly, keeping ids, rules deleted since and what was not yet published',
    async () => {
      await changes(120);
      // The anomaly rule goes: its episodes cleared, then the rule deleted (the live rows lose their rule).
      for (const e of (await openEpisodes()).filter((o) => o.rule_id === anomalyRule)) {
        await clear(e);
      }
      expect((await deleteAlertRule(prisma, anomalyRule as bigint)).deleted).toBe(true);
      anomalyRule = null;
      await publish();
      await changes(15, false); // left in the outbox
      const truth = await episodes();
      const [counts] = await stack.db.query<{ acked: number; snoozed: number; decided: number; ruleless: number }>(
        `SELECT count(acknowledged_at)::int AS acked, count(snoozed_until)::int AS snoozed, count(decision)::int AS decided,
                count(*) FILTER (WHERE kind = 'sales_anomaly' AND rule_id IS NULL)::int AS ruleless
         FROM alert_episode`,
      );
      expect(counts?.acked).toBeGreaterThan(0);
      expect(counts?.snoozed).toBeGreaterThan(0);
      expect(counts?.decided).toBeGreaterThan(0);
      expect(counts?.ruleless).toBeGreaterThan(0);
      const [{ n: unpublished } = { n: 0 }] = await stack.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM action_outbox WHERE published_at IS NULL',
      );
      expect(unpublished).toBeGreaterThan(0);

      // Damage: one episode's severity and acknowledgement changed, another gone.
      const [one, two] = truth as [Record<string, unknown>, Record<string, unknown>];
      await stack.db.query(
        "UPDATE alert_episode SET severity = 'info', acknowledged_at = NULL, acknowledged_by = NULL WHERE id = $1",
        [one.id],
      );
      await stack.db.query('DELETE FROM alert_episode WHERE id = $1', [two.id]);

      const run = await replay();
      expect(run.code, show(run)).toBe(2);
      expect(run.stdout, show(run)).toMatch(/alert_episode: .* replayed cells differ/);
      expect(run.stdout, show(run)).toMatch(new RegExp(`applied ${unpublished} unpublished outbox action`));
      expect(run.stdout, show(run)).toMatch(/episode\(s\) of rules deleted since lost their rule/);
      expect(run.stdout, show(run)).toMatch(/result: DIFFERENT/);
      expect(await episodes()).toEqual(truth);

      // The new table is the live table in every way: its sequence, foreign key and unique index.
      const [shape] = await stack.db.query<{ seq: string | null; fks: string[]; indexes: string[] }>(
        `SELECT pg_get_serial_sequence('public.alert_episode', 'id') AS seq,
                ARRAY(SELECT conname::text FROM pg_constraint WHERE conrelid = 'public.alert_episode'::regclass AND contype = 'f') AS fks,
                ARRAY(SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'alert_episode' ORDER BY 1) AS indexes`,
      );
      expect(shape?.seq).toBe('public.alert_episode_id_seq');
      expect(shape?.fks).toEqual(['alert_episode_rule_fkey']);
      expect(shape?.indexes).toEqual([
        'alert_episode_open_key',
        'alert_episode_opened_at_idx',
        'alert_episode_pkey',
        'alert_episode_store_id_sku_idx',
      ]);
      const maxId = truth.reduce((m, r) => (BigInt(r.id as string) > m ? BigInt(r.id as string) : m), 0n);
      const fresh: Condition = {
        ...someCondition(),
        kind: 'low_stock',
        ruleId: lowStockRule,
        subjectKey: 'NEW|RA-Z',
        storeId: 'NEW',
        sku: 'RA-Z',
      };
      const open = () =>
        prisma.$transaction(async (tx) => {
          await joinEpisodeWriters(tx);
          return (await applyConditionDiff(tx, { toOpen: [fresh], toClear: [] }, new Date())).opened;
        });
      const opened = await open();
      expect(opened).toHaveLength(1);
      expect(opened[0]?.id).toBeGreaterThan(maxId);
      // One open episode per condition still holds: opening it again is a no-op.
      expect(await open()).toHaveLength(0);
    },
    TIMEOUT,
  );

  it(
    'finds an undamaged table equal while episodes keep changing through the fence',
    async () => {
      await publish();
      let running = true;
      const writing = (async () => {
        while (running) {
          await changes(1);
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
      })();
      let run: CommandRun;
      try {
        run = await replay();
      } finally {
        running = false;
        await writing;
      }
      expect(run.code, show(run)).toBe(0);
      expect(run.stdout, show(run)).toMatch(/\n {2}alert_episode: .*every cell equal/);
      expect(run.stdout, show(run)).toMatch(/result: equal/);
      // The application writes on: the swapped-in table takes its changes.
      await changes(20);
      await publish();
    },
    TIMEOUT,
  );

  it('refuses a topic that does not exist, before touching anything', async () => {
    const run = await runCommand('npm', ['run', '--silent', 'replay', '--', '--what', 'actions'], {
      ...stack.env,
      ACTIONS_TOPIC: `${actionsTopic}_missing`,
    });
    expect(run.code, show(run)).toBe(1);
    expect(run.stderr).toMatch(/does not exist: no action was ever published/);
  });
});
