import type { PrismaClient } from '@prisma/client';
import type { DeadLetter, DeadLetterList, KafkaPosition, ReasonCount } from '@/lib/contract/dead-letters';
import { PREVIEW_BYTES, previewPayload } from '@/lib/contract/payload-preview';
import type { DeadLetterQuery } from '@/lib/web/dead-letters/params';

interface Row {
  id: bigint;
  topic: string;
  partition: number;
  offset: bigint;
  reason: string;
  detail: string;
  key: string | null;
  head: Uint8Array;
  size: number;
  received_at: Date;
  redrive_count: number;
  redriven_at: Date | null;
  redriven_topic: string | null;
  redriven_partition: number | null;
  redriven_offset: bigint | null;
  redrive_of: string | null;
  again_id: bigint | null;
  again_reason: string | null;
  consumed: boolean | null;
  origin_id: bigint | null;
}

// `x-redrive-of` as the re-drive endpoint writes it. The header comes from Kafka, so anything
// else (another producer's header) is shown as no relation rather than breaking the query.
const REDRIVE_OF = '^[^/]+/[0-9]{1,9}/[0-9]{1,18}$';

export function parsePosition(text: string | null): KafkaPosition | null {
  if (text === null || !new RegExp(REDRIVE_OF).test(text)) return null;
  const [topic, partition, offset] = text.split('/');
  return { topic: topic as string, partition: Number(partition), offset: Number(offset) };
}

function toDeadLetter(r: Row): DeadLetter {
  const redriveOf = parsePosition(r.redrive_of);
  const to =
    r.redriven_topic !== null && r.redriven_partition !== null && r.redriven_offset !== null
      ? { topic: r.redriven_topic, partition: r.redriven_partition, offset: Number(r.redriven_offset) }
      : null;
  return {
    id: Number(r.id),
    received_at: r.received_at.toISOString(),
    reason: r.reason,
    detail: r.detail,
    source: { topic: r.topic, partition: r.partition, offset: Number(r.offset) },
    key: r.key,
    size: r.size,
    preview: previewPayload(r.head, r.size),
    redrive:
      to && r.redriven_at
        ? {
            count: r.redrive_count,
            last_at: r.redriven_at.toISOString(),
            to,
            outcome: r.again_id !== null ? 'dead_lettered' : r.consumed ? 'accepted' : 'pending',
            dead_letter: r.again_id !== null ? { id: Number(r.again_id), reason: r.again_reason ?? '' } : null,
          }
        : null,
    redrive_of: redriveOf ? { ...redriveOf, id: r.origin_id === null ? null : Number(r.origin_id) } : null,
  };
}

/**
 * Newest dead letters first (by the time the worker rejected them, the id breaking ties so
 * pages are stable), a page at a time (cursor: the id of the last one shown), with what became
 * of their re-drives, and the count per reason over the whole table. Ids are not time order:
 * workers on several partitions allocate them in parallel transactions.
 */
export async function getDeadLetters(prisma: PrismaClient, query: DeadLetterQuery): Promise<DeadLetterList> {
  const reason = query.reason ?? null;
  const before = query.before ?? null;
  // A re-driven copy's fate: a dead letter at the position it was written to means it was
  // rejected again; a worker's stored next offset beyond it means it was read and accepted.
  // The origin of a copy rejected again is found through its x-redrive-of header; CASE keeps
  // the casts away from headers of another shape.
  const [rows, counts] = await Promise.all([
    prisma.$queryRaw<Row[]>`
      SELECT d.id, d.topic, d.partition, d."offset", d.reason, d.detail, d.key,
             substring(d.payload FROM 1 FOR ${PREVIEW_BYTES}::int) AS head, octet_length(d.payload) AS size,
             d.received_at, d.redrive_count, d.redriven_at, d.redriven_topic, d.redriven_partition, d.redriven_offset,
             d.redrive_of, again.id AS again_id, again.reason AS again_reason,
             (o.next_offset > d.redriven_offset) AS consumed, origin.id AS origin_id
      FROM dead_letter d
      LEFT JOIN dead_letter again
        ON again.topic = d.redriven_topic AND again.partition = d.redriven_partition AND again."offset" = d.redriven_offset
      LEFT JOIN consumer_offset o ON o.topic = d.redriven_topic AND o.partition = d.redriven_partition
      LEFT JOIN dead_letter origin
        ON d.redrive_of ~ ${REDRIVE_OF}
       AND origin.topic = split_part(d.redrive_of, '/', 1)
       AND origin.partition = CASE WHEN d.redrive_of ~ ${REDRIVE_OF} THEN split_part(d.redrive_of, '/', 2)::int END
       AND origin."offset" = CASE WHEN d.redrive_of ~ ${REDRIVE_OF} THEN split_part(d.redrive_of, '/', 3)::bigint END
      WHERE (${reason}::text IS NULL OR d.reason = ${reason}::text)
        AND (${before}::bigint IS NULL
             OR (d.received_at, d.id) < (SELECT c.received_at, c.id FROM dead_letter c WHERE c.id = ${before}::bigint))
      ORDER BY d.received_at DESC, d.id DESC
      LIMIT ${query.limit + 1}`,
    prisma.$queryRaw<{ reason: string; count: bigint }[]>`
      SELECT reason, count(*) AS count FROM dead_letter GROUP BY reason ORDER BY count(*) DESC, reason`,
  ]);
  const page = rows.slice(0, query.limit).map(toDeadLetter);
  const reasons: ReasonCount[] = counts.map((c) => ({ reason: c.reason, count: Number(c.count) }));
  return {
    dead_letters: page,
    next_before: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    reasons,
    total: reasons.reduce((n, c) => n + c.count, 0),
  };
}
