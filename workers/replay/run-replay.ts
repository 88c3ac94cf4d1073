// npm run replay: rebuild the aggregates from the retained sales topic into fresh tables while
// the workers keep running, swap them in atomically, check them against the tables they
// replaced. The aggregation is the workers' own code (applySalesBatch), run against a schema
// of the replay's own; this file only decides what to read and when to swap. The same chase,
// fence, swap and check serve the inventory replay (--what inventory, inventory-replay.ts),
// which reads two topics and fences the inventory worker instead, and the replay of the
// alert episodes (--what actions, actions-replay.ts), whose writers are no consumer (Writers).
//
// Exactness at the swap. The workers keep consuming during the replay, so the replay chases
// their stored offsets (never passing them), then fences them: it locks consumer_offset, which
// every worker transaction writes first (lib/queries/ingest/lock-consumer-offsets.ts), reads where
// they stand, applies the last few messages up to exactly there, swaps the tables and lets
// them go. At that instant the replayed tables hold the same messages as the live ones.
//
// What is swapped, and what is not. Only the aggregate tables (REPLAY_TABLES.rebuild). The
// workers' processed_event (duplicate filter) and consumer_offset stay as they are: at the
// fence they describe exactly the messages the swapped-in tables hold (the same offsets,
// the same ids counted — the check after the swap verifies the consequence), so the workers
// carry on from there without counting anything twice or missing anything. Keeping them also
// keeps the workers' own duplicate-filter retention (DEDUP_RETENTION_DAYS), and avoids
// copying millions of ids while the workers wait. The replay's copies of those tables, and of
// the ticker, names and dead letters, were only needed to run the apply code and are dropped.
//
// Partial replays (--from <offset|time>) rebuild buckets from a cut-off C (a UTC day
// boundary) and keep earlier buckets from the live tables:
// - rows before C are copied from a snapshot of the live tables taken at offsets O (with the
//   snapshot's offsets, so the copy holds exactly the messages below O);
// - an event before C in a message at or after O (a late event) is applied on top, unless
//   the workers had already counted its id at O (asked of that same snapshot, kept open);
// - events from C are rebuilt from every message read (from the start offsets S, or O if the
//   workers were further behind), with a duplicate filter of their own.
// This is exact provided no message before S carries an event from C on: S is where Kafka's
// timestamps reach C minus an hour, and workers reject events more than 5 minutes ahead of
// their clock. A message that breaks the assumption shows in the check after the swap.
import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import pg from 'pg';
import { SALES_UPDATED_CHANNEL, type SalesUpdatedNotice } from '@/lib/contract/live-channel';
import { createPrismaInSchema } from '@/lib/db';
import { type DecodeResult, decodeSaleEvent } from '@/lib/domain/sales-event';
import type { Env } from '@/lib/env';
import { createKafka, topicRetentionMs } from '@/lib/ingest/kafka';
import type { UndecodableBatch } from '@/lib/ingest/undecodable-batch';
import type { Logger } from '@/lib/logger';
import { type LiveSnapshot, openLiveSnapshot } from '@/lib/queries/dashboard/open-live-snapshot';
import { getFutureDeadLetters } from '@/lib/queries/dead-letters/get-future-dead-letters';
import { ROLLUP_TABLES, rollFacts } from '@/lib/queries/facts/roll-facts';
import { rollPending, tableGroups } from '@/lib/queries/facts/roll-pending';
import {
  type AcceptedMessage,
  applySalesBatch,
  KnownDimensions,
  REPLAY_TABLES,
  type RejectedMessage,
} from '@/lib/queries/ingest/apply-sales-batch';
import { getConsumerOffsets, type OffsetStore, SALES_OFFSETS } from '@/lib/queries/ingest/get-consumer-offsets';
import { lockConsumerOffsets, type OffsetFence } from '@/lib/queries/ingest/lock-consumer-offsets';
import { getRecordedSkip, skipUndecodableBatch } from '@/lib/queries/ingest/skip-undecodable-batch';
import { compareReplayTables, type TableComparison } from '@/lib/queries/replay/compare-replay-tables';
import { copyRowsBefore } from '@/lib/queries/replay/copy-rows-before';
import { createReplaySchema, type ReplayTableSet } from '@/lib/queries/replay/create-replay-schema';
import { dropReplaySchema } from '@/lib/queries/replay/drop-replay-schema';
import { getReplaySchemas } from '@/lib/queries/replay/get-replay-schemas';
import { getColumns, LIVE_SCHEMA, REPLAY_SCHEMA_PREFIX, timeColumnOf } from '@/lib/queries/replay/replay-sql';
import { type SwapNotice, swapReplayTables } from '@/lib/queries/replay/swap-replay-tables';
import { tryLockReplay } from '@/lib/queries/replay/try-lock-replay';
import { vacuumReplayTables } from '@/lib/queries/replay/vacuum-replay-tables';
import {
  cutoffForOffset,
  cutoffForTime,
  type PartitionBounds,
  planReadStarts,
  type ReplayOptions,
  readFromTime,
} from './options';
import { formatCount, type PartitionProgress, type ProgressBar } from './progress';
import { readTimestamps, TopicReader } from './reader';

