// npm run replay -- --what actions: rebuild alert_episode (the alert and suggestion episodes,
// with their acknowledgements, snoozes and decisions) from the actions topic while the actions
// worker and the web processes keep running, swap it in atomically, check it against the table
// it replaced. Same chase, fence, swap and check as the sales replay (run-replay.ts, whose
// header explains them); what differs:
// - the writers are no consumer: the evaluator and the users' actions write episodes and their
//   actions to the outbox in one transaction, and the publisher moves the outbox to the topic.
//   The chase follows the topic's end; the fence (lib/queries/actions/episode-writers.ts) stops
//   every writer and the publisher, then takes the topic's end once more;
// - at the fence the topic holds every published action, and the outbox the rest: the replay
//   applies the unpublished rows after the topic, dropping an action_id it has seen (a publisher
//   that crashed after the broker took a batch left it unpublished, and sends it again);
// - one episode's actions are on one partition in the order they happened (key episode:<id>),
//   so each episode folds in order (lib/domain/action-history.ts); across partitions, one
//   condition's next episode may be applied before its last one cleared, so the unique index
//   "one open episode per condition" is built at the fence, where it holds as it does live;
// - the episode ids are the recorded ones, so the id sequence passes to the new table at the
//   swap (swapReplayTables), and the foreign key to the rules, which the fresh table lacks,
//   is added at the fence (episodes of rules deleted since lose their rule, as the live ones did).
// The outbox, the webhook deliveries and their log are history, not state: they stay as they are.
import type { KafkaMessage } from 'kafkajs';
import { type ActionMessage, ALERTS_UPDATED_CHANNEL } from '@/lib/contract/actions';
import type { createPrismaInSchema } from '@/lib/db';
import { decodeActionMessage, foldActions } from '@/lib/domain/action-history';
import { fenceEpisodeWriters } from '@/lib/queries/actions/episode-writers';
import {
  applyEpisodePatches,
  createSeenActions,
  deferEpisodeConstraints,
  finishEpisodeBuild,
  getUnpublishedActions,
  rememberActions,
} from '@/lib/queries/actions/rebuild-episodes';
import type { ReplayTableSet } from '@/lib/queries/replay/create-replay-schema';
import { planReadStarts, type ReplayOptions } from './options';
import {
  chaseWorkers,
  checkedTopicFacts,
  createBuild,
  describeRetention,
  fenceAndSwap,
  finishReplay,
  type Held,
  type Io,
  openRun,
  ReplayRefused,
  type ReplayReport,
  type ReplayStats,
  type Run,
  releaseAll,
  startReading,
  takeReplayLock,
  type Writers,
} from './run-replay';

/** Messages not Pulse's named one by one, at most. */
const SKIPS_SHOWN = 20;

const ACTIONS_REPLAY_TABLES: ReplayTableSet = { rebuild: ['alert_episode'], scratch: [], keptIds: ['alert_episode'] };

/** The topic's end on every partition: how far the publisher has got. */
async function topicEnd({ admin }: Held, topic: string): Promise<Map<number, bigint>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
}

/** The episode writers, as the chase and the fence see them (see the header). */
function episodeWriters(topic: string): Writers {
  return {
    store: null,
    positions: (held) => topicEnd(held, topic),
    fence: async (session, held) => {
      const fence = await fenceEpisodeWriters(session);
      try {
        return { offsets: new Map([[topic, await topicEnd(held, topic)]]), release: fence.release };
      } catch (err) {
        await fence.release();
        throw err;
      }
    },
  };
}

