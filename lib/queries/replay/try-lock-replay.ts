import type { Session } from './replay-sql';

/**
 * Only one replay at a time per database: an advisory lock held by `session` until it
 * disconnects (so a crashed replay releases it). Returns false if another replay holds it.
 */
export async function tryLockReplay(session: Session): Promise<boolean> {
  const { rows } = await session.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('pulse_replay')) AS ok`);
  return rows[0]?.ok === true;
}
