// Local Kafka broker for development.
//
//   node --import tsx scripts/kafka/cli.ts start [--port 9092] [--controller-port 9093]
//       runs a single-node KRaft broker in the foreground (data in .pulse/kafka/data);
//       Ctrl-C or SIGTERM stops it cleanly.
//   node --import tsx scripts/kafka/cli.ts jars
//       only resolves the broker jars into .pulse/kafka/lib.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureKafkaJars, type RunningBroker, startKafkaBroker } from './broker';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA_DIR = path.join(REPO_ROOT, '.pulse', 'kafka', 'data');
const USAGE = 'usage: node --import tsx scripts/kafka/cli.ts start [--port N] [--controller-port N] | jars';

const log = (message: string) => console.log(`[kafka] ${message}`);

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'controller-port': { type: 'string' },
    },
  });
  switch (positionals[0]) {
    case 'start':
      await start(parsePort(values.port, 9092), parsePort(values['controller-port'], 9093));
      break;
    case 'jars':
      log(`jars in ${await ensureKafkaJars(log)}`);
      break;
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

async function start(port: number, controllerPort: number): Promise<void> {
  let broker: RunningBroker | undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // While starting, or on a second Ctrl-C, exit at once: broker.ts's 'exit' handler SIGKILLs java.
    if (!broker || stopping) process.exit(130);
    stopping = true;
    log(`${signal}: stopping broker…`);
    const started = Date.now();
    broker.stop().then(() => log(`broker stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  broker = await startKafkaBroker({ dataDir: DATA_DIR, port, controllerPort, onProgress: log });
  log(`bootstrap ${broker.brokers.join(',')} (pid ${broker.pid}, data in ${path.relative(REPO_ROOT, DATA_DIR)})`);
  log('press Ctrl-C to stop');

  const code = await broker.exited;
  if (!stopping) {
    console.error(`[kafka] broker exited unexpectedly (code ${code}); see ${path.join(DATA_DIR, 'broker.log')}`);
    process.exitCode = 1;
  }
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`invalid port: ${value}`);
  return port;
}

main().catch((error: unknown) => {
  console.error(`[kafka] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
