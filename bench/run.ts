// The bench run, phase by phase. Everything it creates (broker, databases, topics, worker
// processes) is registered with one Cleanup, which also runs on Ctrl-C and on failure.
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { createPrisma } from '../lib/db';
import { createKafka } from '../lib/kafka';
import { type Managed, root } from '../scripts/lib/processes';
import { buildDataset, SPAN_MS } from './dataset';
import {
  createSalesTopic,
  deleteTopics,
  type IngestFigures,
  measureIngest,
  type ProduceFigures,
  produceAll,
} from './ingest';
import { type LiveFigures, measureLive } from './live';
import { runMicro } from './micro';
import { type BenchOptions, runNames } from './options';
import { backgroundLoad, cores } from './proc-stats';
import { type ProfileSummary, summarizeProfile } from './profile';
import { fmtRate, step } from './progress';
import { measureQueries, type QueryFigures } from './queries';
import { type BenchReport, formatReport, writeReport } from './report';
import { type BenchDatabase, Cleanup, createBenchDatabase, provideBroker } from './services';

export async function runBench(o: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const t0 = performance.now();
  const cleanup = new Cleanup();
  const workers: Managed[] = [];
  const track = (w: Managed) => workers.push(w);

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    step(`${signal}: stopping workers, dropping databases, stopping the broker…`);
    void cleanup.run().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    step(
      `Pulse bench: ${o.events.toLocaleString('en-US')} events per ingest run${o.quick ? ' (--quick)' : ''}, run id ${o.runId}`,
    );
    const backgroundBusy = await backgroundLoad();
    if ((backgroundBusy ?? 0) > 0.15) {
      step(
        `⚠ the machine is already ${(100 * (backgroundBusy ?? 0)).toFixed(0)}% busy (other processes): expect lower figures`,
      );
    }

    // Before the broker starts: the JVM would compete for the CPU being measured.
    step(`decode + rollup micro-benchmark over ${o.microEvents.toLocaleString('en-US')} events`);
    const micro = runMicro(o.microEvents);
    step(
      `decode + rollup: ${fmtRate(micro.decodeAndRollupPerSec)} events/s (decode ${fmtRate(micro.decodePerSec)}/s, rollup ${fmtRate(micro.rollupPerSec)}/s)`,
    );

    step(`generating ${o.events.toLocaleString('en-US')} sales over the last 7 days`);
    const dataset = buildDataset(o.events);
    step(
      `dataset: ${dataset.messages.length.toLocaleString('en-US')} messages (${dataset.duplicates} duplicates), ${(dataset.bytes / 1024 / 1024).toFixed(0)} MiB`,
    );

    const broker = await provideBroker(cleanup);
    const kafka = createKafka('pulse-bench', broker.brokers);
    const w1 = runNames(o.runId, 'w1');
    const w2 = runNames(o.runId, 'w2');
    const live = runNames(o.runId, 'live');
    if (broker.external) {
      cleanup.add('delete bench topics', () =>
        deleteTopics(
          kafka,
          [w1, w2, live].flatMap((r) => [r.topic, r.dlqTopic]),
        ).then(() => step('bench topics deleted')),
      );
    }
    // Phase 0: worker processes stop before the databases they write to are dropped.
    cleanup.add('stop workers', () => Promise.all(workers.map((w) => w.stop('SIGTERM'))), 0);

    const runs = [
      { names: w1, workers: 1, keep: o.keepDb },
      ...(o.singleWorkerOnly ? [] : [{ names: w2, workers: 2, keep: false }]),
    ];
    const produce: ProduceFigures[] = [];
    for (const run of runs) {
      await createSalesTopic(kafka, run.names.topic, run.names.dlqTopic);
      produce.push(await produceAll(kafka, run.names.topic, dataset.messages));
    }

    const ingest: IngestFigures[] = [];
    const profileDir = o.profile ? path.join(root, '.pulse', 'bench', 'profiles', o.runId) : undefined;
    let db1: BenchDatabase | null = null;
    for (const run of runs) {
      // Created (and migrated) right before its run: the schema is then the one the worker
      // code of this very moment expects, even while migrations are being added.
      step(`ingest with ${run.workers} worker process(es): fresh database ${run.names.database}`);
      const db = await createBenchDatabase(run.names.database, cleanup, run.keep);
      ingest.push(
        await measureIngest(
          {
            label: `${o.runId}-${run.workers}w`,
            workers: run.workers,
            kafka,
            brokers: broker.brokers,
            brokerPid: broker.pid,
            db,
            topic: run.names.topic,
            dlqTopic: run.names.dlqTopic,
            groupId: run.names.groupId,
            dataset,
            profileDir: run.workers === 1 ? profileDir : undefined,
          },
          track,
        ),
      );
      if (run.workers === 1) db1 = db;
      else await cleanup.runNow(`drop ${db.name}`);
    }
    if (!db1) throw new Error('the 1-worker run did not happen');
    const profile: ProfileSummary | null = profileDir ? await summarizeProfile(profileDir) : null;

    step(`query latency: getOverview × ${o.queryRuns} per view on the 1-worker database`);
    const prisma: PrismaClient = createPrisma(db1.url, 10);
    cleanup.add('disconnect Prisma', () => prisma.$disconnect());
    const queries: QueryFigures = await measureQueries(prisma, db1, {
      endMs: dataset.endMs,
      category: dataset.topCategory,
      secondCategory: dataset.secondCategory,
      store: dataset.topStore,
      runs: o.queryRuns,
    });

    step(`live push latency (${o.liveProbes} probes)`);
    const liveFigures: LiveFigures = await measureLive({
      kafka,
      brokers: broker.brokers,
      db: db1,
      topic: live.topic,
      dlqTopic: live.dlqTopic,
      groupId: live.groupId,
      probes: o.liveProbes,
      label: `${o.runId}-live`,
      track,
    });

    const versions = await db1.query<{ server_version: string }>('SHOW server_version');
    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      totalSeconds: 0,
      options: { events: o.events, quick: o.quick },
      machine: {
        cores: cores(),
        node: process.versions.node,
        postgres: `PostgreSQL ${versions[0]?.server_version ?? '?'}`,
        kafka: broker.external ? `external ${broker.brokers.join(',')}` : 'own single-node broker',
        backgroundBusy,
        backgroundBusyAfter: null,
      },
      dataset: {
        unique: dataset.unique,
        duplicates: dataset.duplicates,
        avgMessageBytes: Math.round(dataset.bytes / dataset.unique),
        spanDays: SPAN_MS / 86_400_000,
      },
      micro,
      produce,
      ingest,
      queries,
      live: liveFigures,
      profile,
      ok: ingest.every((g) => g.verification.ok),
    };

    step('cleaning up');
    await cleanup.run();
    report.machine.backgroundBusyAfter = await backgroundLoad();
    report.totalSeconds = (performance.now() - t0) / 1000;
    const file = await writeReport(report);
    console.log(formatReport(report));
    console.log(`\nJSON: ${path.relative(root, file)}`);
    return report.ok ? 0 : 1;
  } catch (error) {
    if (interrupted) {
      // The signal handler's cleanup is under way (and this failure is probably its doing).
      await cleanup.run();
      return 130;
    }
    console.error(`\n✖ bench failed: ${(error as Error).stack ?? String(error)}`);
    await cleanup.run();
    return 1;
  }
}