/** The replay stopped before changing anything; the message says why. */
export class ReplayRefused extends Error {
  override name = 'ReplayRefused';
}

export interface ReplayStats {
  messages: number;
  counted: number;
  duplicates: number;
  rejected: number;
  /** Events before the cut-off in messages the copied rows already contain (partial replays). */
  kept: number;
  /** Late events before the cut-off applied on top of the copied rows (partial replays). */
  late: number;
}

export interface ReplayReport {
  schema: string;
  /** Where the replaced tables are, if kept (--keep-old or a difference at the check). */
  keptOldSchema: string | null;
  cutoff: Date | null;
  /** When the replayed tables went live. */
  swappedAt: Date;
  stats: ReplayStats;
  copiedRows: number;
  durationMs: number;
  /** Workers stopped by the fence: catch-up of the last messages, swap, snapshot for the check. */
  fenceMs: number;
  /** Messages applied while the workers were fenced. */
  tailMessages: number;
  /** Readers of the aggregate tables could wait this long (the renames). */
  swapLockMs: number;
  comparison: TableComparison[];
  equal: boolean;
}

/** The settings a replay reads, from the configuration its caller loaded (workers/replay.ts). */
export type ReplayConfig = Pick<
  Env,
  | 'DATABASE_URL'
  | 'SALES_TOPIC'
  | 'INVENTORY_TOPIC'
  | 'INVENTORY_GROUP_ID'
  | 'ACTIONS_TOPIC'
  | 'INVENTORY_DEMAND_WINDOW_DAYS'
  | 'INVENTORY_HISTORY_DAYS'
  | 'KAFKA_CLIENT_ID'
  | 'KAFKA_BROKERS'
  | 'REPORTING_CURRENCY'
  | 'WORKER_ROLL_CONCURRENCY'
>;

export interface Io {
  config: ReplayConfig;
  print(line: string): void;
  progress: ProgressBar;
  log: Logger;
  signal: AbortSignal;
}

const POLL_MS = 100;
/** Wait this long at most for the last messages while the workers are fenced. */
const FENCE_CATCH_UP_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const maxOf = (a: bigint, b: bigint) => (a > b ? a : b);
const minOf = (a: bigint, b: bigint) => (a < b ? a : b);

export function describeRetention(ms: number | null): string {
  if (ms === null) return 'retention unknown';
  if (ms < 0) return 'retention forever';
  const days = ms / 86_400_000;
  return `retention ${Number.isInteger(days) ? days : days.toFixed(2)} days (retention.ms=${ms})`;
}

export async function connect(url: string, name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: `pulse-replay-${name}` });
  await client.connect();
  return client;
}

export interface TopicFacts {
  clusterId: string;
  bounds: PartitionBounds[];
  retentionMs: number | null;
}

export async function topicFacts(admin: Admin, topic: string): Promise<TopicFacts> {
  if (!(await admin.listTopics()).includes(topic)) throw new ReplayRefused(`topic ${topic} does not exist`);
  const clusterId = (await admin.describeCluster()).clusterId;
  const offsets = await admin.fetchTopicOffsets(topic);
  const bounds = offsets
    .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
    .sort((a, b) => a.partition - b.partition);
  return { clusterId, bounds, retentionMs: await topicRetentionMs(admin, topic).catch(() => null) };
}

/** What a replay holds open; all of it is let go by releaseAll, whatever happened. */
export interface Held {
  control: pg.Client;
  live: pg.Pool;
  kafka: Kafka;
  admin: Admin;
  sessions: pg.Client[];
  readers: TopicReader[];
  snapshot: LiveSnapshot | null;
  replayPrisma: ReturnType<typeof createPrismaInSchema> | null;
  built: boolean;
  swapped: boolean;
}

/** What one replay rebuilds, and from whose work: the parts that differ between sales, inventory and actions. */
export interface ReplaySubject {
  tables: ReplayTableSet;
  /** Who writes the live tables: the positions the replay chases, and how it fences them. */
  writers: Writers;
  /** Sent to the listeners of the tables (dashboards, actions worker) when they are swapped. */
  notice: SwapNotice;
}

/** The live writers of the tables a replay rebuilds, as the chase and the fence see them. */
export interface Writers {
  /** Where a consumer keeping its offsets in the database stores them (null: the writers are no consumer). */
  store: OffsetStore | null;
  /** Where they stand now on `topic`, per partition: the replay reads up to there, never past. */
  positions(held: Held, topic: string): Promise<Map<number, bigint>>;
  /** Stops them (holding `session`) and reads where they stand on `topics`, frozen until released. */
  fence(session: pg.Client, held: Held, topics: readonly string[]): Promise<OffsetFence>;
}

/** The writers are the consumers of `store`: the replay chases their stored offsets and fences them by those (sales, inventory). */
export function consumerWriters(store: OffsetStore): Writers {
  return {
    store,
    positions: async ({ live }, topic) =>
      new Map(
        [...(await getConsumerOffsets(live, topic, store))].map(([partition, row]) => [partition, row.nextOffset]),
      ),
    fence: (session, _held, topics) => lockConsumerOffsets(session, topics, store),
  };
}

