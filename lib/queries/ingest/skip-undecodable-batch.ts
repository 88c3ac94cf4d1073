import type { PrismaClient } from '@prisma/client';
import { LIVE_SCHEMA, type Queryable, qualified } from '@/lib/queries/replay/replay-sql';
import { lockNextOffset } from './apply-sales-batch';

export interface SkipRequest {
  clusterId: string;
  topic: string;
  partition: number;
  /** Where the partition must stand now: the first offset skipped. */
  from: bigint;
  /** First offset counted again (exclusive end of the skip). */
  to: bigint;
  detail: string;
  /** The undecodable batch's raw bytes, kept in the dead letter. */
  payload: Buffer;
}

/**
 * Move a blocked partition from `from` to `to` in one transaction with its dead letter
 * (reason undecodable_batch, `skipped_to` = `to`): nothing is skipped without a record, and a
 * replay skips exactly the same offsets. Refuses if the partition no longer stands at `from`.
 *
 * A replay (`replay: true`) repeats a recorded skip in its own schema: there the position may
 * still be below `from` (offsets of transaction markers carry no message to apply), and a skip
 * already applied is left alone.
 */
export async function skipUndecodableBatch(
  prisma: PrismaClient,
  skip: SkipRequest,
  { replay = false }: { replay?: boolean } = {},
): Promise<void> {
  const { topic, partition } = skip;
  await prisma.$transaction(async (tx) => {
    // The worker's own row lock: a batch applied meanwhile waits, or has moved the partition.
    const now = await lockNextOffset(tx, skip);
    if (replay && now > skip.from) return;
    if (!replay && now !== skip.from) {
      throw new Error(`partition ${partition} stands at offset ${now} now, not ${skip.from}: nothing skipped`);
    }
    await tx.$executeRaw`
      INSERT INTO dead_letter (topic, partition, "offset", reason, detail, key, payload, skipped_to)
      VALUES (${topic}, ${partition}, ${skip.from}, 'undecodable_batch', ${skip.detail}, NULL, ${Uint8Array.from(skip.payload)},
        ${skip.to})`;
    await tx.$executeRaw`
      UPDATE consumer_offset SET next_offset = ${skip.to}, updated_at = now()
      WHERE topic = ${topic} AND partition = ${partition}`;
    if (!replay)
      await tx.$executeRaw`DELETE FROM blocked_partition WHERE topic = ${topic} AND partition = ${partition}`;
  });
}

export interface RecordedSkip {
  /** First offset counted again. */
  to: bigint;
  detail: string;
  payload: Buffer;
}

/**
 * The operator's skip recorded at `offset` of a partition (its undecodable_batch dead letter in
 * the live schema), if any.
 */
export async function getRecordedSkip(
  q: Queryable,
  topic: string,
  partition: number,
  offset: bigint,
): Promise<RecordedSkip | null> {
  const { rows } = await q.query<{ skipped_to: string; detail: string; payload: Buffer }>(
    `SELECT skipped_to::text, detail, payload FROM ${qualified(LIVE_SCHEMA, 'dead_letter')}
     WHERE topic = $1 AND partition = $2 AND "offset" = $3 AND reason = 'undecodable_batch' AND skipped_to IS NOT NULL`,
    [topic, partition, offset.toString()],
  );
  const row = rows[0];
  return row ? { to: BigInt(row.skipped_to), detail: row.detail, payload: row.payload } : null;
}
