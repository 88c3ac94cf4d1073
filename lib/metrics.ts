// Prometheus metrics (prom-client). One registry per process, served at /metrics by the
// worker's ops endpoint and by the web server. Worker and web metrics are created only by
// the process that records them, so neither shows the other's counters as zeros.
import client from 'prom-client';

const PREFIX = 'pulse_';

// Cached on globalThis: the web process loads this file both from server.ts and from
// Next's route bundles, and both must record into the one registry that /metrics serves.
const cache = globalThis as unknown as {
  pulseMetrics?: { registry: client.Registry; worker?: WorkerMetrics; web?: WebMetrics };
};

function state() {
  if (!cache.pulseMetrics) {
    const registry = new client.Registry();
    // Process CPU, memory, event-loop lag, GC, handles: pulse_process_cpu_seconds_total, …
    client.collectDefaultMetrics({ register: registry, prefix: PREFIX });
    cache.pulseMetrics = { registry };
  }
  return cache.pulseMetrics;
}

export function metricsRegistry(): client.Registry {
  return state().registry;
}

/** The registry in the Prometheus text format, with its content type. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const registry = metricsRegistry();
  return { contentType: registry.contentType, body: await registry.metrics() };
}

// Batches take milliseconds when live and up to a few seconds while catching up.
const BATCH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface WorkerMetrics {
  consumed: client.Counter<'topic'>;
  accepted: client.Counter<'topic'>;
  duplicates: client.Counter<'topic'>;
  rejected: client.Counter<'topic' | 'reason'>;
  alreadyApplied: client.Counter<'topic'>;
  batchDuration: client.Histogram<'topic'>;
  commitDuration: client.Histogram<'topic'>;
  batchFailures: client.Counter<'topic'>;
  lag: client.Gauge<'topic' | 'partition'>;
  undecodableBatches: client.Counter<'topic' | 'partition'>;
  blockedPartitions: client.Gauge<'topic'>;
  assignedPartitions: client.Gauge<'topic'>;
  rebalances: client.Counter;
  crashes: client.Counter;
  factsRolled: client.Counter<'topic'>;
  rollDuration: client.Histogram<'topic'>;
}

export function workerMetrics(): WorkerMetrics {
  const s = state();
  if (s.worker) return s.worker;
  const registers = [s.registry];
  s.worker = {
    consumed: new client.Counter({
      name: `${PREFIX}worker_events_consumed_total`,
      help: 'Messages of committed batches: accepted + duplicates + rejected + already applied',
      labelNames: ['topic'],
      registers,
    }),
    factsRolled: new client.Counter({
      name: `${PREFIX}worker_facts_rolled_total`,
      help: 'Sale facts added to the hour and day rollups (queries read them from the facts until then)',
      labelNames: ['topic'],
      registers,
    }),
    rollDuration: new client.Histogram({
      name: `${PREFIX}worker_roll_duration_seconds`,
      help: 'Time to roll up one round of pending facts (all partitions)',
      labelNames: ['topic'],
      buckets: BATCH_BUCKETS,
      registers,
    }),
    accepted: new client.Counter({
      name: `${PREFIX}worker_events_accepted_total`,
      help: 'Sale events counted into the rollups (first delivery of each event_id)',
      labelNames: ['topic'],
      registers,
    }),
    duplicates: new client.Counter({
      name: `${PREFIX}worker_events_duplicates_total`,
      help: 'Valid events dropped because their event_id was counted before',
      labelNames: ['topic'],
      registers,
    }),
    rejected: new client.Counter({
      name: `${PREFIX}worker_events_rejected_total`,
      help: 'Invalid messages sent to the dead-letter topic, by reason',
      labelNames: ['topic', 'reason'],
      registers,
    }),
    alreadyApplied: new client.Counter({
      name: `${PREFIX}worker_events_already_applied_total`,
      help: 'Redelivered messages below the offset stored in Postgres (skipped, counted before)',
      labelNames: ['topic'],
      registers,
    }),
    batchDuration: new client.Histogram({
      name: `${PREFIX}worker_batch_duration_seconds`,
      help: 'One committed chunk of a partition batch: decode, dead letters and the Postgres transaction',
      labelNames: ['topic'],
      buckets: BATCH_BUCKETS,
      registers,
    }),
    commitDuration: new client.Histogram({
      name: `${PREFIX}worker_commit_duration_seconds`,
      help: 'The Postgres transaction of one chunk (rollup deltas, event ids, stored offset)',
      labelNames: ['topic'],
      buckets: BATCH_BUCKETS,
      registers,
    }),
    batchFailures: new client.Counter({
      name: `${PREFIX}worker_batch_failures_total`,
      help: 'Chunks whose processing failed (database unreachable, …) and will be fetched again',
      labelNames: ['topic'],
      registers,
    }),
    lag: new client.Gauge({
      name: `${PREFIX}worker_consumer_lag`,
      help: 'Messages behind: high watermark seen in the last fetch minus the next offset to apply',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    undecodableBatches: new client.Counter({
      name: `${PREFIX}worker_undecodable_batches_total`,
      help: 'Record batches no codec could decode (corrupt, CRC mismatch, unknown codec): each stops its partition',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    blockedPartitions: new client.Gauge({
      name: `${PREFIX}worker_blocked_partitions`,
      help: 'Partitions stopped in front of an undecodable batch until an operator skips it (npm run worker -- skip)',
      labelNames: ['topic'],
      registers,
    }),
    assignedPartitions: new client.Gauge({
      name: `${PREFIX}worker_assigned_partitions`,
      help: 'Partitions assigned to this worker by the consumer group',
      labelNames: ['topic'],
      registers,
    }),
    rebalances: new client.Counter({
      name: `${PREFIX}worker_rebalances_total`,
      help: 'Consumer group joins (each completed rebalance, the first join included)',
      registers,
    }),
    crashes: new client.Counter({
      name: `${PREFIX}worker_consumer_crashes_total`,
      help: 'Kafka consumer crashes (kafkajs restarts the consumer after retriable ones)',
      registers,
    }),
  };
  return s.worker;
}

export interface WebMetrics {
  livePushes: client.Counter<'kind'>;
  notifications: client.Counter;
  overviewDuration: client.Histogram<'source'>;
  requestsRejected: client.Counter<'reason'>;
  authFailures: client.Counter<'reason'>;
  authThrottled: client.Counter<'kind'>;
  liveRefusals: client.Counter<'limit'>;
}

export function webMetrics(): WebMetrics {
  const s = state();
  if (s.web) return s.web;
  const registers = [s.registry];
  s.web = {
    livePushes: new client.Counter({
      name: `${PREFIX}web_live_pushes_total`,
      help: 'Overviews pushed to live rooms (update) or to one new subscriber (initial)',
      labelNames: ['kind'],
      registers,
    }),
    notifications: new client.Counter({
      name: `${PREFIX}web_live_notifications_total`,
      help: 'Worker commit notifications received over LISTEN',
      registers,
    }),
    overviewDuration: new client.Histogram({
      name: `${PREFIX}web_overview_duration_seconds`,
      help: 'Time to compute one overview, for live pushes and for the HTTP API',
      labelNames: ['source'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    requestsRejected: new client.Counter({
      name: `${PREFIX}web_requests_rejected_total`,
      help: 'Requests refused by server.ts before Next saw them: body_too_large, method_not_allowed, bad_encoding',
      labelNames: ['reason'],
      registers,
    }),
    authFailures: new client.Counter({
      name: `${PREFIX}web_auth_failures_total`,
      help: 'Credentials refused: wrong password, wrong ops token, invalid/expired/revoked embed token (by reason)',
      labelNames: ['reason'],
      registers,
    }),
    authThrottled: new client.Counter({
      name: `${PREFIX}web_auth_throttled_total`,
      help: 'Sign-ins and ops tokens refused with 429: too many failures from one client address or for one email in the window',
      labelNames: ['kind'],
      registers,
    }),
    liveRefusals: new client.Counter({
      name: `${PREFIX}web_live_refusals_total`,
      help: 'Live-update handshakes, sockets and subscriptions refused, by the limit hit (README "Limits")',
      labelNames: ['limit'],
      registers,
    }),
  };
  return s.web;
}

/** Values the web gauges read when scraped (server.ts owns the Socket.IO server and hub). */
export interface WebGauges {
  socketClients: () => number;
  liveRooms: () => number;
  listening: () => boolean;
  liveLoads: () => { running: number; waiting: number };
}

