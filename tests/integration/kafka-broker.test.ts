// Starts a real Kafka broker (scripts/kafka/broker.ts) and proves what the workers rely on with
// kafkajs: keyed produce to a multi-partition topic, consumer-group consumption with eachBatch,
// and a transactional produce + sendOffsets (the consume-transform-produce building block).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Consumer, Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startKafkaBroker } from '@/scripts/kafka/broker';

// Not 9092/9093, so a developer's broker may keep running alongside.
const PORT = 19192;
const CONTROLLER_PORT = 19193;
// A cold Maven cache downloads the broker jars first.
const START_TIMEOUT_MS = 300_000;

describe('Kafka broker (KRaft, single node)', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pulse-kafka-test-'));
    broker = await startKafkaBroker({ dataDir, port: PORT, controllerPort: CONTROLLER_PORT });
    kafka = new Kafka({ clientId: 'kafka-broker-test', brokers: broker.brokers, logLevel: logLevel.WARN });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await broker?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('delivers every keyed message to a consumer group, in order per key', async () => {
    const topic = 'test.orders';
    await createTopic(kafka, topic, 3);

    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `customer-${i % 7}`, value: `order-${i}` }));
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: sent });
    await producer.disconnect();

    const received = await consumeAll(kafka, topic, 'kafka-broker-test-group', sent.length);

    expect(received).toHaveLength(sent.length);
    expect(received.map(({ key, value }) => ({ key, value })).sort(byValue)).toEqual([...sent].sort(byValue));
    // Same key, same partition, and the producer's order is kept within it.
    for (const key of new Set(sent.map((m) => m.key))) {
      const forKey = received.filter((m) => m.key === key);
      expect(new Set(forKey.map((m) => m.partition)).size).toBe(1);
      expect(forKey.map((m) => m.value)).toEqual(sent.filter((m) => m.key === key).map((m) => m.value));
    }
    expect(new Set(received.map((m) => m.partition)).size).toBeGreaterThan(1);
  }, 60_000);

  it('commits consumer offsets inside a producer transaction (sendOffsets)', async () => {
    const input = 'test.tx-input';
    const output = 'test.tx-output';
    const groupId = 'kafka-broker-test-tx';
    await createTopic(kafka, input, 1);
    await createTopic(kafka, output, 1);

    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionalId: 'kafka-broker-test-tx',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({ topic: output, messages: [{ key: 'a', value: 'derived' }] });
    await transaction.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }],
    });
    await transaction.commit();
    await producer.disconnect();

    // commit() returns once the coordinator has logged the decision; the commit markers that
    // make the offsets visible to OffsetFetch are written just after, so poll briefly.
    await expect.poll(() => committedOffset(kafka, groupId, input), { timeout: 10_000 }).toBe('5');

    const received = await consumeAll(kafka, output, 'kafka-broker-test-tx-reader', 1);
    expect(received.map((m) => m.value)).toEqual(['derived']);
  }, 60_000);
});

interface Received {
  key: string | undefined;
  value: string | undefined;
  partition: number;
}

async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function committedOffset(kafka: Kafka, groupId: string, topic: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return committed?.partitions.find((p) => p.partition === 0)?.offset;
  } finally {
    await admin.disconnect();
  }
}

/** Consumes from the beginning until `count` messages arrived, then stops the consumer. */
async function consumeAll(kafka: Kafka, topic: string, groupId: string, count: number): Promise<Received[]> {
  const received: Received[] = [];
  const consumer: Consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          received.push({
            key: message.key?.toString(),
            value: message.value?.toString(),
            partition: batch.partition,
          });
        }
        if (received.length >= count) resolve();
      },
    });
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  return received;
}

function byValue(a: { value: string | undefined }, b: { value: string | undefined }): number {
  return (a.value ?? '').localeCompare(b.value ?? '');
}