export interface Run extends ReplaySubject {
  options: ReplayOptions;
  io: Io;
  url: string;
  id: string;
  schema: string;
  oldSchema: string;
  rebuild: readonly string[];
  held: Held;
}

/** What to read, and what to rebuild. */
interface Plan {
  facts: TopicFacts;
  starts: Map<number, bigint>;
  cutoffMs: number | null;
  cutoff: Date | null;
}

/** The replay's schema, ready to apply into. */
interface Build {
  prisma: ReturnType<typeof createPrismaInSchema>;
  copiedRows: number;
  /** Partial replays: the snapshot's offsets, below which the copied rows hold every message. */
  copiedUpTo: Map<number, bigint>;
  readStarts: Map<number, bigint>;
}

/** Opens what a replay of `subject` holds (released by releaseAll, whatever happens). */
export async function openRun(options: ReplayOptions, io: Io, subject: ReplaySubject): Promise<Run> {
  const { config } = io;
  const url = config.DATABASE_URL;
  const id = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const schema = `${REPLAY_SCHEMA_PREFIX}${id}`;
  const kafka: Kafka = createKafka(`${config.KAFKA_CLIENT_ID}-replay`, config.KAFKA_BROKERS);
  return {
    ...subject,
    options,
    io,
    url,
    id,
    schema,
    oldSchema: `${schema}_old`,
    rebuild: subject.tables.rebuild,
    held: {
      control: await connect(url, 'control'),
      live: new pg.Pool({ connectionString: url, max: 4, application_name: 'pulse-replay-live' }),
      kafka,
      admin: kafka.admin(),
      sessions: [],
      readers: [],
      snapshot: null,
      replayPrisma: null,
      built: false,
      swapped: false,
    },
  };
}

// Every view of every dashboard may have changed: a notice without a range refreshes them all.
const SALES_NOTICE: SalesUpdatedNotice = { from: 0, to: Number.MAX_SAFE_INTEGER, accepted: 0 };

export async function runReplay(options: ReplayOptions, io: Io): Promise<ReplayReport> {
  const started = Date.now();
  const topic = io.config.SALES_TOPIC;
  const run = await openRun(options, io, {
    tables: REPLAY_TABLES,
    writers: consumerWriters(SALES_OFFSETS),
    notice: { channel: SALES_UPDATED_CHANNEL, payload: JSON.stringify(SALES_NOTICE) },
  });
  try {
    await takeReplayLock(run);
    const plan = await planReplay(run);
    const build = await buildReplaySchema(run, plan);
    const applier = replayApplier(run, plan, build);
    // One transaction per 5,000 messages, as the workers do (a chunk is one fact row each).
    const chase = await startReading(run, [{ topic, label: '', starts: build.readStarts, applier, chunkSize: 5000 }]);
    await chaseWorkers(run, chase, applier.rollRest);
    // Both sides rolled up to the fence: the check compares rollups holding the same facts.
    const swap = await fenceAndSwap(run, chase, async () => {
      await applier.rollRest();
      await rollLive(run.url, topic, io.config.WORKER_ROLL_CONCURRENCY);
    });
    return await finishReplay(run, chase, swap, {
      started,
      prisma: build.prisma,
      stats: applier.stats,
      cutoff: plan.cutoff,
      copiedRows: build.copiedRows,
      compare: {
        // How far each side had rolled its facts up is no figure: both were rolled up to the fence.
        tables: run.rebuild.filter((t) => t !== 'fact_roll'),
        ignore: { sale_fact: ['partition', 'offset'] },
      },
    });
  } finally {
    await releaseAll(run);
  }
}

/** What finishReplay needs besides the run: the build, its figures, and what the check compares. */
export interface Finish {
  started: number;
  prisma: ReturnType<typeof createPrismaInSchema>;
  stats: ReplayStats;
  cutoff: Date | null;
  copiedRows: number;
  compare: Compare;
}

/** After the swap: stop reading, check, drop what is no longer needed, report. */
export async function finishReplay(run: Run, chase: Chase, swap: Swap, finish: Finish): Promise<ReplayReport> {
  await chase.stop();
  run.held.readers = [];
  const { comparison, equal } = await checkSwapped(run, swap, finish.compare);
  const keep = await dropBuild(run, finish.prisma, equal);
  return {
    schema: run.schema,
    keptOldSchema: keep ? run.oldSchema : null,
    cutoff: finish.cutoff,
    swappedAt: swap.swappedAt,
    stats: finish.stats,
    copiedRows: finish.copiedRows,
    durationMs: Date.now() - finish.started,
    fenceMs: swap.fenceMs,
    tailMessages: swap.tailMessages,
    swapLockMs: swap.swapLockMs,
    comparison,
    equal,
  };
}

