// npm run bench [-- --events N] [--quick] [--one-worker] [--profile] — Pulse's figures against
// real services: decode + facts CPU cost, worker ingest throughput (1 and 2 processes),
// dashboard query latency and live push latency. Prints a table; writes .pulse/bench/latest.json.
// `--peer` compares ingest with a Kafka Streams job instead (bench/peer.ts, .pulse/bench/latest-peer.json).
import { parseBenchOptions, runNames } from './options';

const options = parseBenchOptions(process.argv.slice(2));

// Why set before importing the rest: lib/env and lib/logger read the environment once, when
// first imported. The bench's own Kafka clients log errors only (their warnings would break
// up the progress lines; workers keep LOG_LEVEL=warn in their logs), and getOverview's
// freshness query reads SALES_TOPIC — it must name the topic of the database being queried.
process.env.LOG_LEVEL ??= 'error';
process.env.SALES_TOPIC = runNames(options.runId, 'w1').topic;

if (options.peer) {
  const { runPeerBench } = await import('./peer');
  process.exit(await runPeerBench(options));
}
const { runBench } = await import('./run');
process.exit(await runBench(options));