export function registerWebGauges(gauges: WebGauges): void {
  gauge('web_socket_clients', 'Connected Socket.IO clients', gauges.socketClients);
  gauge('web_live_rooms', 'Live views with at least one subscriber (identical views share a room)', gauges.liveRooms);
  gauge('web_live_listening', '1 while the LISTEN connection for worker commits is up', () =>
    gauges.listening() ? 1 : 0,
  );
  const registry = metricsRegistry();
  registry.removeSingleMetric(`${PREFIX}web_live_loads`);
  new client.Gauge({
    name: `${PREFIX}web_live_loads`,
    help: 'Live loads (initial answers and room pushes) running on their own pool, and waiting for a slot',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const { running, waiting } = gauges.liveLoads();
      this.set({ state: 'running' }, running);
      this.set({ state: 'waiting' }, waiting);
    },
  });
}

/** A gauge whose value is read at scrape time; registering it again replaces it. */
function gauge(name: string, help: string, read: () => number): void {
  const registry = metricsRegistry();
  registry.removeSingleMetric(PREFIX + name);
  new client.Gauge({
    name: PREFIX + name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** Pool gauges for the process's Postgres pool (lib/db.ts registers its pool here). */
export function registerPoolGauges(pool: { totalCount: number; idleCount: number; waitingCount: number }): void {
  const registry = metricsRegistry();
  registry.removeSingleMetric(`${PREFIX}db_pool_connections`);
  new client.Gauge({
    name: `${PREFIX}db_pool_connections`,
    help: 'Postgres pool: open connections (total), idle ones, and requests waiting for one',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
}