/** One replay per database; schemas left by an interrupted one are dropped. */
export async function takeReplayLock({ held: { control }, io: { print } }: Run): Promise<void> {
  if (!(await tryLockReplay(control))) throw new ReplayRefused('another replay is running on this database');
  for (const leftover of await getReplaySchemas(control)) {
    if (leftover.endsWith('_old')) {
      print(
        `note: ${leftover} holds tables replaced by an earlier replay (drop it with DROP SCHEMA ${leftover} CASCADE)`,
      );
    } else {
      // Only the holder of the replay lock builds: this one was left by a replay that died.
      await dropReplaySchema(control, leftover);
      print(`dropped ${leftover}, left behind by an interrupted replay`);
    }
  }
}

/**
 * The topic's bounds, once the live consumer's stored positions on it are known to belong to
 * this log. Stored offsets first, then the high watermarks: workers committing in between can
 * only raise a watermark read later, never leave a stored offset above one read earlier.
 */
export async function checkedTopicFacts({ held, writers }: Run, topic: string): Promise<TopicFacts> {
  const liveOffsets = writers.store ? await getConsumerOffsets(held.live, topic, writers.store) : new Map();
  const facts = await topicFacts(held.admin, topic);
  for (const [partition, row] of liveOffsets) {
    const bound = facts.bounds.find((b) => b.partition === partition);
    if ((row.clusterId !== null && row.clusterId !== facts.clusterId) || !bound || row.nextOffset > bound.high) {
      throw new ReplayRefused(
        `the workers' stored position on ${topic} partition ${partition} belongs to another log (another cluster or a recreated topic); ` +
          'let the workers start it over, then replay',
      );
    }
  }
  return facts;
}

/** What to read, and what to rebuild; refuses what could not equal the live aggregates. */
async function planReplay(run: Run): Promise<Plan> {
  const { options, id, schema, rebuild } = run;
  const { admin, kafka, control } = run.held;
  const { config, print, log } = run.io;
  const topic = config.SALES_TOPIC;
  await admin.connect();
  const facts = await checkedTopicFacts(run, topic);

  let cutoffMs: number | null = null;
  let timeOffsets = new Map<number, bigint>();
  if (options.from.kind === 'time') {
    cutoffMs = cutoffForTime(options.from.ms);
    if (cutoffMs > Date.now()) throw new ReplayRefused('--from is in the future: there is nothing to rebuild');
    const found = await admin.fetchTopicOffsetsByTimestamp(topic, readFromTime(cutoffMs));
    timeOffsets = new Map(found.map((o) => [o.partition, BigInt(o.offset)]));
  }
  const plan = planReadStarts(options.from, facts.bounds, timeOffsets);
  if (plan.problems.length > 0) {
    throw new ReplayRefused(
      [
        `the topic no longer holds every message this replay needs (${describeRetention(facts.retentionMs)}), so its result could not equal the live aggregates:`,
        ...plan.problems.map((p) => `  ${p}`),
        'Replay a shorter span with a later --from (buckets before it are kept), or keep the topic longer (SALES_RETENTION_DAYS, for topics Pulse creates).',
      ].join('\n'),
    );
  }
  if (options.from.kind === 'offset') {
    const before = new Map(
      facts.bounds
        .filter((b) => (plan.starts.get(b.partition) ?? 0n) > b.low)
        .map((b) => [b.partition, (plan.starts.get(b.partition) ?? 1n) - 1n]),
    );
    const stamps = await readTimestamps(kafka, topic, `${config.KAFKA_CLIENT_ID}-replay-${id}-ts`, before, log);
    cutoffMs = stamps.size > 0 ? cutoffForOffset([...stamps.values()]) : null;
    if (cutoffMs !== null && cutoffMs > Date.now()) {
      throw new ReplayRefused(
        `the messages before offset ${options.from.offset} reach ${new Date(Math.max(...stamps.values())).toISOString()}, so buckets ` +
          `could be rebuilt only from ${new Date(cutoffMs).toISOString()}, which is in the future: choose a smaller offset or a time`,
      );
    }
  }
  const cutoff = cutoffMs === null ? null : new Date(cutoffMs);
  if (cutoff) {
    for (const table of rebuild) {
      // fact_roll is the replay's own: how far its facts are rolled up.
      if (table !== 'fact_roll' && !timeColumnOf(await getColumns(control, LIVE_SCHEMA, table))) {
        throw new ReplayRefused(`${table} has no bucket column: it can only be rebuilt whole (--from earliest)`);
      }
    }
  }
  print(
    `replaying ${topic} (${facts.bounds.length} partitions, ${describeRetention(facts.retentionMs)}) into ${schema}`,
  );
  print(
    cutoff
      ? `partial: buckets from ${cutoff.toISOString()} are rebuilt from the topic; earlier ones are kept from the live tables`
      : 'full: every bucket is rebuilt from offset 0',
  );
  return { facts, starts: plan.starts, cutoffMs, cutoff };
}

/**
 * The replay's schema with fresh, empty tables, and a client that writes there: connections for
 * the applying and for a roll beside it (one per group of tables).
 */
