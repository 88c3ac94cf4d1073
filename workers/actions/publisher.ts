// Publishes the outbox (action_outbox) to the actions topic (retail.actions.v1): the oldest
// unpublished rows in seq order, key `episode:<id>` (one episode's transitions on one partition,
// in order), value the ActionMessage JSON, header `action-id`; marked published in the same
// transaction after the broker acknowledged them. A crash between the two sends them again:
// at least once, and consumers drop an action_id they have seen (README "Actions contract").
import type { PrismaClient } from '@prisma/client';
import type { Producer } from 'kafkajs';
import { claimUnpublished, markPublished, tryLockPublisher } from '@/lib/queries/actions/outbox';

export interface PublishResult {
  /** False when another publisher held the lock. */
  ran: boolean;
  published: number;
}

/** Publishes until the outbox is empty (or another publisher has it); batches of `batchSize`. */
export async function publishOutbox(
  prisma: PrismaClient,
  producer: Producer,
  topic: string,
  batchSize: number,
  shouldStop: () => boolean = () => false,
): Promise<PublishResult> {
  let published = 0;
  for (;;) {
    const batch = await prisma.$transaction(
      async (tx) => {
        if (!(await tryLockPublisher(tx))) return null;
        const rows = await claimUnpublished(tx, batchSize);
        if (rows.length === 0) return 0;
        await producer.send({
          topic,
          messages: rows.map((r) => ({ key: r.messageKey, value: r.payload, headers: { 'action-id': r.actionId } })),
        });
        await markPublished(
          tx,
          rows.map((r) => r.seq),
        );
        return rows.length;
      },
      // A send waits out a broker outage (the producer retries); the rows stay unpublished meanwhile.
      { maxWait: 10_000, timeout: 120_000 },
    );
    if (batch === null) return { ran: false, published };
    published += batch;
    if (batch < batchSize || shouldStop()) return { ran: true, published };
  }
}
