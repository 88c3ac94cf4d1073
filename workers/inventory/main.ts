// Inventory worker process (`npm run worker -- inventory`): keeps on-hand stock per store and
// SKU from the inventory topic and the sales topic (workers/inventory/consumer.ts). A process of
// its own rather than a second consumer in the sales worker: stock writes never share the sales
// worker's event loop, database connections or transactions, so they cannot slow sales ingest.
import { db } from '@/lib/db';
import { inventoryTopics, salesTopics } from '@/lib/ingest/kafka';
import {
  compactInventory,
  inventoryKeeps,
  pruneInventoryProcessedEvents,
} from '@/lib/queries/inventory/prune-inventory';
import { runWorkerProcess } from '../process-frame';
import { type InventoryConsumer, startInventoryConsumer } from './consumer';

const PRUNE_EVERY_MS = 5 * 60_000;

export function inventoryMain(): Promise<void> {
  return runWorkerProcess({
    component: 'inventory-worker',
    clientIdSuffix: '-inventory',
    topics: (config) => [...salesTopics(config), ...inventoryTopics(config)],
    stoppedMessage: 'inventory worker stopped',
    statsMessage: 'inventory worker stats',
    start: async ({ config, log, kafka, clusterId, producer, kafkaTrouble, stopping, shutdown, every }) => {
      const keeps = inventoryKeeps(config);
      const consumer: InventoryConsumer = await startInventoryConsumer({
        kafka,
        clusterId,
        producer,
        prisma: db(),
        log,
        settings: {
          inventoryTopic: config.INVENTORY_TOPIC,
          dlqTopic: config.INVENTORY_DLQ_TOPIC,
          salesTopic: config.SALES_TOPIC,
          groupId: config.INVENTORY_GROUP_ID,
          sessionTimeoutMs: config.WORKER_SESSION_TIMEOUT_MS,
          reportingCurrency: config.REPORTING_CURRENCY,
          demandKeepMs: keeps.demandKeepMs,
        },
        onFatal: () => shutdown('consumer crash', 1),
        kafkaTrouble,
      });
      log.info(
        { topics: [config.INVENTORY_TOPIC, config.SALES_TOPIC], groupId: config.INVENTORY_GROUP_ID },
        'inventory worker started',
      );

      // Housekeeping: applied ids past DEDUP_RETENTION_DAYS, ledger rows at or before each pair's
      // snapshot (they never count again) once older than INVENTORY_HISTORY_DAYS, demand hours
      // older than the window plus a margin. Every inventory worker may run it; SKIP LOCKED keeps
      // them apart.
      const housekeeping = async () => {
        try {
          const ids = await pruneInventoryProcessedEvents(db(), config.DEDUP_RETENTION_DAYS * 86_400_000, {
            shouldStop: stopping,
          });
          const { ledger, hours } = await compactInventory(db(), keeps, { shouldStop: stopping });
          if (ids + ledger + hours > 0) {
            log.info(
              { ids, ledger, hours },
              'pruned applied inventory ids and demand hours, compacted the stock ledger',
            );
          }
        } catch (err) {
          log.warn({ err }, 'inventory housekeeping failed');
        }
      };
      every(PRUNE_EVERY_MS, 30_000, housekeeping);

      return {
        kafkaCheck: () => consumer.kafkaCheck(),
        processingCheck: () => consumer.processingCheck(),
        stop: () => consumer.stop(),
        stats: () => ({ ...consumer.stats }),
        statsLine: () => (consumer.stats.batches > 0 ? { ...consumer.stats } : null),
      };
    },
  });
}
