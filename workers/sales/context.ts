// What every part of the sales consumer works with: its Kafka consumer, the topic, the
// database, the log and the metrics.
import type { PrismaClient } from '@prisma/client';
import type { Consumer } from 'kafkajs';
import type { Logger } from '@/lib/logger';
import type { workerMetrics } from '@/lib/metrics';

export interface ConsumerContext {
  consumer: Consumer;
  topic: string;
  prisma: PrismaClient;
  log: Logger;
  metrics: ReturnType<typeof workerMetrics>;
}

/** Where in a partition a failure or a chunk is, for logs. */
export interface OffsetRange {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}