export async function runActionsReplay(options: ReplayOptions, io: Io): Promise<ReplayReport> {
  const started = Date.now();
  const topic = io.config.ACTIONS_TOPIC;
  const run = await openRun(options, io, {
    tables: ACTIONS_REPLAY_TABLES,
    writers: episodeWriters(topic),
    // The Alerts panels re-read their episodes on any notice.
    notice: { channel: ALERTS_UPDATED_CHANNEL, payload: '0' },
  });
  try {
    await takeReplayLock(run);
    const starts = await planActionsReplay(run, topic);
    const prisma = await createBuild(run);
    const { control } = run.held;
    const deferred = await deferEpisodeConstraints(control, run.schema);
    await createSeenActions(control, run.schema);
    const stats: ReplayStats = { messages: 0, counted: 0, duplicates: 0, rejected: 0, kept: 0, late: 0 };
    const apply = episodeApplier(prisma, stats, io);
    const chase = await startReading(run, [
      {
        topic,
        label: '',
        starts,
        applier: { applyChunk: (partition, messages) => apply(messages, `${topic} partition ${partition}`) },
        chunkSize: 5000,
      },
    ]);
    await chaseWorkers(run, chase, async () => {});
    const swap = await fenceAndSwap(run, chase, async () => {
      const unpublished = await getUnpublishedActions(run.held.live);
      await apply(
        unpublished.map((row) => ({ value: Buffer.from(row.payload), offset: row.actionId })),
        'the outbox',
      );
      const { rulesGone } = await finishEpisodeBuild(control, run.schema, deferred);
      io.print(
        `applied ${unpublished.length} unpublished outbox action(s) at the fence` +
          (rulesGone > 0 ? `; ${rulesGone} episode(s) of rules deleted since lost their rule` : ''),
      );
    });
    return await finishReplay(run, chase, swap, {
      started,
      prisma,
      stats,
      cutoff: null,
      copiedRows: 0,
      // When a row was last written is no figure: the application stamps its own clock reading.
      compare: { tables: run.rebuild, ignore: { alert_episode: ['updated_at'] } },
    });
  } finally {
    await releaseAll(run);
  }
}

/** The whole topic from offset 0; refused if it does not exist or retention has deleted any message. */
async function planActionsReplay(run: Run, topic: string): Promise<Map<number, bigint>> {
  const { held, io } = run;
  await held.admin.connect();
  if (!(await held.admin.listTopics()).includes(topic)) {
    throw new ReplayRefused(
      `topic ${topic} does not exist: no action was ever published (is the actions worker running?)`,
    );
  }
  const facts = await checkedTopicFacts(run, topic);
  const plan = planReadStarts({ kind: 'earliest' }, facts.bounds);
  if (plan.problems.length > 0) {
    throw new ReplayRefused(
      [
        `${topic} (${describeRetention(facts.retentionMs)}) no longer holds every action the episodes were built from:`,
        ...plan.problems.map((p) => `  ${p}`),
        'Keep the topic longer (ACTIONS_RETENTION_DAYS, for a topic Pulse creates).',
      ].join('\n'),
    );
  }
  io.print(`replaying ${topic} (${facts.bounds.length} partitions) and the unpublished outbox into alert_episode`);
  return plan.starts;
}

/** Decode, drop what was applied before, fold, write: one transaction's worth of messages at a time. */
function episodeApplier(prisma: ReturnType<typeof createPrismaInSchema>, stats: ReplayStats, io: Io) {
  return async (messages: Pick<KafkaMessage, 'value' | 'offset'>[], where: string): Promise<void> => {
    const fresh = new Map<string, ActionMessage>();
    for (const m of messages) {
      const decoded = decodeActionMessage(m.value);
      if (!decoded.ok) {
        // Not Pulse's: the topic is the outbox's alone. Said, counted, and the check will show what it changed.
        stats.rejected += 1;
        if (stats.rejected <= SKIPS_SHOWN) io.print(`skipped ${where} offset ${m.offset}: ${decoded.reason}`);
        if (stats.rejected === SKIPS_SHOWN) io.print('(further skipped messages are only counted)');
        continue;
      }
      if (fresh.has(decoded.message.action_id)) stats.duplicates += 1;
      else fresh.set(decoded.message.action_id, decoded.message);
    }
    const applied = await prisma.$transaction(async (tx) => {
      const unseen = await rememberActions(tx, [...fresh.keys()]);
      const apply = [...fresh.values()].filter((m) => unseen.has(m.action_id));
      await applyEpisodePatches(tx, foldActions(apply));
      return apply.length;
    });
    stats.duplicates += fresh.size - applied;
    stats.messages += messages.length;
    stats.counted += applied;
  };
}
