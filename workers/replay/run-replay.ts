// npm run replay: rebuild the aggregates from the retained sales topic into fresh tables while
// the workers keep running, swap them in atomically, check them against the tables they
// replaced. The aggregation is the workers' own code (applySalesBatch), run against a schema
// of the replay's own; this file only decides what to read and when to swap.
//
// Exactness at the swap. The workers keep consuming during the replay, so the replay chases
// their stored offsets (never passing them), then fences them: it locks consumer_offset, which
// every worker transaction writes first (lib/queries/lock-consumer-offsets.ts), reads where
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
import { createPrismaInSchema } from '../../lib/db';
import type { Env } from '../../lib/env';
import { createKafka, topicRetentionMs } from '../../lib/kafka';
import type { Logger } from '../../lib/logger';
import {
  type AcceptedMessage,
  applySalesBatch,
  KnownDimensions,
  REPLAY_TABLES,
  type RejectedMessage,
} from '../../lib/queries/apply-sales-batch';
import { compareReplayTables, type TableComparison } from '../../lib/queries/compare-replay-tables';
import { copyRowsBefore } from '../../lib/queries/copy-rows-before';
import { createReplaySchema } from '../../lib/queries/create-replay-schema';
import { dropReplaySchema } from '../../lib/queries/drop-replay-schema';
import { getConsumerOffsets } from '../../lib/queries/get-consumer-offsets';
import { getFutureDeadLetters } from '../../lib/queries/get-future-dead-letters';
import { getReplaySchemas } from '../../lib/queries/get-replay-schemas';
import { lockConsumerOffsets } from '../../lib/queries/lock-consumer-offsets';
import { type LiveSnapshot, openLiveSnapshot } from '../../lib/queries/open-live-snapshot';
import { getColumns, LIVE_SCHEMA, REPLAY_SCHEMA_PREFIX } from '../../lib/queries/replay-sql';
import { getRecordedSkip, skipUndecodableBatch } from '../../lib/queries/skip-undecodable-batch';
import { swapReplayTables } from '../../lib/queries/swap-replay-tables';
import { tryLockReplay } from '../../lib/queries/try-lock-replay';
import { vacuumReplayTables } from '../../lib/queries/vacuum-replay-tables';
import { type DecodeResult, decodeSaleEvent } from '../../lib/sales-event';
import type { UndecodableBatch } from '../../lib/undecodable-batch';
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

interface Io {
  config: Env;
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

function describeRetention(ms: number | null): string {
  if (ms === null) return 'retention unknown';
  if (ms < 0) return 'retention forever';
  const days = ms / 86_400_000;
  return `retention ${Number.isInteger(days) ? days : days.toFixed(2)} days (retention.ms=${ms})`;
}

async function connect(url: string, name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: `pulse-replay-${name}` });
  await client.connect();
  return client;
}

interface TopicFacts {
  clusterId: string;
  bounds: PartitionBounds[];
  retentionMs: number | null;
}

async function topicFacts(admin: Admin, topic: string): Promise<TopicFacts> {
  if (!(await admin.listTopics()).includes(topic)) throw new ReplayRefused(`topic ${topic} does not exist`);
  const clusterId = (await admin.describeCluster()).clusterId;
  const offsets = await admin.fetchTopicOffsets(topic);
  const bounds = offsets
    .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
    .sort((a, b) => a.partition - b.partition);
  return { clusterId, bounds, retentionMs: await topicRetentionMs(admin, topic).catch(() => null) };
}

