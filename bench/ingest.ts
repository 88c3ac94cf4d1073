// End-to-end ingest: pre-produce the dataset to a fresh topic, then start N real worker
// processes (workers/index.ts) in one consumer group and time them until Postgres's stored
// offsets reach the end of every partition. Postgres — not Kafka's committed offsets — is
// the measure, because that is where the exactly-once position lives.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { segmentPositions } from '@/lib/domain/sales-rollup';
import { createProducer, ensureTopics } from '@/lib/ingest/kafka';
import { ROLL_PROGRESS_SQL } from '@/lib/queries/facts/roll-pending';
import { type Managed, root, startNode, WORKER_NODE_OPTIONS } from '@/scripts/lib/processes';
import { offsetsIn, topicEnd } from '@/tests/support/topics';
import { type ActivityReport, sampleActivity } from './activity';
import type { Dataset, Message } from './dataset';
import { busyShare, CLOCK_TICKS, cpuSeconds, machineCpu, peakRssBytes, rssBytes } from './proc-stats';
import { counter, step } from './progress';
import type { BenchDatabase } from './services';

export const PARTITIONS = 6;
/** A worker's resident memory may not pass this on any backfill: the run fails its check. */
export const RSS_CAP_BYTES = 400 * 1024 * 1024;
const SEND_BATCH = 1000;
const POLL_MS = 250;
/** No new offset stored for this long means the run is stuck, not slow. */
const STALL_MS = 90_000;
export const LOG_DIR = path.join(root, '.pulse', 'bench', 'logs');

export async function createSalesTopic(kafka: Kafka, topic: string, dlqTopic: string, partitions = PARTITIONS) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [
      { topic, numPartitions: partitions },
      { topic: dlqTopic, numPartitions: 1 },
    ]);
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: string[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.disconnect();
  }
}

export interface ProduceFigures {
  messages: number;
  seconds: number;
  perSec: number;
}

