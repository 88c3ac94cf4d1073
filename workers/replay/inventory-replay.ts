// npm run replay -- --what inventory: rebuild the inventory worker's stock tables (stock, its
// ledger, the demand hours and their duplicate filter) from the retained inventory AND sales
// topics while the worker keeps running, swap them in atomically, check them against the
// tables they replaced. Same chase, fence, swap and check as the sales replay (run-replay.ts,
// whose header explains them); what differs:
// - two topics are read, each from offset 0 on every partition, with the worker's own decoding
//   (workers/inventory/decode.ts) and apply code (applyInventoryBatch) into the replay's schema;
// - the fence is the inventory worker's: its batch transactions write inventory_offset first
//   (lockNextOffset), so locking that table stops them; inventory_offset and
//   inventory_processed_event stay as they are, as the sales workers' do in a sales replay;
// - the on-hand rule does not depend on the order events are applied in (a snapshot by event
//   time, then the movements after it), so reading the topics in another interleaving than the
//   worker did gives the same stock: exact at the fence when nothing was lost;
// - housekeeping (ledger compaction, old demand hours) depends on when it last ran, so both
//   sides are brought to the same point while the worker is fenced, as sales rollups are.
// Clock-dependent verdicts: an inventory event the worker rejected as a future event is
// rejected again from its recorded dead letter; for sales the worker records nothing, so the
// sales workers' recorded verdicts stand in for it (getFutureDeadLetters).
import { INVENTORY_UPDATED_CHANNEL, type InventoryUpdatedNotice } from '@/lib/contract/live-channel';
import { createPrismaInSchema } from '@/lib/db';
import { getFutureDeadLetters } from '@/lib/queries/dead-letters/get-future-dead-letters';
import type { OffsetStore } from '@/lib/queries/ingest/get-consumer-offsets';
import {
  applyInventoryBatch,
  INVENTORY_REPLAY_TABLES,
  type InventoryStream,
} from '@/lib/queries/inventory/apply-inventory-batch';
import { compactInventory, type InventoryKeeps, inventoryKeeps } from '@/lib/queries/inventory/prune-inventory';
import { LIVE_SCHEMA } from '@/lib/queries/replay/replay-sql';
import { decodeInventoryChunk } from '@/workers/inventory/decode';
import { planReadStarts, type ReplayOptions } from './options';
import {
  type Applier,
  chaseWorkers,
  checkedTopicFacts,
  consumerWriters,
  createBuild,
  describeRetention,
  fenceAndSwap,
  finishReplay,
  type Io,
  openRun,
  ReplayRefused,
  type ReplayReport,
  type ReplayStats,
  type Run,
  releaseAll,
  type Stream,
  startReading,
  type TopicFacts,
  takeReplayLock,
} from './run-replay';

// The listeners (web hub, actions worker) refresh everything inventory on any notice.
const NOTICE: InventoryUpdatedNotice = { stores: [], pairs: 0 };

interface Planned {
  stream: InventoryStream;
  topic: string;
  facts: TopicFacts;
  starts: Map<number, bigint>;
}

export async function runInventoryReplay(options: ReplayOptions, io: Io): Promise<ReplayReport> {
  const started = Date.now();
  const { config } = io;
  const store: OffsetStore = { table: 'inventory_offset', groupId: config.INVENTORY_GROUP_ID };
  const run = await openRun(options, io, {
    tables: INVENTORY_REPLAY_TABLES,
    writers: consumerWriters(store),
    notice: { channel: INVENTORY_UPDATED_CHANNEL, payload: JSON.stringify(NOTICE) },
  });
  try {
    await takeReplayLock(run);
    const planned = await planInventoryReplay(run);
    const prisma = await createBuild(run);
    const keeps = inventoryKeeps(config);
    const stats: ReplayStats = { messages: 0, counted: 0, duplicates: 0, rejected: 0, kept: 0, late: 0 };
    const streams: Stream[] = planned.map((p) => ({
      topic: p.topic,
      label: `${p.stream}:`,
      starts: p.starts,
      applier: inventoryApplier(run, p, prisma, keeps, stats),
      // One transaction per 5,000 messages, as the worker does.
      chunkSize: 5000,
    }));
    const chase = await startReading(run, streams);
    const compactBuild = async () => void (await compactInventory(prisma, keeps));
    await chaseWorkers(run, chase, compactBuild);
    const swap = await fenceAndSwap(run, chase, async () => {
      await compactBuild();
      await compactLive(run.url, keeps);
    });
    return await finishReplay(run, chase, swap, {
      started,
      prisma,
      stats,
      cutoff: null,
      copiedRows: 0,
      // When a row was last written is no figure (the replay wrote every row just now).
      compare: { tables: run.rebuild, ignore: { stock: ['updated_at'] } },
    });
  } finally {
    await releaseAll(run);
  }
}

