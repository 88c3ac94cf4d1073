// Command-line flags of `npm run bench` and the names of everything one run creates.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Events pre-produced for each ingest run (before duplicates are added). */
  events: number;
  /** Events of the pure-CPU decode + facts benchmark. */
  microEvents: number;
  /** Timed getOverview calls per case. */
  queryRuns: number;
  /** Live-latency probes (produce → NOTIFY through a worker, and commit → NOTIFY). */
  liveProbes: number;
  /** Skip the two-worker run. */
  singleWorkerOnly: boolean;
  /** Write a V8 CPU profile of the one-worker run to .pulse/bench/profiles. */
  profile: boolean;
  /** Keep the 1-worker database (for EXPLAIN and the like) instead of dropping it. */
  keepDb: boolean;
  /** Compare ingest with a Kafka Streams job instead of the usual figures (bench/peer.ts). */
  peer: boolean;
  /** With --peer: only this dataset (both by default). */
  dataset: 'live' | 'backfill' | null;
  quick: boolean;
  /** Unique per run: topic, group and database names carry it. */
  runId: string;
}

const USAGE = `npm run bench [-- options]
  --events N      events per ingest run (default 200000, with --peer 300000; --quick 20000)
  --quick         small, fast run (~1–2 min): fewer events, query runs and probes
  --one-worker    skip the two-worker ingest run
  --profile       write a CPU profile of the one-worker run to .pulse/bench/profiles
  --keep-db       keep the 1-worker database (a week of rollups) and print its URL
  --peer          instead: raw kafkajs, kafkajs + JSON.parse, a Kafka Streams job and the Pulse
                  worker, one after another on the same topic (default 300000 events; --quick 20000)
  --dataset D     with --peer: only the dataset D (live or backfill)
  -h, --help      this text
Environment: KAFKA_BROKERS (use that cluster instead of starting a broker), BENCH_KAFKA_PORT
  (port of the bench's own broker, default 19392; its controller uses the next one),
  BENCH_DATABASE_SERVER_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
  BENCH_WORKER_NODE_OPTIONS (extra NODE_OPTIONS for the worker processes, e.g. --max-old-space-size=256),
  BENCH_WORKER_LOG_LEVEL (the workers' log level in .pulse/bench/logs, default warn)`;

function positiveInt(name: string, value: string): number {
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n <= 0) {
    console.error(`--${name} must be a positive integer (got ${JSON.stringify(value)})\n\n${USAGE}`);
    process.exit(64); // EX_USAGE
  }
  return n;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  let values: {
    events?: string;
    quick?: boolean;
    'one-worker'?: boolean;
    profile?: boolean;
    'keep-db'?: boolean;
    peer?: boolean;
    dataset?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        events: { type: 'string' },
        quick: { type: 'boolean', default: false },
        'one-worker': { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        'keep-db': { type: 'boolean', default: false },
        peer: { type: 'boolean', default: false },
        dataset: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(64);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const dataset = values.dataset ?? null;
  if (dataset !== null && dataset !== 'live' && dataset !== 'backfill') {
    console.error(`--dataset must be live or backfill (got ${JSON.stringify(dataset)})\n\n${USAGE}`);
    process.exit(64);
  }
  const peer = values.peer ?? false;
  const defaultEvents = quick ? 20_000 : peer ? 300_000 : 200_000;
  return {
    events: values.events ? positiveInt('events', values.events) : defaultEvents,
    microEvents: quick ? 20_000 : 100_000,
    queryRuns: quick ? 10 : 30,
    liveProbes: quick ? 15 : 40,
    singleWorkerOnly: values['one-worker'] ?? false,
    profile: values.profile ?? false,
    keepDb: values['keep-db'] ?? false,
    peer,
    dataset,
    quick,
    runId: `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`,
  };
}

/** Names of what one run creates; the topic of the query database is also the process's SALES_TOPIC. */
export function runNames(runId: string, part: 'w1' | 'w2' | 'inv' | 'live' | 'peer_live' | 'peer_backfill') {
  return {
    topic: `bench.sales.${runId}.${part}`,
    dlqTopic: `bench.sales.${runId}.${part}.dlq`,
    groupId: `pulse-bench-${runId}-${part}`,
    database: `pulse_bench_${runId}_${part}`,
  };
}
