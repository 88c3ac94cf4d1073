// Record batches the Kafka client cannot decode. kafkajs is patched (patches/kafkajs+2.2.4.patch)
// so that such a batch — CRC mismatch, unknown compression codec, corrupt compressed data,
// records that do not parse — no longer fails the whole fetch (every partition, for good:
// the same bytes come back on each fetch) but arrives as one marker message in its partition:
// offset = the batch's last offset, value = its raw bytes, headers = why and which offsets.
import type { Batch, KafkaMessage } from 'kafkajs';

const REASON = 'x-kafkajs-undecodable';
const FIRST_OFFSET = 'x-kafkajs-undecodable-first-offset';
const LAST_OFFSET = 'x-kafkajs-undecodable-last-offset';

export interface UndecodableBatch {
  /** Offsets the batch spans, as its header states them (a corrupt header may misstate them). */
  firstOffset: bigint;
  lastOffset: bigint;
  reason: string;
  /** The record batch as the broker served it. */
  bytes: Buffer;
}

/** The batch a marker message stands for, or null for an ordinary message. */
export function undecodableBatch(message: KafkaMessage): UndecodableBatch | null {
  const reason = message.headers?.[REASON];
  if (reason === undefined) return null;
  const header = (name: string) => String(message.headers?.[name] ?? '');
  return {
    firstOffset: BigInt(header(FIRST_OFFSET) || message.offset),
    lastOffset: BigInt(header(LAST_OFFSET) || message.offset),
    reason: String(reason),
    bytes: message.value ?? Buffer.alloc(0),
  };
}

/** Position of the first marker among `messages`, or -1. */
export function firstUndecodable(messages: KafkaMessage[]): number {
  return messages.findIndex((m) => m.headers?.[REASON] !== undefined);
}

/**
 * The undecodable batch a fetch starts with, or null. Its marker sits at the batch's last
 * offset, so the fetch really starts at the batch's first offset.
 */
export function leadingUndecodable(batch: Batch): UndecodableBatch | null {
  const head = batch.messages[0];
  return head && head.offset === batch.firstOffset() ? undecodableBatch(head) : null;
}
