// The only place Kafka clients are built. Everything takes its brokers and topic names from
// the validated configuration: given by the caller (the worker, replay, skip and simulator entry
// points read it once), or read here where a caller does not say.
import kafkajs, {
  type Admin,
  Kafka,
  logLevel,
  Partitioners,
  type Producer,
  type ProducerBatch,
  type ProducerRecord,
} from 'kafkajs';
import { type Env, env } from '@/lib/env';
import { logger } from '@/lib/logger';
import { compressionType } from './kafka-codecs';

const toPinoLevel: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

// Connection-level failures, and consumer crashes that kafkajs answers with a restart (a crash
// it will not restart is logged as fatal by the worker).
const RETRIED_NAMESPACES = new Set(['Connection', 'BrokerPool', 'Cluster', 'Consumer']);

/** Last broker error kafkajs reported and is retrying (worker readiness reads it). */
export interface KafkaTrouble {
  at: number;
  message: string;
}

export function createKafka(
  clientId = env().KAFKA_CLIENT_ID,
  brokers = env().KAFKA_BROKERS,
  onTrouble?: (trouble: KafkaTrouble) => void,
): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    // Reconnect patiently: a broker restart must not kill workers (they retry with backoff).
    retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 10_000 },
    logCreator:
      () =>
      ({ level, namespace, log }) => {
        const { message, ...extra } = log;
        // kafkajs reports every failed connection attempt as an error although it retries
        // them (with backoff); they are warnings until a consumer or producer gives up.
        const retried = level === logLevel.ERROR && RETRIED_NAMESPACES.has(namespace);
        if (retried) onTrouble?.({ at: Date.now(), message: String(extra.error ?? message) });
        logger[retried ? 'warn' : (toPinoLevel[level] ?? 'info')]({ kafka: namespace, ...extra }, message);
      },
  });
}

/**
 * Pulse's producers (dead letters, re-drives, the simulator): batches compressed with
 * KAFKA_COMPRESSION unless a send says otherwise.
 */
export function createProducer(kafka: Kafka, codec: Env['KAFKA_COMPRESSION'] = env().KAFKA_COMPRESSION): Producer {
  const compression = compressionType(codec);
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    // Idempotent producer: a retried send is not written twice by the broker. kafkajs wants
    // unlimited retries for it: a send waits out a broker outage (backing off up to 10 s
    // between attempts) instead of failing. A worker blocked that long loses its partitions
    // to the group, and its late transaction is then fenced by the stored offset.
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: Number.MAX_SAFE_INTEGER },
  });
  const send = producer.send.bind(producer);
  const sendBatch = producer.sendBatch.bind(producer);
  return Object.assign(producer, {
    send: (record: ProducerRecord) => send({ compression, ...record }),
    sendBatch: (batch: ProducerBatch) => sendBatch({ compression, ...batch }),
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Retention, ms; -1 keeps forever. */
  retentionMs?: number;
}

export const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Create missing topics (idempotent, safe to race with other processes doing the same). */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((s) => ({
      topic: s.topic,
      numPartitions: s.numPartitions,
      replicationFactor: -1, // the broker's default.replication.factor
      configEntries: [{ name: 'retention.ms', value: String(s.retentionMs ?? DEFAULT_RETENTION_MS) }],
    })),
  });
}

/**
 * Create the sales and dead-letter topics if missing (workers and simulator both call it);
 * returns the cluster's id.
 */
export async function ensureSalesTopics(kafka: Kafka, specs: TopicSpec[] = salesTopics()): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, specs);
    return (await admin.describeCluster()).clusterId;
  } finally {
    await admin.disconnect();
  }
}

/** Kafka's `retention.ms` for a number of days; -1 keeps forever. */
export function retentionMs(days: number | 'forever'): number {
  return days === 'forever' ? -1 : Math.round(days * 24 * 3600 * 1000);
}

// Retention is set explicitly (not left to the broker's default) because it bounds what
// `npm run replay` can rebuild. Existing topics are left as they are: an operator may have
// tuned them on the cluster; the replay reads the real value and says so.
export function salesTopics(
  config: Pick<
    Env,
    'SALES_TOPIC' | 'SALES_DLQ_TOPIC' | 'SALES_TOPIC_PARTITIONS' | 'SALES_RETENTION_DAYS' | 'SALES_DLQ_RETENTION_DAYS'
  > = env(),
): TopicSpec[] {
  const { SALES_TOPIC, SALES_DLQ_TOPIC, SALES_TOPIC_PARTITIONS, SALES_RETENTION_DAYS, SALES_DLQ_RETENTION_DAYS } =
    config;
  return [
    { topic: SALES_TOPIC, numPartitions: SALES_TOPIC_PARTITIONS, retentionMs: retentionMs(SALES_RETENTION_DAYS) },
    // Dead letters wait for a human to look at them (and are kept in the dead_letter table too).
    { topic: SALES_DLQ_TOPIC, numPartitions: 1, retentionMs: retentionMs(SALES_DLQ_RETENTION_DAYS) },
  ];
}

/** A topic's `retention.ms` as the cluster has it (-1 = forever), or null if it does not say. */
export async function topicRetentionMs(admin: Admin, topic: string): Promise<number | null> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    // Through the default export: Node's named-export detection misses this one in kafkajs' CommonJS.
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
  });
  const value = resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
  return value === undefined || value === null ? null : Number(value);
}

/** The inventory topic and its dead-letter topic (created by the inventory worker and the simulator). */
export function inventoryTopics(
  config: Pick<
    Env,
    | 'INVENTORY_TOPIC'
    | 'INVENTORY_DLQ_TOPIC'
    | 'INVENTORY_TOPIC_PARTITIONS'
    | 'SALES_RETENTION_DAYS'
    | 'SALES_DLQ_RETENTION_DAYS'
  > = env(),
): TopicSpec[] {
  return [
    {
      topic: config.INVENTORY_TOPIC,
      numPartitions: config.INVENTORY_TOPIC_PARTITIONS,
      retentionMs: retentionMs(config.SALES_RETENTION_DAYS),
    },
    { topic: config.INVENTORY_DLQ_TOPIC, numPartitions: 1, retentionMs: retentionMs(config.SALES_DLQ_RETENTION_DAYS) },
  ];
}

/** The actions topic (retail.actions.v1, README "Actions contract"), created by the actions worker. */
export function actionsTopics(
  config: Pick<Env, 'ACTIONS_TOPIC' | 'ACTIONS_TOPIC_PARTITIONS' | 'ACTIONS_RETENTION_DAYS'> = env(),
): TopicSpec[] {
  return [
    {
      topic: config.ACTIONS_TOPIC,
      numPartitions: config.ACTIONS_TOPIC_PARTITIONS,
      retentionMs: retentionMs(config.ACTIONS_RETENTION_DAYS),
    },
  ];
}