export async function createBuild({
  url,
  schema,
  tables,
  held,
  io,
}: Run): Promise<ReturnType<typeof createPrismaInSchema>> {
  await createReplaySchema(held.control, schema, tables);
  held.built = true;
  const prisma = createPrismaInSchema(url, schema, 5 + tableGroups(io.config.WORKER_ROLL_CONCURRENCY).length);
  held.replayPrisma = prisma;
  return prisma;
}

/** Fresh tables, and (partial) the rows kept from the live ones. */
async function buildReplaySchema(run: Run, plan: Plan): Promise<Build> {
  const { url, schema, rebuild, held } = run;
  const topic = run.io.config.SALES_TOPIC;
  const prisma = await createBuild(run);
  let copiedRows = 0;
  const copiedUpTo = new Map<number, bigint>();
  const readStarts = new Map(plan.starts);
  if (plan.cutoff) {
    const holder = await connect(url, 'snapshot');
    held.sessions.push(holder);
    const snapshot = await openLiveSnapshot(holder, topic);
    held.snapshot = snapshot;
    const copier = await connect(url, 'copy');
    held.sessions.push(copier);
    const copied = await copyRowsBefore(copier, {
      snapshotId: snapshot.id,
      schema,
      tables: rebuild,
      cutoff: plan.cutoff,
      topic,
    });
    copiedRows = [...copied.rows.values()].reduce((a, b) => a + b, 0);
    run.io.print(
      `copied ${formatCount(copiedRows)} rows before the cut-off (${[...copied.rows].map(([t, n]) => `${t} ${formatCount(n)}`).join(', ')})`,
    );
    for (const [partition, start] of plan.starts) {
      const at = snapshot.offsets.get(partition) ?? 0n;
      copiedUpTo.set(partition, at);
      readStarts.set(partition, minOf(start, at));
    }
    await rollCopiedFacts(prisma, topic, plan.cutoff, copied.rolledUpTo, copiedUpTo);
  }
  return { prisma, copiedRows, copiedUpTo, readStarts };
}

/**
 * The copied facts the live tables had not rolled up at the snapshot are not in the copied rollup
 * rows: roll them up, table by table from its own position (every other copied fact is, and is
 * never rolled again: see exceptCopied).
 */
async function rollCopiedFacts(
  prisma: Build['prisma'],
  topic: string,
  cutoff: Date,
  rolledUpTo: Map<string, Map<number, bigint>>,
  copiedUpTo: Map<number, bigint>,
): Promise<void> {
  for (const table of ROLLUP_TABLES) {
    for (const [partition, below] of copiedUpTo) {
      const from = rolledUpTo.get(table)?.get(partition) ?? 0n;
      if (below <= from) continue;
      await prisma.$transaction(
        (tx) =>
          rollFacts(
            tx,
            {
              topic,
              partitions: [{ partition, firstOffset: from, lastOffset: below - 1n }],
              shard: partition,
              occurredBefore: cutoff,
            },
            [table],
          ),
        { timeout: 600_000 },
      );
    }
  }
}

/** Rolls up the replay's facts (never the copied ones) until none is left waiting. */
async function rollBuild(build: Build, topic: string, cutoff: Date | null, concurrency: number): Promise<void> {
  const exceptCopied = cutoff && { before: cutoff, below: build.copiedUpTo };
  while ((await rollPending(build.prisma, topic, { exceptCopied, maxFacts: ROLL_EVERY_FACTS, concurrency })).more) {}
}

/**
 * Facts applied before a background roll of the replay's own facts starts (when none is
 * running), and the most one roll statement takes. Rolling beside the reading uses the
 * machine while the reading waits on the broker and the database: 200,000 sales replayed in
 * 43–46 s instead of 47–50 (2 cores).
 */
const ROLL_EVERY_FACTS = 50_000;

export interface Applier {
  applyChunk(partition: number, messages: KafkaMessage[], highWatermark: bigint): Promise<void>;
  /** Past an undecodable batch the workers passed (see TopicReaderOptions.onUndecodable). */
  passUndecodable?(partition: number, batch: UndecodableBatch, at: bigint): Promise<bigint>;
}

