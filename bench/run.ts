// The bench run, phase by phase. Everything it creates (broker, databases, topics, worker
// processes) is registered with one Cleanup, which also runs on Ctrl-C and on failure.
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { createPrisma } from '@/lib/db';
import { createKafka } from '@/lib/ingest/kafka';
import { type Managed, root } from '@/scripts/lib/processes';
import { buildDataset, SPAN_MS } from './dataset';
import {
  createSalesTopic,
  deleteTopics,
  type IngestFigures,
  measureIngest,
  type ProduceFigures,
  produceAll,
} from './ingest';
import { buildInventoryDataset, type InventoryFigures, measureInventory } from './inventory';
import { type LiveFigures, measureLive } from './live';
import { runMicro } from './micro';
import { type BenchOptions, runNames } from './options';
import { backgroundLoad, cores } from './proc-stats';
import { type ProfileSummary, summarizeProfile } from './profile';
import { fmtRate, step } from './progress';
import { measureQueries, type QueryFigures } from './queries';
import { measureReplay, type ReplayFigures } from './replay';
import { type BenchReport, formatReport, writeReport } from './report';
import { type BenchDatabase, Cleanup, createBenchDatabase, provideBroker, runGuarded } from './services';

export async function runBench(o: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const t0 = performance.now();
  const cleanup = new Cleanup();
  const workers: Managed[] = [];
  const track = (w: Managed) => workers.push(w);

  return runGuarded(cleanup, 'stopping workers, dropping databases, stopping the broker', async () => {
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
    step(`decode + facts micro-benchmark over ${o.microEvents.toLocaleString('en-US')} events`);
    const micro = runMicro(o.microEvents);
    step(
      `decode + facts: ${fmtRate(micro.decodeAndFactsPerSec)} events/s (decode ${fmtRate(micro.decodePerSec)}/s, facts ${fmtRate(micro.factsPerSec)}/s)`,
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
    const inv = runNames(o.runId, 'inv');
    const inventoryTopic = `bench.inventory.${o.runId}`;
    if (broker.external) {
      cleanup.add('delete bench topics', () =>
        deleteTopics(kafka, [
          ...[w1, w2, live, inv].flatMap((r) => [r.topic, r.dlqTopic]),
          inventoryTopic,
          `${inventoryTopic}.dlq`,
        ]).then(() => step('bench topics deleted')),
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

    // The same sales with the inventory worker beside the sales worker (issue 13).
    step('inventory dataset: a count of every store×SKU, deliveries and shrinkage in step with the sales');
    const inventoryData = buildInventoryDataset(dataset);
    await createSalesTopic(kafka, inv.topic, inv.dlqTopic);
    await produceAll(kafka, inv.topic, dataset.messages);
    step(`ingest beside the inventory worker: fresh database ${inv.database}`);
    const invDb = await createBenchDatabase(inv.database, cleanup, false);
    const inventory: InventoryFigures = await measureInventory(
      {
        label: `${o.runId}-inv`,
        kafka,
        brokers: broker.brokers,
        brokerPid: broker.pid,
        db: invDb,
        topic: inv.topic,
        dlqTopic: inv.dlqTopic,
        groupId: inv.groupId,
        dataset,
        inventory: inventoryData,
        inventoryTopic,
        inventoryGroupId: `${inv.groupId}-inventory`,
        alone: ingest[0],
      },
      track,
    );
    await cleanup.runNow(`drop ${invDb.name}`);
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

    // Before the live probes: those write to the same database under a topic of their own.
    const replay: ReplayFigures = await measureReplay(
      {
        db: db1,
        brokers: broker.brokers,
        topic: w1.topic,
        dlqTopic: w1.dlqTopic,
        groupId: w1.groupId,
        messages: dataset.messages.length,
        label: `${o.runId}-replay`,
      },
      track,
    );

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
      replay,
      inventory,
      live: liveFigures,
      profile,
      ok:
        ingest.every((g) => g.verification.ok && g.rssWithinCap) &&
        replay.exitCode === 0 &&
        inventory.stockExact &&
        inventory.sales.verification.ok,
    };

    step('cleaning up');
    await cleanup.run();
    report.machine.backgroundBusyAfter = await backgroundLoad();
    report.totalSeconds = (performance.now() - t0) / 1000;
    const file = await writeReport(report);
    console.log(formatReport(report));
    console.log(`\nJSON: ${path.relative(root, file)}`);
    return report.ok ? 0 : 1;
  });
}