/** Sends `messages` in order, ~1000 per producer.send, like a busy simulator would. */
export async function produceAll(kafka: Kafka, topic: string, messages: Message[]): Promise<ProduceFigures> {
  const producer = createProducer(kafka);
  await producer.connect();
  const progress = counter(`producing to ${topic}`, messages.length);
  const started = performance.now();
  try {
    for (let i = 0; i < messages.length; i += SEND_BATCH) {
      await producer.send({ topic, messages: messages.slice(i, i + SEND_BATCH) });
      progress.update(Math.min(messages.length, i + SEND_BATCH));
    }
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  const perSec = messages.length / seconds;
  progress.finish(
    `${messages.length.toLocaleString('en-US')} messages in ${seconds.toFixed(1)} s (${Math.round(perSec).toLocaleString('en-US')}/s)`,
  );
  return { messages: messages.length, seconds, perSec };
}

export interface Verification {
  ok: boolean;
  processedEvents: number;
  ordersAllCategories: number;
  revenueAllCategories: number;
  revenueByCategory: number;
  revenueByProduct: number;
  /** Revenue over the new/returning slots of product_demographic_rollup (each sale once). */
  revenueByProductSegment: number;
  deadLetters: number;
  /** Facts (one per counted event) and their whole-order revenue. */
  facts: number;
  revenueOfFacts: number;
  expected: { unique: number; revenueCents: number };
}

/** Postgres must hold exactly the dataset: every unique event once, no duplicate, nothing dead-lettered. */
export async function verify(db: BenchDatabase, dataset: Dataset): Promise<Verification> {
  const customerTypeSlots = segmentPositions('customer_type');
  const [processed, all, byCategory, byProduct, bySegment, dead, facts] = await Promise.all([
    db.query<{ n: string }>('SELECT count(*) AS n FROM processed_event'),
    db.query<{ orders: string; revenue: string }>(
      `SELECT coalesce(sum(orders), 0) AS orders, coalesce(sum(revenue_cents), 0) AS revenue FROM sales_rollup WHERE grain = 'd' AND category = '*'`,
    ),
    db.query<{ revenue: string }>(
      `SELECT coalesce(sum(revenue_cents), 0) AS revenue FROM sales_rollup WHERE grain = 'h' AND category <> '*'`,
    ),
    db.query<{ revenue: string }>(
      "SELECT coalesce(sum(revenue_cents), 0) AS revenue FROM product_rollup WHERE grain = 'd' AND store_id <> ''",
    ),
    db.query<{ revenue: string }>(
      `SELECT coalesce(sum(u.v), 0) AS revenue FROM product_demographic_rollup r,
         unnest(r.revenue_cents) WITH ORDINALITY AS u(v, slot) WHERE r.grain = 'd' AND u.slot = ANY($1::int[])`,
      [customerTypeSlots],
    ),
    db.query<{ n: string }>('SELECT count(*) AS n FROM dead_letter'),
    db.query<{ n: string; revenue: string }>(
      'SELECT count(*) AS n, coalesce(sum(part_revenue[1]), 0) AS revenue FROM sale_fact',
    ),
  ]);
  const v = {
    processedEvents: Number(processed[0]?.n),
    ordersAllCategories: Number(all[0]?.orders),
    revenueAllCategories: Number(all[0]?.revenue),
    revenueByCategory: Number(byCategory[0]?.revenue),
    revenueByProduct: Number(byProduct[0]?.revenue),
    revenueByProductSegment: Number(bySegment[0]?.revenue),
    deadLetters: Number(dead[0]?.n),
    facts: Number(facts[0]?.n),
    revenueOfFacts: Number(facts[0]?.revenue),
    expected: { unique: dataset.unique, revenueCents: dataset.revenueCents },
  };
  const ok =
    v.processedEvents === dataset.unique &&
    v.ordersAllCategories === dataset.unique &&
    v.revenueAllCategories === dataset.revenueCents &&
    v.revenueByCategory === dataset.revenueCents &&
    v.revenueByProduct === dataset.revenueCents &&
    v.revenueByProductSegment === dataset.revenueCents &&
    v.facts === dataset.unique &&
    v.revenueOfFacts === dataset.revenueCents &&
    v.deadLetters === 0;
  return { ok, ...v };
}

export interface IngestFigures {
  label: string;
  workers: number;
  messages: number;
  /** Worker start → every partition's facts rolled up to the topic end. */
  wallSeconds: number;
  /** Worker start → every partition's stored offset at the topic end (every figure exact from then on). */
  countedSeconds: number;
  /** messages / countedSeconds. */
  countedPerSec: number;
  /** Worker start → first batch committed (process start, group join, first fetch). */
  firstCommitSeconds: number;
  /** messages / wallSeconds. */
  overallPerSec: number;
  /** Messages after the first commit / time after the first commit: the steady rate. */
  sustainedPerSec: number;
  /** Highest VmHWM among the workers. */
  peakRssBytes: number | null;
  /** No worker above RSS_CAP_BYTES (a failed check of the run). */
  rssWithinCap: boolean;
  workerCpuSeconds: number;
  postgresCpuSeconds: number;
  brokerCpuSeconds: number | null;
  /** Whole machine busy share during the run (all cores), 0..1. */
  machineBusy: number | null;
  /**
   * CPU used by processes other than the workers, their Postgres backends, the broker and
   * the bench itself, in cores: anything above ~0.1 means the figures were taken on a busy
   * machine (Postgres's own background processes account for a little of it).
   */
  otherLoadCores: number | null;
  shutdownSeconds: number;
  activity: ActivityReport;
  verification: Verification;
  profileDir?: string;
}

const clip = (line: string) => (line.length > 400 ? `${line.slice(0, 400)}…` : line);

async function logTail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).map(clip).join('\n') || '(empty log)';
}

const BATCH_FAILURES_FATAL = 3;

/** kafkajs logs each failed eachBatch at error level with this message, then retries it. */
async function batchFailures(file: string): Promise<{ count: number; last: string }> {
  const lines = (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l.includes('Error when calling eachBatch'));
  const last = lines.at(-1) ?? '';
  const message = last.match(/"message":"((?:[^"\\]|\\.)*)"/)?.[1] ?? last.match(/Message: `([^`]*)`/)?.[1];
  return { count: lines.length, last: clip(message ?? last) };
}

/** Where a bench process of Pulse reads from and writes to. */
export interface PulseTarget {
  db: BenchDatabase;
  brokers: string[];
  topic: string;
  dlqTopic: string;
  groupId: string;
}

interface IngestRun extends PulseTarget {
  label: string;
  workers: number;
  kafka: Kafka;
  brokerPid: number | null;
  dataset: Dataset;
  profileDir?: string;
}

/** The environment of a Pulse process (a worker, the replay) working on `t`. */
export function pulseEnv(t: PulseTarget): Record<string, string> {
  return {
    DATABASE_URL: t.db.url,
    KAFKA_BROKERS: t.brokers.join(','),
    SALES_TOPIC: t.topic,
    SALES_DLQ_TOPIC: t.dlqTopic,
    WORKER_GROUP_ID: t.groupId,
    LOG_LEVEL: process.env.BENCH_WORKER_LOG_LEVEL ?? 'warn',
  };
}

