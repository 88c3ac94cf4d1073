// The Kafka Streams job of `npm run bench -- --peer` (bench/peer/): built with Maven once per
// change of its pom or sources (output cached in .pulse/bench/peer), run as a child `java`
// process whose stdout carries its totals as JSON lines.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { root } from '@/scripts/lib/processes';
import type { PeerTotals } from './peer-expected';

const PROJECT = path.join(root, 'bench', 'peer');
const BUILD = path.join(root, '.pulse', 'bench', 'peer');
const MARKER = path.join(BUILD, '.source-sha256');
const MAIN_CLASS = 'dev.pulse.peer.PeerJob';
const STOP_TIMEOUT_MS = 90_000;

const execFileAsync = promisify(execFile);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await filesUnder(PROJECT)) {
    hash
      .update(path.relative(PROJECT, file))
      .update('\0')
      .update(await readFile(file));
  }
  return hash.digest('hex');
}

/** Builds the job unless the cached build is of the current sources; returns the classpath. */
export async function buildPeerJob(onProgress: (message: string) => void): Promise<string> {
  const hash = await sourceHash();
  const classpath = `${path.join(BUILD, 'peer-streams.jar')}${path.delimiter}${path.join(BUILD, 'lib', '*')}`;
  if ((await readFile(MARKER, 'utf8').catch(() => '')).trim() === hash) {
    onProgress(`using the Kafka Streams job built in ${path.relative(root, BUILD)}`);
    return classpath;
  }
  onProgress('building the Kafka Streams job with Maven (the first build downloads its jars)…');
  // clean: runtime jars of an older pom must not stay on the classpath.
  const args = ['-q', '-B', '-f', path.join(PROJECT, 'pom.xml'), 'clean', 'package'];
  try {
    await execFileAsync('mvn', args, { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`mvn ${args.join(' ')} failed:\n${(stdout + stderr).trim().split('\n').slice(-30).join('\n')}`);
  }
  await writeFile(MARKER, `${hash}\n`);
  return classpath;
}

export interface TotalsLine {
  final: boolean;
  totals: PeerTotals;
  /** performance.now() of the bench when the line arrived. */
  at: number;
}

export interface PeerJob {
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Every totals line printed so far, the newest last. */
  lines: TotalsLine[];
  /** performance.now() when the job first reported state RUNNING (tasks assigned and restored). */
  runningAt: number | null;
  exited: Promise<number | null>;
  /** SIGTERM (the job closes cleanly, committing) and the final totals line it then prints. */
  stop(): Promise<TotalsLine | null>;
}

export interface PeerJobOptions {
  classpath: string;
  brokers: string[];
  topic: string;
  applicationId: string;
  stateDir: string;
  threads: number;
  heapMb: number;
  logDir: string;
}

export async function startPeerJob(o: PeerJobOptions): Promise<PeerJob> {
  await mkdir(o.logDir, { recursive: true });
  const logFile = path.join(o.logDir, `${o.applicationId}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(
    'java',
    [
      `-Xmx${o.heapMb}m`,
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-Dorg.slf4j.simpleLogger.showDateTime=true',
      '-cp',
      o.classpath,
      MAIN_CLASS,
      o.brokers.join(','),
      o.topic,
      o.applicationId,
      o.stateDir,
      String(o.threads),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr?.pipe(log);
  const lines: TotalsLine[] = [];
  let runningAt: number | null = null;
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    log.write(`${text}\n`);
    if (!text.startsWith('{')) return;
    const parsed = JSON.parse(text) as Omit<TotalsLine, 'at'> | { state: string };
    if ('state' in parsed) {
      if (parsed.state === 'RUNNING') runningAt ??= performance.now();
    } else lines.push({ ...parsed, at: performance.now() });
  });
  const exited = new Promise<number | null>((resolve) => {
    // 'close', not 'exit': the last stdout lines (the final totals) are read by then.
    child.once('close', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  return {
    pid: child.pid as number,
    child,
    logFile,
    lines,
    get runningAt() {
      return runningAt;
    },
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      const last = lines.at(-1);
      return last?.final ? last : null;
    },
  };
}
