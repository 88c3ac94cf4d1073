// Re-drive: dead letters go back to the sales topic with their original key and bytes, once
// the contract or the configuration that rejected them has changed. Safe to repeat: the
// workers count an event id once, and a message still invalid becomes a new dead letter.
import 'server-only';
import type { Producer } from 'kafkajs';
import { HttpError } from './api-errors';
import { db } from './db';
import { env } from './env';
import { createKafka, createProducer } from './kafka';
import { logger } from './logger';
import type { KafkaPosition, RedriveResponse, RedriveResult } from './queries/dead-letters.types';
import { getDeadLettersToRedrive } from './queries/get-dead-letters-to-redrive';
import { recordRedrive } from './queries/record-redrive';

/** How long a request waits for the broker connection, then for all its acknowledgements. */
const CONNECT_TIMEOUT_MS = 10_000;
const REQUEST_DEADLINE_MS = 20_000;

const log = logger.child({ component: 'redrive' });

// One producer per web process, made on the first re-drive (most web processes never need
// Kafka). Kept on globalThis: Next may load this module once per route bundle. Sends go
// through one queue because kafkajs' idempotent producer wants one request in flight.
const state = globalThis as unknown as { pulseRedrive?: { producer?: Promise<Producer>; queue: Promise<unknown> } };
const shared = () => {
  state.pulseRedrive ??= { queue: Promise.resolve() };
  return state.pulseRedrive;
};

function connectedProducer(): Promise<Producer> {
  const s = shared();
  if (!s.producer) {
    const producer = createProducer(createKafka(`${env().KAFKA_CLIENT_ID}-web`));
    s.producer = producer.connect().then(
      () => producer,
      (err: unknown) => {
        s.producer = undefined; // the next request tries again
        throw err;
      },
    );
  }
  return s.producer;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Produce each dead letter to the sales topic, one at a time, and record it once acknowledged. */
export async function redriveDeadLetters(ids: bigint[]): Promise<RedriveResponse> {
  const topic = env().SALES_TOPIC;
  const found = await getDeadLettersToRedrive(db(), ids);
  const byId = new Map(found.map((row) => [row.id, row]));

  let producer: Producer | 'timeout';
  try {
    producer = await within(connectedProducer(), CONNECT_TIMEOUT_MS);
  } catch (err) {
    log.warn({ err }, 'cannot connect the re-drive producer');
    throw new HttpError(503, 'kafka_unavailable', `Kafka is not reachable: ${message(err)}`);
  }
  if (producer === 'timeout') {
    throw new HttpError(503, 'kafka_unavailable', `Kafka did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`);
  }
  const connected = producer;

  const results = new Map<bigint, RedriveResult>();
  for (const id of ids) {
    results.set(id, byId.has(id) ? { id: Number(id), status: 'pending' } : { id: Number(id), status: 'not_found' });
  }
  const s = shared();
  const work = s.queue.then(async () => {
    for (const row of found) {
      const source = `${row.topic}/${row.partition}/${row.offset}`;
      try {
        const [ack] = await connected.send({
          topic,
          messages: [
            {
              key: row.key,
              value: Buffer.from(row.payload),
              headers: { 'x-redrive-of': source, 'x-redriven-at': new Date().toISOString() },
            },
          ],
        });
        if (!ack) throw new Error('Kafka returned no acknowledgement');
        const to: KafkaPosition = { topic, partition: ack.partition, offset: Number(ack.baseOffset) };
        // Recorded only now: the table never claims a re-drive Kafka does not have.
        await recordRedrive(db(), row.id, to);
        results.set(row.id, { id: Number(row.id), status: 'redriven', to });
        log.info({ id: String(row.id), source, to }, 'dead letter re-driven');
      } catch (err) {
        results.set(row.id, { id: Number(row.id), status: 'failed', error: message(err) });
        log.warn({ err, id: String(row.id), source }, 're-drive failed');
      }
    }
  });
  s.queue = work.catch(() => undefined);
  // A broker outage makes the idempotent producer retry for as long as it lasts; the request
  // answers anyway, and the copies still waiting are recorded when they are acknowledged.
  await within(work, REQUEST_DEADLINE_MS);
  return { topic, results: [...results.values()] };
}