/** Apply: the workers' decoding and aggregation, into the replay's schema. */
function replayApplier(
  run: Run,
  plan: Plan,
  build: Build,
): Applier & { stats: ReplayStats; rollRest(): Promise<void> } {
  const { live } = run.held;
  const { config } = run.io;
  const topic = config.SALES_TOPIC;
  const { facts, cutoffMs } = plan;
  const { prisma, copiedUpTo } = build;
  const stats: ReplayStats = { messages: 0, counted: 0, duplicates: 0, rejected: 0, kept: 0, late: 0 };
  const known = new KnownDimensions();
  const openSnapshot = run.held.snapshot;
  let unrolled = 0;
  const roll = () => rollBuild(build, topic, plan.cutoff, config.WORKER_ROLL_CONCURRENCY);
  let rolling: Promise<void> | null = null;
  let rollFailure: unknown = null;
  async function applyChunk(partition: number, messages: KafkaMessage[], highWatermark: bigint): Promise<void> {
    const first = BigInt((messages[0] as KafkaMessage).offset);
    const last = BigInt((messages.at(-1) as KafkaMessage).offset);
    const future = await getFutureDeadLetters(live, topic, partition, first, last);
    const accepted: AcceptedMessage[] = [];
    const rejected: RejectedMessage[] = [];
    const late = new Set<AcceptedMessage>();
    let lastMessageAt = 0;
    for (const message of messages) {
      const offset = BigInt(message.offset);
      lastMessageAt = Math.max(lastMessageAt, Number(message.timestamp));
      const futureDetail = future.get(offset);
      // The clock-dependent rejection is the workers' (see getFutureDeadLetters); everything
      // else is decided again, exactly as they decide it.
      const result: DecodeResult =
        futureDetail !== undefined
          ? { ok: false, reason: 'future_event', detail: futureDetail }
          : decodeSaleEvent(message.value, config.REPORTING_CURRENCY, Number.POSITIVE_INFINITY);
      if (!result.ok) {
        rejected.push({
          offset,
          reason: result.reason,
          detail: result.detail,
          key: message.key?.toString('utf8') ?? null,
          value: message.value ?? Buffer.alloc(0),
        });
        continue;
      }
      const entry = { offset, event: result.event };
      if (cutoffMs !== null && result.event.occurredAt < cutoffMs) {
        if (offset < (copiedUpTo.get(partition) ?? 0n)) {
          stats.kept += 1;
          continue;
        }
        late.add(entry);
      }
      accepted.push(entry);
    }
    let toApply = accepted;
    if (late.size > 0 && openSnapshot) {
      const counted = await openSnapshot.countedEventIds([...late].map((m) => m.event.eventId));
      toApply = accepted.filter((m) => !(late.has(m) && counted.has(m.event.eventId)));
      stats.duplicates += accepted.length - toApply.length;
      stats.late += late.size - (accepted.length - toApply.length);
    }
    stats.messages += messages.length;
    if (toApply.length + rejected.length === 0) return;
    const outcome = await applySalesBatch(
      prisma,
      {
        clusterId: facts.clusterId,
        topic,
        partition,
        lastOffset: last,
        lastMessageAt: new Date(lastMessageAt),
        highWatermark,
        accepted: toApply,
        rejected,
      },
      known,
    );
    stats.counted += outcome.counted;
    stats.duplicates += outcome.duplicates;
    stats.rejected += outcome.rejected;
    // Roll up as the facts come, in the background beside the reading (as the workers do), so
    // that the last roll (the workers fenced) is a short one.
    unrolled += outcome.counted;
    if (unrolled >= ROLL_EVERY_FACTS && !rolling) {
      unrolled = 0;
      rolling = roll()
        .catch((err: unknown) => {
          rollFailure ??= err;
        })
        .finally(() => {
          rolling = null;
        });
    }
  }

  /**
   * Rolls up every fact applied so far: after the background roll in flight (throwing what a
   * background roll threw), the rest.
   */
  async function rollRest(): Promise<void> {
    await rolling;
    if (rollFailure) throw rollFailure;
    await roll();
  }

  /**
   * The workers passed this undecodable batch only through an operator's skip, recorded as a
   * dead letter with the range: the replay records the same dead letter and skips the same
   * offsets. Without one the batch cannot be read at all, and the replay stops saying so.
   */
  async function passUndecodable(partition: number, batch: UndecodableBatch, at: bigint): Promise<bigint> {
    const skip = await getRecordedSkip(live, topic, partition, at);
    if (!skip) {
      throw new Error(
        `partition ${partition}: offset ${at} is in a record batch that cannot be decoded (${batch.reason}) ` +
          'and no skip is recorded there; see README "Undecodable batches"',
      );
    }
    await skipUndecodableBatch(
      prisma,
      {
        clusterId: facts.clusterId,
        topic,
        partition,
        from: at,
        to: skip.to,
        detail: skip.detail,
        payload: skip.payload,
      },
      { replay: true },
    );
    stats.messages += Number(skip.to - at);
    stats.rejected += 1;
    return skip.to;
  }

  return { stats, applyChunk, passUndecodable, rollRest };
}

/** One topic a replay reads, and what it does with the messages. */
export interface Stream {
  topic: string;
  /** Before each partition in the progress lines, when a replay reads several topics. */
  label: string;
  /** First offset to read per partition; other partitions are not read. */
  starts: Map<number, bigint>;
  applier: Applier;
  chunkSize: number;
}

/** The readers chasing the workers, and where they stand against them. */
export interface Chase {
  topics: string[];
  progressOf(): PartitionProgress[];
  /** Messages left to read up to the limits. */
  remaining(): number;
  /** In their consumer groups with their partitions: fetching has begun. */
  isJoined(): boolean;
  /** Throws if a reader failed or the replay was interrupted. */
  check(): void;
  /** Limits up to where the workers stand now. They only move forward; the replay never passes them. */
  refreshLimits(): Promise<void>;
  /** Limits exactly at the fence's offsets, which no longer move; throws if one went back. */
  fenceAt(offsets: Map<string, Map<number, bigint>>): void;
  stop(): Promise<void>;
}

