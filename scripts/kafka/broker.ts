// A real single-node Apache Kafka broker (KRaft, combined broker+controller) for development
// and tests. The jars come from Maven Central through scripts/kafka/pom.xml and are cached in
// .pulse/kafka/lib; the broker runs as a child `java` process.
//
// Signals are the caller's job. This module SIGKILLs the broker when the Node process exits
// (process 'exit'), but Node's default reaction to SIGINT/SIGTERM ends the process without
// running 'exit' handlers: a caller must handle both signals and await `broker.stop()` (see
// cli.ts). Ctrl-C in a terminal also reaches java directly (same process group), but a plain
// `kill <node pid>` or a SIGKILLed parent leaves the broker running; the next start then fails
// with "port … is already in use".
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';

export interface BrokerOptions {
  /** Absolute; holds server.properties, log4j2 config, kafka logs (log.dirs) and broker.log. */
  dataDir: string;
  /** PLAINTEXT listener, default 9092. */
  port?: number;
  /** KRaft controller listener, default 9093. */
  controllerPort?: number;
  /** Maximum JVM heap, default 768. */
  heapMb?: number;
  /** Human-readable progress lines. */
  onProgress?: (message: string) => void;
}

export interface RunningBroker {
  /** Bootstrap addresses for kafkajs, e.g. ['127.0.0.1:9092']. */
  brokers: string[];
  pid: number;
  /** The broker's log.dirs: one folder per topic-partition (tests corrupt segments there). */
  logDir: string;
  /** SIGTERM, then SIGKILL after 20 s. Safe to call more than once. */
  stop(): Promise<void>;
  /** Resolves with the exit code (null when killed by a signal) once the java process ends. */
  exited: Promise<number | null>;
}

type Progress = (message: string) => void;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const POM_PATH = path.join(REPO_ROOT, 'scripts', 'kafka', 'pom.xml');
const LIB_DIR = path.join(REPO_ROOT, '.pulse', 'kafka', 'lib');
const LIB_MARKER = path.join(LIB_DIR, '.pom-sha256');

const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
const LOG_TAIL_LINES = 40;
// Few internal partitions: the first group join and transaction then start faster.
const OFFSETS_TOPIC_PARTITIONS = 4;
const TRANSACTION_LOG_PARTITIONS = 4;

const JAVA_MISSING = 'Java 17+ is required to run the Kafka broker: apt-get install -y openjdk-17-jre-headless';
const MAVEN_MISSING = 'Maven is required to fetch the Kafka broker jars: apt-get install -y maven';

const execFileAsync = promisify(execFile);
const noop: Progress = () => {};

// ---------------------------------------------------------------------------------------------
// Prerequisites

export async function checkJavaAndMaven(): Promise<void> {
  await requireJava();
  await requireMaven();
}

async function requireJava(): Promise<void> {
  let output: string;
  try {
    // `java -version` prints to stderr.
    const { stdout, stderr } = await execFileAsync('java', ['-version']);
    output = stderr + stdout;
  } catch {
    throw new Error(JAVA_MISSING);
  }
  const major = parseJavaMajor(output);
  if (major !== undefined && major < 17) {
    throw new Error(`${JAVA_MISSING} (found Java ${major})`);
  }
}

async function requireMaven(): Promise<void> {
  try {
    await execFileAsync('mvn', ['-v']);
  } catch {
    throw new Error(MAVEN_MISSING);
  }
}

