// Child processes of the stack scripts (workers, simulator, web server): started with the
// stack's environment, output to a log file, stopped with SIGTERM then SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Managed {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Run `node --import tsx <script>` from the repo root. */
/**
 * V8 heap cap of a worker process (also in package.json's `worker` script): a backlog is read
 * faster than it is written, and without a cap V8 lets the heap grow to gigabytes before it
 * collects. 176 MiB keeps a worker under 400 MiB RSS on any backfill (npm run bench checks it;
 * with 192 MiB a live run once peaked at 402).
 */
export const WORKER_NODE_OPTIONS = '--max-old-space-size=176';

export function startNode(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  logDir: string,
  options: { echo?: boolean } = {},
): Managed {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  if (options.echo) child.stdout?.on('data', (d: Buffer) => process.stdout.write(d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { name, child, logFile, exited, stop };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
  );
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url).catch(() => null);
  return res?.ok ?? false;
}