/**
 * A worker's: as deployed, with its heap cap (or what BENCH_WORKER_NODE_OPTIONS says), and no ops
 * port (several workers on one machine).
 */
export function workerEnv(t: PulseTarget): Record<string, string> {
  return {
    ...pulseEnv(t),
    WORKER_HTTP_PORT: '0',
    NODE_OPTIONS: [process.env.NODE_OPTIONS, process.env.BENCH_WORKER_NODE_OPTIONS ?? WORKER_NODE_OPTIONS]
      .filter(Boolean)
      .join(' '),
  };
}

export async function measureIngest(run: IngestRun, track: (worker: Managed) => void): Promise<IngestFigures> {
  const end = await topicEnd(run.kafka, run.topic);
  const total = Number(offsetsIn(end));
  const env = workerEnv(run);
  if (run.profileDir) env.BENCH_PROFILE_DIR = run.profileDir;
  const script = run.profileDir ? 'bench/profiled-worker.ts' : 'workers/index.ts';

  const activity = await sampleActivity(run.db.url);
  let activityReport: ActivityReport;
  const brokerCpu0 = run.brokerPid ? cpuSeconds(run.brokerPid) : null;
  const machine0 = machineCpu();
  const self0 = process.cpuUsage();
  const started = performance.now();
  const workers = Array.from({ length: run.workers }, (_, i) =>
    startNode(`${run.label}-${i + 1}`, script, [], env, LOG_DIR),
  );
  workers.forEach(track);
  step(
    `${run.label}: started ${run.workers} worker process(es) (pids ${workers.map((w) => w.child.pid).join(', ')}; logs in ${path.relative(root, LOG_DIR)})`,
  );

  const progress = counter(`  ${run.label} consumed`, total);
  let firstCommitAt: number | null = null;
  let consumedAtFirst = 0;
  let lastProgressAt = started;
  let lastConsumed = 0;
  let lastRolled = 0;
  /** Every offset stored: each event counted, every figure exact (facts not yet rolled up are read as they are). */
  let countedAt: number | null = null;
  let peakRss = 0;
  let exitedEarly: { worker: Managed; code: number | null } | null = null;
  for (const w of workers) {
    void w.exited.then((code) => {
      exitedEarly ??= { worker: w, code };
    });
  }

  try {
    for (;;) {
      const rows = await run.db.query<{ partition: number; next_offset: string; rolled: string }>(ROLL_PROGRESS_SQL, [
        run.topic,
      ]);
      const now = performance.now();
      const stored = new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
      const rolled = new Map(rows.map((r) => [r.partition, BigInt(r.rolled)]));
      const consumed = rows.reduce((sum, r) => sum + Number(r.next_offset), 0);
      for (const w of workers) peakRss = Math.max(peakRss, rssBytes(w.child.pid as number) ?? 0);
      if (consumed > 0 && firstCommitAt === null) {
        firstCommitAt = now;
        consumedAtFirst = consumed;
      }
      if (consumed > lastConsumed) {
        lastConsumed = consumed;
        lastProgressAt = now;
      }
      const rolledUp = rows.reduce((sum, r) => sum + Number(r.rolled), 0);
      progress.update(
        consumed,
        `rolled up ${rolledUp.toLocaleString('en-US')}, rss ${(peakRss / 1024 / 1024).toFixed(0)} MiB`,
      );
      if (countedAt === null && [...end].every(([p, high]) => (stored.get(p) ?? 0n) >= high)) countedAt = now;
      if (countedAt !== null && [...end].every(([p, high]) => (rolled.get(p) ?? 0n) >= high)) break;
      if (rolledUp > lastRolled) {
        lastRolled = rolledUp;
        lastProgressAt = now;
      }
      const early = exitedEarly as { worker: Managed; code: number | null } | null;
      if (early) {
        throw new Error(
          `worker ${early.worker.name} exited (code ${early.code}) before the topic was consumed; its log ends with:\n${await logTail(early.worker.logFile)}`,
        );
      }
      // Why not wait for the stall timeout: kafkajs retries a failing eachBatch for ever, so a
      // worker that cannot write (schema drift, bad SQL) would otherwise look merely slow.
      for (const w of workers) {
        const failures = await batchFailures(w.logFile);
        if (failures.count >= BATCH_FAILURES_FATAL) {
          throw new Error(`worker ${w.name}: eachBatch failed ${failures.count} times; last error:\n${failures.last}`);
        }
      }
      if (now - lastProgressAt > STALL_MS) {
        throw new Error(
          `no progress for ${STALL_MS / 1000} s at ${consumed}/${total}; worker log ends with:\n${await logTail(workers[0]?.logFile ?? '')}`,
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    activityReport = await activity.stop();
  }
  const doneAt = performance.now();
  const machine1 = machineCpu();
  const self1 = process.cpuUsage(self0);
  const peaks = workers.map((w) => peakRssBytes(w.child.pid as number));
  const workerCpu = workers.reduce((s, w) => s + (cpuSeconds(w.child.pid as number) ?? 0), 0);
  const brokerCpu1 = run.brokerPid ? cpuSeconds(run.brokerPid) : null;

  const wallSeconds = (doneAt - started) / 1000;
  const brokerCpuSeconds = brokerCpu0 !== null && brokerCpu1 !== null ? brokerCpu1 - brokerCpu0 : null;
  const machineBusySeconds = machine0 && machine1 ? (machine1.busy - machine0.busy) / CLOCK_TICKS : null;
  const ours =
    workerCpu + activityReport.backendCpuSeconds + (brokerCpuSeconds ?? 0) + (self1.user + self1.system) / 1e6;
  const firstAt = firstCommitAt ?? doneAt;
  const sustainedSeconds = (doneAt - firstAt) / 1000;
  const countedSeconds = ((countedAt ?? doneAt) - started) / 1000;
  const figures = {
    wallSeconds,
    countedSeconds,
    countedPerSec: total / countedSeconds,
    firstCommitSeconds: (firstAt - started) / 1000,
    overallPerSec: total / wallSeconds,
    sustainedPerSec: sustainedSeconds > 0 ? (total - consumedAtFirst) / sustainedSeconds : total / wallSeconds,
  };
  progress.finish(
    `${total.toLocaleString('en-US')} messages counted in ${countedSeconds.toFixed(1)} s (${Math.round(figures.countedPerSec).toLocaleString('en-US')}/s), rolled up in ${wallSeconds.toFixed(1)} s — ${Math.round(figures.sustainedPerSec).toLocaleString('en-US')} events/s sustained, first commit after ${figures.firstCommitSeconds.toFixed(1)} s`,
  );

  // Graceful stop (SIGTERM): also what writes the CPU profile when --profile is on.
  const stopStarted = performance.now();
  await Promise.all(workers.map((w) => w.stop('SIGTERM')));
  const shutdownSeconds = (performance.now() - stopStarted) / 1000;

  const verification = await verify(run.db, run.dataset);
  step(
    `${run.label}: ${verification.ok ? 'verified' : 'VERIFICATION FAILED'} — processed_event ${verification.processedEvents.toLocaleString('en-US')}, ` +
      `sum(orders) ${verification.ordersAllCategories.toLocaleString('en-US')} (expected ${run.dataset.unique.toLocaleString('en-US')}), ` +
      `revenue ${verification.revenueAllCategories === run.dataset.revenueCents ? 'matches' : 'DIFFERS'}, dead letters ${verification.deadLetters}; ` +
      `workers took ${shutdownSeconds.toFixed(1)} s to stop`,
  );

  const knownPeaks = peaks.filter((p): p is number => p !== null);
  const peak = knownPeaks.length > 0 ? Math.max(...knownPeaks) : peakRss || null;
  if (peak !== null && peak > RSS_CAP_BYTES) {
    step(
      `✖ ${run.label}: a worker's peak RSS ${(peak / 1048576).toFixed(0)} MiB is above the ${RSS_CAP_BYTES / 1048576} MiB cap`,
    );
  }
  return {
    label: run.label,
    workers: run.workers,
    messages: total,
    ...figures,
    peakRssBytes: peak,
    rssWithinCap: peak === null || peak <= RSS_CAP_BYTES,
    workerCpuSeconds: workerCpu,
    postgresCpuSeconds: activityReport.backendCpuSeconds,
    brokerCpuSeconds,
    machineBusy: busyShare(machine0, machine1),
    otherLoadCores: machineBusySeconds === null ? null : Math.max(0, machineBusySeconds - ours) / wallSeconds,
    shutdownSeconds,
    activity: activityReport,
    verification,
    profileDir: run.profileDir,
  };
}
