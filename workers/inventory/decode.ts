// What the inventory worker makes of a chunk of messages from either of its topics — shared by
// the worker (workers/inventory/consumer.ts) and the inventory replay (workers/replay/inventory-replay.ts),
// so that both decide exactly alike. Pure: no I/O.
import type { KafkaMessage } from 'kafkajs';
import { decodeInventoryEvent, movementOfInventory, movementsOfSale } from '@/lib/domain/inventory-event';
import { decodeSaleEvent, type RejectReason } from '@/lib/domain/sales-event';
import { type RejectedMessage, rejectionOf } from '@/lib/queries/ingest/record-dead-letters';
import type { InventoryAccepted, InventoryStream } from '@/lib/queries/inventory/apply-inventory-batch';

export interface InventoryDecodeOptions {
  /** REPORTING_CURRENCY: the sales decoder's currency check (a sale the sales workers reject is skipped). */
  reportingCurrency: string;
  /** The clock of the future-event check (the worker's own; a replay passes +Infinity and `future`). */
  nowMs?: number;
  /**
   * Offsets already judged future events, with the detail given then. That rejection depends on the
   * clock when a worker read the message, so a replay takes it from the record instead of deciding again.
   */
  future?: ReadonlyMap<bigint, string>;
}

export interface DecodedInventoryChunk {
  accepted: InventoryAccepted[];
  /** Offsets of messages not applied (invalid): they count for the position only. */
  skipped: bigint[];
  /** The invalid inventory events among them (dead letters), each with the message it came from. */
  rejected: { message: KafkaMessage; rejection: RejectedMessage }[];
  lastMessageAt: number;
}

type Decoded<T> = { ok: true; event: T } | { ok: false; reason: RejectReason; detail: string };

/** The recorded future-event verdict for `offset`, or the decoder's own. */
function judged<T>(offset: bigint, future: ReadonlyMap<bigint, string> | undefined, decode: () => Decoded<T>) {
  const detail = future?.get(offset);
  return detail === undefined ? decode() : ({ ok: false, reason: 'future_event', detail } as const);
}

/**
 * Inventory events become one movement each, invalid ones dead letters; sales become a movement
 * per line, invalid sales are skipped silently (the sales workers dead-letter them already).
 */
export function decodeInventoryChunk(
  stream: InventoryStream,
  messages: readonly KafkaMessage[],
  { reportingCurrency, nowMs = Date.now(), future }: InventoryDecodeOptions,
): DecodedInventoryChunk {
  const decoded: DecodedInventoryChunk = { accepted: [], skipped: [], rejected: [], lastMessageAt: 0 };
  for (const message of messages) {
    const offset = BigInt(message.offset);
    decoded.lastMessageAt = Math.max(decoded.lastMessageAt, Number(message.timestamp));
    if (stream === 'sales') {
      const result = judged(offset, future, () => decodeSaleEvent(message.value, reportingCurrency, nowMs));
      if (result.ok) {
        decoded.accepted.push({ offset, eventId: result.event.eventId, movements: movementsOfSale(result.event) });
      } else decoded.skipped.push(offset);
      continue;
    }
    const result = judged(offset, future, () => decodeInventoryEvent(message.value, nowMs));
    if (result.ok) {
      decoded.accepted.push({ offset, eventId: result.event.eventId, movements: [movementOfInventory(result.event)] });
      continue;
    }
    decoded.skipped.push(offset);
    decoded.rejected.push({
      message,
      rejection: rejectionOf(message, result.reason, result.detail),
    });
  }
  return decoded;
}
