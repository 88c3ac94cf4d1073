// Shape of GET /api/v1/dead-letters and POST /api/v1/dead-letters/redrive, shared by the API
// and the ops page (components import only these types).
import type { PayloadPreview } from '../payload-preview';

export type { PayloadPreview };

export const DEAD_LETTER_PAGE_SIZE = 50;
export const MAX_DEAD_LETTER_PAGE_SIZE = 200;
/** Ids per re-drive request: bounds the time a request holds the producer and its size. */
export const MAX_REDRIVE_IDS = 100;

/** A message's place in Kafka. */
export interface KafkaPosition {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * What became of the last re-driven copy: the workers have not reached it yet, read it
 * without rejecting it (counted, or dropped as a duplicate of an event already counted),
 * or rejected it again (a new dead letter).
 */
export type RedriveOutcome = 'pending' | 'accepted' | 'dead_lettered';

export interface DeadLetterRedrive {
  /** Re-drives acknowledged by Kafka. */
  count: number;
  last_at: string;
  /** Where the last copy was written. */
  to: KafkaPosition;
  outcome: RedriveOutcome;
  /** With outcome `dead_lettered`: the new dead letter and its reason. */
  dead_letter: { id: number; reason: string } | null;
}

export interface DeadLetter {
  id: number;
  /** When the worker rejected it. */
  received_at: string;
  reason: string;
  detail: string;
  /** Where the rejected message was read. */
  source: KafkaPosition;
  key: string | null;
  /** Payload size in bytes. */
  size: number;
  preview: PayloadPreview;
  redrive: DeadLetterRedrive | null;
  /** A re-driven copy rejected again: the dead letter it was re-driven from (`id` null if no longer kept). */
  redrive_of: (KafkaPosition & { id: number | null }) | null;
}

export interface ReasonCount {
  reason: string;
  count: number;
}

export interface DeadLetterList {
  /** Newest first. */
  dead_letters: DeadLetter[];
  /** Cursor for the next (older) page; null on the last page. */
  next_before: number | null;
  /** Dead letters per reason, whatever the filter: for filter chips. */
  reasons: ReasonCount[];
  total: number;
}

export type RedriveStatus = 'redriven' | 'not_found' | 'failed' | 'pending';

export interface RedriveResult {
  id: number;
  /**
   * `redriven`: Kafka acknowledged the copy and it is recorded; `pending`: not acknowledged
   * before the request's deadline (it is recorded if it is acknowledged later, and re-driving
   * again is safe); `failed`: Kafka refused it.
   */
  status: RedriveStatus;
  to?: KafkaPosition;
  error?: string;
}

export interface RedriveResponse {
  topic: string;
  results: RedriveResult[];
}
