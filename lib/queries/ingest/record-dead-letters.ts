// Dead letters as rows of dead_letter (the ops page's list), written in the batch transaction
// that moves the partition's offset past them: the sales workers' and the inventory worker's.
import type { Prisma } from '@prisma/client';
import type { KafkaMessage } from 'kafkajs';
import type { RejectReason } from '@/lib/domain/sales-event';

type Tx = Prisma.TransactionClient;

export interface RejectedMessage {
  offset: bigint;
  reason: RejectReason;
  detail: string;
  key: string | null;
  value: Buffer;
  /** `x-redrive-of` of a re-driven copy: the dead letter it came from. */
  redriveOf?: string | null;
  /** An operator's skip of an undecodable batch (replayed): the offset the partition went on from. */
  skippedTo?: bigint | null;
}

/** The dead-letter row of a message the decoder rejected. */
export function rejectionOf(message: KafkaMessage, reason: RejectReason, detail: string): RejectedMessage {
  return {
    offset: BigInt(message.offset),
    reason,
    detail,
    key: message.key?.toString('utf8') ?? null,
    value: message.value ?? Buffer.alloc(0),
    // Set by the ops page's re-drive: a copy rejected again points at the dead letter it came from.
    redriveOf: message.headers?.['x-redrive-of']?.toString().slice(0, 512) ?? null,
  };
}

// A key or a parser message (which quotes the input) may contain U+0000, which PostgreSQL text
// rejects — failing the whole batch on every retry. The raw bytes stay intact in `payload`.
const storableText = (value: string | null) => value?.replaceAll('\u0000', '\uFFFD') ?? null;

export async function recordDeadLetters(tx: Tx, topic: string, partition: number, rejected: RejectedMessage[]) {
  if (rejected.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO dead_letter (topic, partition, "offset", reason, detail, key, payload, redrive_of, skipped_to)
    SELECT ${topic}, ${partition}, o, r, d, k, decode(p, 'base64'), f, s
    FROM unnest(${rejected.map((m) => m.offset.toString())}::bigint[], ${rejected.map((m) => m.reason)}::text[],
      ${rejected.map((m) => storableText(m.detail))}::text[], ${rejected.map((m) => storableText(m.key))}::text[],
      ${rejected.map((m) => m.value.toString('base64'))}::text[],
      ${rejected.map((m) => m.redriveOf ?? null)}::text[],
      ${rejected.map((m) => m.skippedTo?.toString() ?? null)}::bigint[]) AS x(o, r, d, k, p, f, s)
    ON CONFLICT (topic, partition, "offset") DO NOTHING`;
}
