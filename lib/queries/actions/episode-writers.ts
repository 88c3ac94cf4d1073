// The fence of everything that changes alert_episode, for the replay of the actions
// (npm run replay -- --what actions, workers/replay/actions-replay.ts). Every transaction that
// changes an episode (the evaluator's pass, a user's action, deleting a rule, whose foreign key
// nulls rule_id) joins the writers FIRST, before it reads or writes any episode; the replay
// fences them by taking the outbox in a mode that conflicts with theirs. One that is past its
// first statement is waited for, new ones wait at it, and none holds an episode row meanwhile,
// so the swap of alert_episode never deadlocks with a writer. Readers are not blocked. The
// publisher is stopped too (its FOR UPDATE on outbox rows conflicts), so while the fence stands
// the actions topic holds exactly the published outbox rows (and, after a publisher crash, some
// unpublished ones: the replay drops an action_id it has seen).
import type { Prisma } from '@prisma/client';
import { LIVE_SCHEMA, qualified, type Session } from '@/lib/queries/replay/replay-sql';

type Tx = Prisma.TransactionClient;

/** Joins the episode writers: the first statement of every transaction that changes alert_episode. */
export async function joinEpisodeWriters(tx: Tx): Promise<void> {
  await tx.$executeRaw`LOCK TABLE action_outbox IN ROW EXCLUSIVE MODE`;
}

export interface EpisodeWritersFence {
  /** Ends the fence's transaction: the writers carry on. */
  release(): Promise<void>;
}

/** Stops every episode writer and the outbox publisher until released (`session` holds the lock). */
export async function fenceEpisodeWriters(session: Session, lockTimeoutMs = 10_000): Promise<EpisodeWritersFence> {
  await session.query('BEGIN');
  try {
    await session.query(`SET LOCAL lock_timeout = ${Math.round(lockTimeoutMs)}`);
    await session.query(`LOCK TABLE ${qualified(LIVE_SCHEMA, 'action_outbox')} IN EXCLUSIVE MODE`);
    return { release: async () => void (await session.query('ROLLBACK')) };
  } catch (err) {
    await session.query('ROLLBACK');
    throw err;
  }
}