function parseJavaMajor(versionOutput: string): number | undefined {
  // `version "17.0.15"`, or `version "1.8.0_392"` for Java 8.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

// ---------------------------------------------------------------------------------------------
// Jars

/** Resolves the broker's runtime jars with Maven (once per pom change); returns the lib dir. */
export async function ensureKafkaJars(onProgress: Progress = noop): Promise<string> {
  const pomHash = createHash('sha256')
    .update(await readFile(POM_PATH))
    .digest('hex');
  if ((await readOptional(LIB_MARKER))?.trim() === pomHash) {
    onProgress(`using cached Kafka jars in ${path.relative(REPO_ROOT, LIB_DIR)}`);
    return LIB_DIR;
  }

  await requireMaven();
  onProgress('resolving Kafka jars with Maven (first run downloads up to ~70 MB)…');
  const started = Date.now();
  const ticker = setInterval(
    () => onProgress(`still resolving Kafka jars (${seconds(Date.now() - started)})…`),
    10_000,
  );
  // Resolve into a fresh directory and swap it in, so jars of an older pom never linger on
  // the classpath and an interrupted run leaves no half-filled lib dir marked as complete.
  const staging = `${LIB_DIR}.staging-${process.pid}`;
  try {
    await rm(staging, { recursive: true, force: true });
    await runMaven(staging);
    await writeFile(path.join(staging, path.basename(LIB_MARKER)), `${pomHash}\n`);
    await installLib(staging, pomHash);
  } finally {
    clearInterval(ticker);
    await rm(staging, { recursive: true, force: true });
  }
  onProgress(`Kafka jars ready in ${seconds(Date.now() - started)}`);
  return LIB_DIR;
}

// Several processes (parallel test files on a cold cache) may resolve at once: the first to
// finish installs its copy and the others keep it, so a lib dir in use is never replaced.
async function installLib(staging: string, pomHash: string): Promise<void> {
  const isCurrent = async () => (await readOptional(LIB_MARKER))?.trim() === pomHash;
  if (await isCurrent()) return;
  await rm(LIB_DIR, { recursive: true, force: true }); // built from an older pom
  try {
    await rename(staging, LIB_DIR);
  } catch (error) {
    if (!(await isCurrent())) throw error;
  }
}

async function runMaven(outputDir: string): Promise<void> {
  const args = [
    '-q',
    '-B',
    '-f',
    POM_PATH,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outputDir}`,
  ];
  try {
    await execFileAsync('mvn', args, { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`Maven could not resolve the Kafka jars (mvn ${args.join(' ')}):\n${tail(stdout + stderr)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Broker

export async function startKafkaBroker(opts: BrokerOptions): Promise<RunningBroker> {
  const { dataDir, port = 9092, controllerPort = 9093, heapMb = 768, onProgress = noop } = opts;
  if (!path.isAbsolute(dataDir)) throw new Error(`dataDir must be an absolute path, got ${dataDir}`);

  await requireJava();
  await Promise.all([assertPortFree(port), assertPortFree(controllerPort)]);
  const libDir = await ensureKafkaJars(onProgress);
  const files = await writeConfig({ dataDir, port, controllerPort });
  await formatStorageOnce(libDir, files, onProgress);

  const started = Date.now();
  const child = spawnBroker(libDir, files, heapMb);
  const exited = exitOf(child);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));

  const bootstrap = `127.0.0.1:${port}`;
  onProgress(`waiting for broker on ${bootstrap}`);
  try {
    await waitUntilReady(bootstrap, exited, files.brokerLog);
  } catch (error) {
    await stopProcess(child, exited);
    throw error;
  }
  onProgress(`broker ready in ${seconds(Date.now() - started)}`);

  return {
    brokers: [bootstrap],
    pid: child.pid as number,
    logDir: files.logDir,
    stop: () => stopProcess(child, exited),
    exited,
  };
}

interface BrokerFiles {
  serverProperties: string;
  log4jConfig: string;
  logDir: string;
  brokerLog: string;
}

async function writeConfig(opts: { dataDir: string; port: number; controllerPort: number }): Promise<BrokerFiles> {
  const { dataDir } = opts;
  const files: BrokerFiles = {
    serverProperties: path.join(dataDir, 'server.properties'),
    log4jConfig: path.join(dataDir, 'log4j2.properties'),
    logDir: path.join(dataDir, 'kafka-logs'),
    brokerLog: path.join(dataDir, 'broker.log'),
  };
  await mkdir(files.logDir, { recursive: true });
  await writeFile(files.serverProperties, serverProperties({ ...opts, logDir: files.logDir }));
  await writeFile(files.log4jConfig, LOG4J2_PROPERTIES);
  return files;
}

function serverProperties(opts: { port: number; controllerPort: number; logDir: string }): string {
  const broker = `PLAINTEXT://127.0.0.1:${opts.port}`;
  const controller = `CONTROLLER://127.0.0.1:${opts.controllerPort}`;
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.bootstrap.servers': `127.0.0.1:${opts.controllerPort}`,
    listeners: `${broker},${controller}`,
    'advertised.listeners': `${broker},${controller}`,
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': opts.logDir,
    'num.partitions': 3,
    'auto.create.topics.enable': false,
    'log.retention.hours': 168,
    // A single node cannot hold more than one replica of anything.
    'default.replication.factor': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'offsets.topic.num.partitions': OFFSETS_TOPIC_PARTITIONS,
    'transaction.state.log.num.partitions': TRANSACTION_LOG_PARTITIONS,
    'group.initial.rebalance.delay.ms': 0,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  return `# Written by scripts/kafka/broker.ts on every start; edits are overwritten.\n${lines.join('\n')}\n`;
}

// WARN and above go to stdout, which the spawner redirects to <dataDir>/broker.log; the one
// INFO logger kept says when the server has started.
const LOG4J2_PROPERTIES = `# Written by scripts/kafka/broker.ts on every start; edits are overwritten.
status = warn
# Kafka stops log4j itself; log4j's own hook would only warn that the JVM is already shutting down.
shutdownHook = disable
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = out
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = info
`;

async function formatStorageOnce(libDir: string, files: BrokerFiles, onProgress: Progress): Promise<void> {
  if (existsSync(path.join(files.logDir, 'meta.properties'))) return;
  onProgress('formatting storage');
  const clusterId = newClusterId();
  // --standalone: this node is the whole (dynamic) controller quorum.
  await runKafkaTool(libDir, files, ['format', '--standalone', '-t', clusterId, '-c', files.serverProperties, '-g']);
}

// What `kafka-storage random-uuid` prints (16 random bytes, unpadded base64url), without
// paying for a second JVM start. A leading '-' would read as a command-line flag.
function newClusterId(): string {
  const id = randomBytes(16).toString('base64url');
  return id.startsWith('-') ? newClusterId() : id;
}

async function runKafkaTool(libDir: string, files: BrokerFiles, args: string[]): Promise<void> {
  const javaArgs = [
    `-Dlog4j2.configurationFile=${files.log4jConfig}`,
    '-cp',
    path.join(libDir, '*'),
    'kafka.tools.StorageTool',
    ...args,
  ];
  try {
    await execFileAsync('java', javaArgs);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`kafka-storage ${args[0]} failed:\n${tail(stdout + stderr)}`);
  }
}