/** Both topics from offset 0; refused if retention has deleted any message of either. */
async function planInventoryReplay(run: Run): Promise<Planned[]> {
  const { config, print } = run.io;
  await run.held.admin.connect();
  const planned: Planned[] = [];
  const problems: string[] = [];
  for (const [stream, topic] of [
    ['inventory', config.INVENTORY_TOPIC],
    ['sales', config.SALES_TOPIC],
  ] as const) {
    const facts = await checkedTopicFacts(run, topic);
    const plan = planReadStarts({ kind: 'earliest' }, facts.bounds);
    problems.push(...plan.problems.map((p) => `  ${topic} (${describeRetention(facts.retentionMs)}) ${p}`));
    planned.push({ stream, topic, facts, starts: plan.starts });
  }
  if (problems.length > 0) {
    throw new ReplayRefused(
      [
        'the topics no longer hold every message the stock was built from, so a replay could not equal it:',
        ...problems,
        'Keep the topics longer (SALES_RETENTION_DAYS, for topics Pulse creates).',
      ].join('\n'),
    );
  }
  print(
    `replaying ${planned.map((p) => `${p.topic} (${p.facts.bounds.length} partitions)`).join(' and ')} ` +
      `for the inventory worker (group ${config.INVENTORY_GROUP_ID}) into ${run.schema}`,
  );
  return planned;
}

/** Apply: the inventory worker's decoding and apply code, into the replay's schema. */
function inventoryApplier(
  run: Run,
  { stream, topic, facts }: Planned,
  prisma: ReturnType<typeof createPrismaInSchema>,
  keeps: InventoryKeeps,
  stats: ReplayStats,
): Applier {
  const { config } = run.io;
  return {
    applyChunk: async (partition, messages, highWatermark) => {
      const first = BigInt(messages[0]?.offset ?? '0');
      const last = BigInt(messages.at(-1)?.offset ?? '0');
      const future = await getFutureDeadLetters(run.held.live, topic, partition, first, last);
      const decoded = decodeInventoryChunk(stream, messages, {
        reportingCurrency: config.REPORTING_CURRENCY,
        nowMs: Number.POSITIVE_INFINITY,
        future,
      });
      const outcome = await applyInventoryBatch(prisma, {
        groupId: config.INVENTORY_GROUP_ID,
        clusterId: facts.clusterId,
        topic,
        stream,
        partition,
        lastOffset: last,
        lastMessageAt: new Date(decoded.lastMessageAt),
        highWatermark,
        accepted: decoded.accepted,
        skipped: decoded.skipped,
        rejected: decoded.rejected.map((r) => r.rejection),
        demandKeepMs: keeps.demandKeepMs,
      });
      stats.messages += messages.length;
      stats.counted += outcome.applied;
      stats.duplicates += outcome.duplicates;
      stats.rejected += outcome.skipped;
    },
  };
}

/** Housekeeping on the live stock tables now (the worker is fenced): see compactInventory. */
async function compactLive(url: string, keeps: InventoryKeeps): Promise<void> {
  const live = createPrismaInSchema(url, LIVE_SCHEMA, 2);
  try {
    await compactInventory(live, keeps);
  } finally {
    await live.$disconnect();
  }
}