interface Reading {
  stream: Stream;
  reader: TopicReader;
  limits: Map<number, bigint>;
}

/** Read: each stream from its starts, never past where the workers stand. */
export async function startReading(run: Run, streams: Stream[]): Promise<Chase> {
  const { id, held, io, writers } = run;
  const readings: Reading[] = streams.map((stream, i) => {
    const limits = new Map([...stream.starts.keys()].map((partition) => [partition, 0n]));
    const reader = new TopicReader({
      kafka: held.kafka,
      topic: stream.topic,
      groupId: `${io.config.KAFKA_CLIENT_ID}-replay-${id}${i === 0 ? '' : `-${i}`}`,
      starts: stream.starts,
      limitOf: (partition) => limits.get(partition) ?? 0n,
      onChunk: stream.applier.applyChunk,
      chunkSize: stream.chunkSize,
      onUndecodable: stream.applier.passUndecodable,
      logStartOf: async (partition) =>
        BigInt((await held.admin.fetchTopicOffsets(stream.topic)).find((o) => o.partition === partition)?.low ?? '0'),
      log: io.log,
    });
    held.readers.push(reader);
    return { stream, reader, limits };
  });
  const progressOf = (): PartitionProgress[] =>
    readings.flatMap(({ stream, reader, limits }) =>
      [...stream.starts].map(([partition, start]) => ({
        label: stream.label,
        partition,
        start,
        next: maxOf(reader.next.get(partition) ?? start, start),
        target: maxOf(limits.get(partition) ?? 0n, start),
      })),
    );
  const limitsChanged = () => {
    for (const { reader } of readings) reader.limitsChanged();
  };
  const chase: Chase = {
    topics: streams.map((s) => s.topic),
    progressOf,
    // Past its target only over offsets that carry no message (a trailing transaction marker).
    remaining: () => progressOf().reduce((n, p) => n + Math.max(0, Number(p.target - p.next)), 0),
    isJoined: () => readings.every(({ reader }) => reader.isJoined()),
    check: () => {
      for (const { reader } of readings) {
        const failure = reader.failed();
        if (failure) throw failure;
      }
      if (io.signal.aborted) throw new ReplayRefused('interrupted');
    },
    refreshLimits: async () => {
      for (const { stream, limits } of readings) {
        for (const [partition, next] of await writers.positions(held, stream.topic)) {
          if (limits.has(partition)) limits.set(partition, maxOf(limits.get(partition) ?? 0n, next));
        }
      }
      limitsChanged();
    },
    fenceAt: (offsets) => {
      for (const { stream, limits } of readings) {
        for (const partition of stream.starts.keys()) {
          const at = offsets.get(stream.topic)?.get(partition) ?? 0n;
          if (at < (limits.get(partition) ?? 0n)) {
            throw new Error(`${stream.topic} partition ${partition}: the workers' offset went back`);
          }
          limits.set(partition, at);
        }
      }
      limitsChanged();
    },
    stop: async () => {
      for (const { reader } of readings) await reader.stop();
    },
  };
  // Where the workers stand before the first fetch: the limits start there.
  await chase.refreshLimits();
  for (const { reader } of readings) await reader.start();
  return chase;
}

/** Catch up with the workers until close enough behind them to fence them briefly. */
export async function chaseWorkers(run: Run, chase: Chase, settle: () => Promise<void>): Promise<void> {
  const { io } = run;
  // Catch up until close behind the workers: the fence stops them for as long as the
  // replay needs for the rest, so `pauseMs` of work (at the replay's rate) is the most left.
  const catchUp = async (pauseMs: () => number) => {
    for (;;) {
      chase.check();
      await chase.refreshLimits();
      io.progress.update('replay', chase.progressOf());
      const close = Math.max(20, (io.progress.rate() * pauseMs()) / 1000);
      if (chase.isJoined() && chase.remaining() <= close) return;
      await sleep(POLL_MS);
    }
  };
  await catchUp(() => 1000);
  // The build's deferred work (sales: the rollups) now, so that what is left at the fence is short.
  await settle();
  // Statistics for the query planner before the tables go live.
  await vacuumReplayTables(run.held.control, run.schema, run.rebuild);
  // Then get level with the workers: a tenth of a second behind at most. If they keep
  // outrunning the replay (both compete for the same CPUs and database), accept a longer
  // pause the longer that lasts — a tenth of a second more per second of chasing.
  const levelFrom = Date.now();
  await catchUp(() => 100 + (Date.now() - levelFrom) / 10);
}

export interface Swap {
  fenceMs: number;
  tailMessages: number;
  swapLockMs: number;
  swappedAt: Date;
  /** The state at the swap, frozen for the check (null if the swap did not happen). */
  atSwap: LiveSnapshot | null;
  checkClient: pg.Client;
}

/**
 * Fence the workers, apply the last messages up to exactly where they stand, bring both sides
 * to the same state (`settle`: deferred work of the build and of the live tables), swap.
 */