function spawnBroker(libDir: string, files: BrokerFiles, heapMb: number): ChildProcess {
  const javaArgs = [
    // Start small and grow: an idle development broker then costs little memory.
    `-Xms${Math.min(256, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${files.log4jConfig}`,
    '-cp',
    path.join(libDir, '*'),
    'kafka.Kafka',
    files.serverProperties,
  ];
  // The log is truncated on each start so that its tail always belongs to this run.
  const logFd = openSync(files.brokerLog, 'w');
  try {
    return spawn('java', javaArgs, { cwd: path.dirname(files.serverProperties), stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd); // the child holds its own copy
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    // Spawn failures (e.g. java vanished from PATH) emit 'error' without 'exit'.
    child.once('error', () => resolve(child.exitCode ?? -1));
  });
}

async function waitUntilReady(bootstrap: string, exited: Promise<number | null>, brokerLog: string): Promise<void> {
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const failWithLog = async (reason: string): Promise<never> => {
    throw new Error(`${reason}; ${brokerLog} ends with:\n${await tailFile(brokerLog)}`);
  };

  const ready = (async () => {
    while (!settled && !(await clusterAnswers(bootstrap))) await sleep(250);
    if (!settled) await warmUpCoordinators(bootstrap);
  })();
  const timedOut = new Promise<never>((_, reject) => {
    const reason = `Kafka broker on ${bootstrap} not ready after ${READY_TIMEOUT_MS / 1000} s`;
    timer = setTimeout(() => failWithLog(reason).catch(reject), READY_TIMEOUT_MS);
  });
  const exitedEarly = exited.then((code) =>
    settled ? undefined : failWithLog(`Kafka broker exited (code ${code}) before it was ready`),
  );

  try {
    await Promise.race([ready, timedOut, exitedEarly]);
  } finally {
    settled = true;
    clearTimeout(timer);
  }
}

async function clusterAnswers(bootstrap: string): Promise<boolean> {
  const admin = quietClient(bootstrap, { retries: 0 }).admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

// The first group join and the first transaction make the broker create __consumer_offsets
// and __transaction_state, and each coordinator partition then loads for a moment; kafkajs
// retries through that but logs ERRORs and "Consumer Crash" on the way. Touching every
// coordinator partition here, silently, makes "ready" mean ready for groups and transactions.
async function warmUpCoordinators(bootstrap: string): Promise<void> {
  const kafka = quietClient(bootstrap, { retries: 8 });
  const admin = kafka.admin();
  const producers = idsCoveringPartitions('pulse-broker-warm-up', TRANSACTION_LOG_PARTITIONS).map((transactionalId) =>
    kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, retry: { retries: 8 } }),
  );
  try {
    await admin.connect();
    await admin.describeGroups(idsCoveringPartitions('pulse-broker-warm-up', OFFSETS_TOPIC_PARTITIONS));
    // The first transaction() runs InitProducerId through the transaction coordinator; an
    // abort with nothing sent is local only.
    await Promise.all(
      producers.map(async (producer) => {
        await producer.connect();
        await (await producer.transaction()).abort();
      }),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Kafka broker on ${bootstrap} answers, but its group/transaction coordinators do not: ${reason}`);
  } finally {
    await Promise.allSettled([admin.disconnect(), ...producers.map((producer) => producer.disconnect())]);
  }
}

/** One id per coordinator partition, placed the way the broker places group and transactional ids. */
function idsCoveringPartitions(prefix: string, partitions: number): string[] {
  const ids = new Map<number, string>();
  for (let i = 0; ids.size < partitions; i++) {
    const id = `${prefix}-${i}`;
    const partition = kafkaAbs(javaStringHash(id)) % partitions;
    if (!ids.has(partition)) ids.set(partition, id);
  }
  return [...ids.values()];
}

function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

// org.apache.kafka.common.utils.Utils.abs
function kafkaAbs(n: number): number {
  return n === -2_147_483_648 ? 0 : Math.abs(n);
}

function quietClient(bootstrap: string, retry: { retries: number }): Kafka {
  return new Kafka({
    clientId: 'pulse-broker-readiness',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry,
  });
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use (another Kafka broker?); stop it or choose another port`)
          : error,
      );
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve()));
  });
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function tailFile(file: string): Promise<string> {
  return tail((await readOptional(file))?.trim() || '(nothing logged yet)');
}

function tail(text: string, lines = LOG_TAIL_LINES): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