export async function runReplay(options: ReplayOptions, io: Io): Promise<ReplayReport> {
  const { config, print, log } = io;
  const started = Date.now();
  const topic = config.SALES_TOPIC;
  const url = config.DATABASE_URL;
  const id = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const schema = `${REPLAY_SCHEMA_PREFIX}${id}`;
  const oldSchema = `${schema}_old`;
  const rebuild = REPLAY_TABLES.rebuild;

  const control = await connect(url, 'control');
  const live = new pg.Pool({ connectionString: url, max: 4, application_name: 'pulse-replay-live' });
  const kafka: Kafka = createKafka(`${config.KAFKA_CLIENT_ID}-replay`);
  const admin = kafka.admin();
  const sessions: pg.Client[] = [];
  let reader: TopicReader | null = null;
  let snapshot: LiveSnapshot | null = null;
  let replayPrisma: ReturnType<typeof createPrismaInSchema> | null = null;
  let built = false;
  let swapped = false;

  try {
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

    await admin.connect();
    // Stored offsets first, then the high watermarks: workers committing in between can only
    // raise a watermark read later, never leave a stored offset above one read earlier.
    const liveOffsets = await getConsumerOffsets(live, topic);
    const facts = await topicFacts(admin, topic);
    for (const [partition, row] of liveOffsets) {
      const bound = facts.bounds.find((b) => b.partition === partition);
      if ((row.clusterId !== null && row.clusterId !== facts.clusterId) || !bound || row.nextOffset > bound.high) {
        throw new ReplayRefused(
          `the workers' stored position on partition ${partition} belongs to another log (another cluster or a recreated topic); ` +
            'let the workers start it over, then replay',
        );
      }
    }

    // What to read, and what to rebuild.
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
        if (!(await getColumns(control, LIVE_SCHEMA, table)).some((c) => c.name === 'bucket')) {
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

    // Fresh tables, and (partial) the rows kept from the live ones.
    await createReplaySchema(control, schema, REPLAY_TABLES);
    built = true;
    replayPrisma = createPrismaInSchema(url, schema, 5);
    let copiedRows = 0;
    const copiedUpTo = new Map<number, bigint>();
    const readStarts = new Map(plan.starts);
    if (cutoff) {
      const holder = await connect(url, 'snapshot');
      sessions.push(holder);
      snapshot = await openLiveSnapshot(holder, topic);
      const copier = await connect(url, 'copy');
      sessions.push(copier);
      const copied = await copyRowsBefore(copier, { snapshotId: snapshot.id, schema, tables: rebuild, cutoff });
      copiedRows = [...copied.values()].reduce((a, b) => a + b, 0);
      print(
        `copied ${formatCount(copiedRows)} rows before the cut-off (${[...copied].map(([t, n]) => `${t} ${formatCount(n)}`).join(', ')})`,
      );
      for (const [partition, start] of plan.starts) {
        const at = snapshot.offsets.get(partition) ?? 0n;
        copiedUpTo.set(partition, at);
        readStarts.set(partition, minOf(start, at));
      }
    }

    // Apply: the workers' decoding and aggregation, into the replay's schema.
    const stats: ReplayStats = { messages: 0, counted: 0, duplicates: 0, rejected: 0, kept: 0, late: 0 };
    const known = new KnownDimensions();
    const prisma = replayPrisma;
    const openSnapshot = snapshot;
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

    // Limits: where the workers stand. They only move forward; the replay never passes them.
    const limits = new Map<number, bigint>();
    for (const partition of readStarts.keys()) limits.set(partition, liveOffsets.get(partition)?.nextOffset ?? 0n);
    const refreshLimits = async () => {
      for (const [partition, row] of await getConsumerOffsets(live, topic)) {
        if (limits.has(partition)) limits.set(partition, maxOf(limits.get(partition) ?? 0n, row.nextOffset));
      }
      reader?.limitsChanged();
    };
    const activeReader = new TopicReader({
      kafka,
      topic,
      groupId: `${config.KAFKA_CLIENT_ID}-replay-${id}`,
      starts: readStarts,
      limitOf: (partition) => limits.get(partition) ?? 0n,
      onChunk: applyChunk,
      onUndecodable: passUndecodable,
      logStartOf: async (partition) =>
        BigInt((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)?.low ?? '0'),
      log,
    });
    reader = activeReader;
    const progressOf = (): PartitionProgress[] =>
      [...readStarts].map(([partition, start]) => ({
        partition,
        start,
        next: maxOf(activeReader.next.get(partition) ?? start, start),
        target: maxOf(limits.get(partition) ?? 0n, start),
      }));
    // Past its target only over offsets that carry no message (a trailing transaction marker).
    const remaining = () => progressOf().reduce((n, p) => n + Math.max(0, Number(p.target - p.next)), 0);
    const check = () => {
      const failure = activeReader.failed();
      if (failure) throw failure;
      if (io.signal.aborted) throw new ReplayRefused('interrupted');
    };
    await activeReader.start();

    // Catch up until close behind the workers: the fence stops them for as long as the
    // replay needs for the rest, so `pauseMs` of work (at the replay's rate) is the most left.
    const catchUp = async (pauseMs: () => number) => {
      for (;;) {
        check();
        await refreshLimits();
        io.progress.update('replay', progressOf());
        const close = Math.max(20, (io.progress.rate() * pauseMs()) / 1000);
        if (activeReader.isJoined() && remaining() <= close) return;
        await sleep(POLL_MS);
      }
    };
    await catchUp(() => 1000);
    // Statistics for the query planner before the tables go live.
    await vacuumReplayTables(control, schema, rebuild);
    // Then get level with the workers: a tenth of a second behind at most. If they keep
    // outrunning the replay (both compete for the same CPUs and database), accept a longer
    // pause the longer that lasts — a tenth of a second more per second of chasing.
    const levelFrom = Date.now();
    await catchUp(() => 100 + (Date.now() - levelFrom) / 10);

    // Fence the workers, apply the last messages up to exactly where they stand, swap.
    const fenceClient = await connect(url, 'fence');
    sessions.push(fenceClient);
    const checkClient = await connect(url, 'check');
    sessions.push(checkClient);
    const fence = await lockConsumerOffsets(fenceClient, topic);
    const fencedAt = performance.now();
    let fenceMs = 0;
    let tailMessages = 0;
    let swapLockMs = 0;
    let swappedAt = new Date(0);
    let atSwap: LiveSnapshot | null = null;
    try {
      for (const partition of readStarts.keys()) {
        const at = fence.offsets.get(partition) ?? 0n;
        if (at < (limits.get(partition) ?? 0n))
          throw new Error(`partition ${partition}: the workers' offset went back`);
        limits.set(partition, at);
      }
      tailMessages = remaining();
      activeReader.limitsChanged();
      const deadline = Date.now() + FENCE_CATCH_UP_TIMEOUT_MS;
      while (remaining() > 0) {
        check();
        if (Date.now() > deadline) throw new Error('the last messages did not arrive in time; nothing was swapped');
        io.progress.update('replay (workers fenced)', progressOf());
        await sleep(20);
      }
      io.progress.update('replay', progressOf(), true);
      io.progress.done();
      // Every partition is at its limit, which no longer moves: the reader applies nothing more
      // (it is stopped once the workers run again — leaving the group takes a while).
      await snapshot?.close();
      snapshot = null;
      swapLockMs = (await swapReplayTables(control, { schema, oldSchema, tables: rebuild })).lockedMs;
      swapped = true;
      swappedAt = new Date();
      // The state at the swap, frozen for the check: the workers are still fenced.
      atSwap = await openLiveSnapshot(checkClient, topic);
    } finally {
      await fence.release();
      fenceMs = performance.now() - fencedAt;
    }

    await activeReader.stop();
    reader = null;

    // Check: the swapped-in tables against the ones they replaced, as of the swap.
    let comparison: TableComparison[];
    try {
      if (!atSwap) throw new Error('no snapshot of the swap');
      comparison = await compareReplayTables(checkClient, {
        liveSchema: oldSchema,
        replaySchema: LIVE_SCHEMA,
        tables: rebuild,
      });
      await atSwap.close();
    } catch (err) {
      throw new Error(
        `the replayed tables are live, but checking them failed (${(err as Error).message}); the replaced tables are in ${oldSchema}`,
      );
    }
    const equal = comparison.every(
      (t) => t.onlyLive === 0 && t.onlyReplay === 0 && t.totals.every((m) => m.live === m.replay),
    );
    await replayPrisma.$disconnect();
    replayPrisma = null;
    await dropReplaySchema(control, schema);
    const keep = options.keepOld || !equal;
    if (!keep) await dropReplaySchema(control, oldSchema);
    return {
      schema,
      keptOldSchema: keep ? oldSchema : null,
      cutoff,
      swappedAt,
      stats,
      copiedRows,
      durationMs: Date.now() - started,
      fenceMs,
      tailMessages,
      swapLockMs,
      comparison,
      equal,
    };
  } finally {
    io.progress.done();
    await reader?.stop().catch(() => undefined);
    await snapshot?.close().catch(() => undefined);
    await replayPrisma?.$disconnect().catch(() => undefined);
    // Nothing was swapped: the build is worthless. (After a swap the schemas are dealt with above.)
    if (built && !swapped) await dropReplaySchema(control, schema).catch(() => undefined);
    for (const session of sessions) await session.end().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await live.end().catch(() => undefined);
    await control.end().catch(() => undefined);
  }
}
