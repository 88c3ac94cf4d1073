// `npm run bench -- --peer`: Pulse's ingest against what a user would write instead, a Kafka
// Streams aggregator (bench/peer/). For each of two datasets — "live" (sales over the last 60
// minutes) and "backfill" (over 30 days) — one 6-partition topic is filled, then read from its
// start, one after another: by a raw kafkajs consumer, by kafkajs + JSON.parse, by the Kafka
// Streams job and by the Pulse worker. Everything is checked against the produced data.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { createKafka } from '@/lib/ingest/kafka';
import { MINUTE_MS } from '@/lib/web/overview-params';
import { type Managed, root } from '@/scripts/lib/processes';
import { buildDataset } from './dataset';
import { createSalesTopic, produceAll } from './ingest';
import { type BenchOptions, runNames } from './options';
import { measureConsumer } from './peer-consumers';
import { expectedTotals } from './peer-expected';
import { buildPeerJob, type PeerJob } from './peer-job';
import { formatPeerReport, type PeerDatasetReport, type PeerReport, writePeerReport } from './peer-report';
import { measureStreams } from './peer-streams';
import { measurePulse, type PhaseContext } from './peer-systems';
import { cores } from './proc-stats';
import { step } from './progress';
import { Cleanup, createBenchDatabase, provideBroker, runGuarded } from './services';

const DATASETS = [
  { name: 'live', part: 'peer_live', spanMinutes: 60 },
  { name: 'backfill', part: 'peer_backfill', spanMinutes: 30 * 24 * 60 },
] as const;
/** One stream thread per core: what a user would configure on this machine. */
const STREAM_THREADS = cores();
const STREAMS_HEAP_MB = 1024;

const execFileAsync = promisify(execFile);

async function javaVersion(): Promise<string> {
  const { stderr } = await execFileAsync('java', ['-version']).catch(() => ({ stderr: '' }));
  return `Java ${stderr.match(/version "([^"]+)"/)?.[1] ?? '?'}`;
}

/** Topics of one dataset: the sales topic and, for an external cluster, everything the job created. */
async function deletePeerTopics(kafka: Kafka, topic: string, label: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter(
      (t) => t === topic || t.startsWith(`${topic}.`) || t.startsWith(`${label}-streams-`),
    );
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
}

export async function runPeerBench(o: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const t0 = performance.now();
  const cleanup = new Cleanup();
  const children: { stop(): Promise<unknown> }[] = [];
  return runGuarded(cleanup, 'stopping the job and workers, dropping databases, stopping the broker', async () => {
    step(
      `Pulse vs Kafka Streams: ${o.events.toLocaleString('en-US')} events per dataset${o.quick ? ' (--quick)' : ''}, run id ${o.runId}`,
    );
    const classpath = await buildPeerJob(step);
    const broker = await provideBroker(cleanup);
    const kafka = createKafka('pulse-bench', broker.brokers);
    cleanup.add('stop the Kafka Streams job and workers', () => Promise.all(children.map((c) => c.stop())), 0);
    // Not under the OS temp dir, which Kafka Streams warns may be cleared under it.
    const stateRoot = path.join(root, '.pulse', 'bench', 'streams-state', o.runId);
    cleanup.add('remove Kafka Streams state', () => rm(stateRoot, { recursive: true, force: true }));

    const reports: PeerDatasetReport[] = [];
    let postgres = 'PostgreSQL ?';
    for (const spec of DATASETS.filter((d) => o.dataset === null || d.name === o.dataset)) {
      const names = runNames(o.runId, spec.part);
      const label = `pulse-bench-${o.runId}-${spec.name}`;
      step(
        `${spec.name}: generating ${o.events.toLocaleString('en-US')} sales over the last ${spec.spanMinutes} minutes`,
      );
      const dataset = buildDataset(o.events, Date.now(), spec.spanMinutes * MINUTE_MS);
      const expected = expectedTotals(dataset);
      if (broker.external) {
        cleanup.add(`delete ${spec.name} topics`, () => deletePeerTopics(kafka, names.topic, label));
      }
      await createSalesTopic(kafka, names.topic, names.dlqTopic);
      const produce = await produceAll(kafka, names.topic, dataset.messages);

      const ctx: PhaseContext = {
        kafka,
        brokers: broker.brokers,
        brokerPid: broker.pid,
        topic: names.topic,
        dlqTopic: names.dlqTopic,
        label,
        dataset,
        expected,
      };
      step(`${spec.name} a: kafkajs consumer, no parsing`);
      const raw = await measureConsumer('raw', ctx);
      step(`${spec.name} b: kafkajs consumer + JSON.parse`);
      const json = await measureConsumer('json', ctx);
      step(`${spec.name} c: Kafka Streams job`);
      const streams = await measureStreams({
        ...ctx,
        classpath,
        stateDir: path.join(stateRoot, spec.name),
        threads: STREAM_THREADS,
        heapMb: STREAMS_HEAP_MB,
        track: (job: PeerJob) => children.push(job),
      });
      step(`${spec.name} d: Pulse worker, fresh database ${names.database}`);
      const db = await createBenchDatabase(names.database, cleanup);
      postgres = `PostgreSQL ${(await db.query<{ server_version: string }>('SHOW server_version'))[0]?.server_version}`;
      const pulse = await measurePulse({
        ...ctx,
        db,
        groupId: names.groupId,
        track: (worker: Managed) => children.push(worker),
      });
      await cleanup.runNow(`drop ${db.name}`);

      const systems = [raw, json, streams, pulse.figures];
      reports.push({
        name: spec.name,
        spanMinutes: spec.spanMinutes,
        unique: dataset.unique,
        duplicates: dataset.duplicates,
        messages: dataset.messages.length,
        avgMessageBytes: Math.round(dataset.bytes / dataset.unique),
        produce,
        systems,
        pulseOverStreams: pulse.figures.perSec / streams.perSec,
        pulseOverStreamsSustained:
          pulse.figures.sustainedPerSec !== null && streams.sustainedPerSec !== null
            ? pulse.figures.sustainedPerSec / streams.sustainedPerSec
            : null,
      });
    }

    const report: PeerReport = {
      startedAt: startedAt.toISOString(),
      totalSeconds: 0,
      options: { events: o.events, quick: o.quick, streamThreads: STREAM_THREADS, streamsHeapMb: STREAMS_HEAP_MB },
      machine: {
        cores: cores(),
        node: process.versions.node,
        java: await javaVersion(),
        postgres,
        kafka: broker.external ? `external ${broker.brokers.join(',')}` : 'own single-node broker',
      },
      datasets: reports,
      ok: reports.every((d) => d.systems.every((s) => s.ok)),
    };
    step('cleaning up');
    await cleanup.run();
    report.totalSeconds = (performance.now() - t0) / 1000;
    const file = await writePeerReport(report);
    console.log(formatPeerReport(report));
    console.log(`\nJSON: ${path.relative(root, file)}`);
    return report.ok ? 0 : 1;
  });
}