export async function fenceAndSwap(run: Run, chase: Chase, settle: () => Promise<void>): Promise<Swap> {
  const { url, schema, oldSchema, rebuild, held, io, writers, notice } = run;
  const fenceClient = await connect(url, 'fence');
  held.sessions.push(fenceClient);
  const checkClient = await connect(url, 'check');
  held.sessions.push(checkClient);
  const fence = await writers.fence(fenceClient, held, chase.topics);
  const fencedAt = performance.now();
  const swap: Swap = {
    fenceMs: 0,
    tailMessages: 0,
    swapLockMs: 0,
    swappedAt: new Date(0),
    atSwap: null,
    checkClient,
  };
  try {
    chase.fenceAt(fence.offsets);
    swap.tailMessages = chase.remaining();
    const deadline = Date.now() + FENCE_CATCH_UP_TIMEOUT_MS;
    while (chase.remaining() > 0) {
      chase.check();
      if (Date.now() > deadline) throw new Error('the last messages did not arrive in time; nothing was swapped');
      io.progress.update('replay (workers fenced)', chase.progressOf());
      await sleep(20);
    }
    io.progress.update('replay', chase.progressOf(), true);
    io.progress.done();
    await settle();
    // Every partition is at its limit, which no longer moves: the readers apply nothing more
    // (they are stopped once the workers run again — leaving a group takes a while).
    await held.snapshot?.close();
    held.snapshot = null;
    swap.swapLockMs = (await swapReplayTables(held.control, { schema, oldSchema, tables: rebuild, notice })).lockedMs;
    held.swapped = true;
    swap.swappedAt = new Date();
    // The state at the swap, frozen for the check: the workers are still fenced.
    swap.atSwap = await openLiveSnapshot(checkClient, chase.topics[0] ?? '', writers.store);
  } finally {
    await fence.release();
    swap.fenceMs = performance.now() - fencedAt;
  }
  return swap;
}

/** Rolls up every live fact (the workers are fenced), waiting for a worker's roll in flight. */
async function rollLive(url: string, topic: string, concurrency: number): Promise<void> {
  const live = createPrismaInSchema(url, LIVE_SCHEMA, concurrency);
  try {
    while ((await rollPending(live, topic, { wait: true, maxFacts: 100_000, concurrency })).more) {}
  } finally {
    await live.$disconnect();
  }
}

/** Which tables the check compares, and the columns it leaves out of each. */
export interface Compare {
  tables: readonly string[];
  ignore: Readonly<Record<string, readonly string[]>>;
}

/** Check: the swapped-in tables against the ones they replaced, as of the swap. */
async function checkSwapped(
  { oldSchema, url, held }: Run,
  { atSwap, checkClient }: Swap,
  { tables, ignore }: Compare,
): Promise<{ comparison: TableComparison[]; equal: boolean }> {
  let comparison: TableComparison[];
  try {
    if (!atSwap) throw new Error('no snapshot of the swap');
    // A second session in the same snapshot: two tables compared at a time.
    const second = await connect(url, 'check-2');
    held.sessions.push(second);
    await second.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await second.query(`SET TRANSACTION SNAPSHOT ${second.escapeLiteral(atSwap.id)}`);
    comparison = await compareReplayTables([checkClient, second], {
      liveSchema: oldSchema,
      replaySchema: LIVE_SCHEMA,
      tables,
      ignore,
    });
    await second.query('ROLLBACK');
    await atSwap.close();
  } catch (err) {
    throw new Error(
      `the replayed tables are live, but checking them failed (${(err as Error).message}); the replaced tables are in ${oldSchema}`,
    );
  }
  const equal = comparison.every(
    (t) => t.onlyLive === 0 && t.onlyReplay === 0 && t.totals.every((m) => m.live === m.replay),
  );
  return { comparison, equal };
}

/** After the swap: the build's leftovers go; the replaced tables stay if asked or different. Returns whether they stay. */
async function dropBuild(run: Run, prisma: Finish['prisma'], equal: boolean): Promise<boolean> {
  const { control } = run.held;
  await prisma.$disconnect();
  run.held.replayPrisma = null;
  await dropReplaySchema(control, run.schema);
  const keep = run.options.keepOld || !equal;
  if (!keep) await dropReplaySchema(control, run.oldSchema);
  return keep;
}

export async function releaseAll({ io, schema, held }: Run): Promise<void> {
  io.progress.done();
  for (const reader of held.readers) await reader.stop().catch(() => undefined);
  await held.snapshot?.close().catch(() => undefined);
  await held.replayPrisma?.$disconnect().catch(() => undefined);
  // Nothing was swapped: the build is worthless. (After a swap the schemas are dealt with above.)
  if (held.built && !held.swapped) await dropReplaySchema(held.control, schema).catch(() => undefined);
  for (const session of held.sessions) await session.end().catch(() => undefined);
  await held.admin.disconnect().catch(() => undefined);
  await held.live.end().catch(() => undefined);
  await held.control.end().catch(() => undefined);
}
