// Keeps the demo's children (workers, simulator, web server) running: a child that exits on its
// own is restarted with exponential backoff, until it crashes so often in a short window that
// restarting only hides the problem. The policy is pure (onCrash); supervise() applies it.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { type Managed, root } from './processes';

export interface RestartPolicy {
  /** Delay before the first restart; doubled for each further consecutive crash. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** An instance that stayed up this long starts the backoff over. */
  resetAfterMs: number;
  /** Give up when this many crashes fall within windowMs. */
  maxCrashes: number;
  windowMs: number;
}

export const defaultPolicy: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
  maxCrashes: 5,
  windowMs: 120_000,
};

export interface CrashState {
  /** Crashes since an instance last stayed up resetAfterMs; sets the next delay. */
  consecutive: number;
  /** Exit times of the crashes still inside the window. */
  recent: number[];
  restarts: number;
}

export const initialCrashState: CrashState = { consecutive: 0, recent: [], restarts: 0 };

export type Decision =
  | { action: 'restart'; delayMs: number; restart: number; state: CrashState }
  | { action: 'give-up'; crashes: number; windowMs: number; state: CrashState };

/** Delay before restarting after the n-th consecutive crash (n ≥ 1): 1 s, 2 s, 4 s, … capped. */
export function backoffMs(consecutive: number, policy: RestartPolicy = defaultPolicy): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, consecutive - 1));
}

export function onCrash(
  state: CrashState,
  crash: { startedAt: number; exitedAt: number },
  policy: RestartPolicy = defaultPolicy,
): Decision {
  const consecutive = crash.exitedAt - crash.startedAt >= policy.resetAfterMs ? 1 : state.consecutive + 1;
  const recent = [...state.recent.filter((t) => crash.exitedAt - t < policy.windowMs), crash.exitedAt];
  if (recent.length >= policy.maxCrashes) {
    return { action: 'give-up', crashes: recent.length, windowMs: policy.windowMs, state: { ...state, recent } };
  }
  const restart = state.restarts + 1;
  return {
    action: 'restart',
    delayMs: backoffMs(consecutive, policy),
    restart,
    state: { consecutive, recent, restarts: restart },
  };
}

const MAX_LINE = 300;
const clip = (text: string) => (text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text);

/**
 * The part of one output line worth showing after a crash, or null: pino entries at error or
 * fatal level from stdout, and plain stderr lines minus stack frames and Node's noise.
 */
export function errorLine(line: string, stream: 'stdout' | 'stderr'): string | null {
  const text = line.trim();
  if (!text) return null;
  if (text.startsWith('{')) {
    // Cheap test first: a busy worker writes many info lines a second.
    if (!/"level":\s*[5-9]\d/.test(text)) return null;
    try {
      const entry = JSON.parse(text) as { level?: unknown; msg?: unknown; err?: unknown; error?: unknown };
      if (typeof entry.level !== 'number' || entry.level < 50) return null;
      const msg = typeof entry.msg === 'string' ? entry.msg : 'error';
      const err = entry.err ?? entry.error;
      const detail = typeof err === 'string' ? err : (err as { message?: unknown } | undefined)?.message;
      return clip(typeof detail === 'string' && detail && detail !== msg ? `${msg}: ${detail}` : msg);
    } catch {
      return null;
    }
  }
  if (stream === 'stdout') return null;
  // Indented lines are stack frames, error causes and the source excerpt of an uncaught exception.
  if (/^\s/.test(line) || /^\^+$/.test(text) || /^Node\.js v\d/.test(text)) return null;
  if (/^\(node:\d+\) \w*Warning/.test(text) || text.startsWith('(Use `node --trace')) return null;
  return clip(text);
}

/** The last few error lines of one child's output, fed line by line. */
export class ErrorTail {
  private readonly kept: string[] = [];
  // How many of the last two stderr lines were kept: undone when a caret line shows they were
  // the `file:line` and source excerpt Node prints above an uncaught exception.
  private recentStderr: boolean[] = [];

  constructor(private readonly shown = 2) {}

  add(line: string, stream: 'stdout' | 'stderr'): void {
    const text = errorLine(line, stream);
    if (stream === 'stderr') {
      if (/^\s*\^+\s*$/.test(line)) {
        for (const wasKept of this.recentStderr) if (wasKept) this.kept.pop();
        this.recentStderr = [];
        return;
      }
      this.recentStderr = [...this.recentStderr, text !== null].slice(-2);
    }
    if (text === null) return;
    this.kept.push(text);
    if (this.kept.length > this.shown + 2) this.kept.shift();
  }

  lines(): string[] {
    return this.kept.slice(-this.shown);
  }
}

/**
 * Collects a child's last error lines from the same streams its log file is written from: no
 * reading back a log that earlier runs appended to and whose last writes may still be in flight.
 */
function watchErrors(child: ChildProcess): ErrorTail {
  const tail = new ErrorTail();
  const tap = (stream: Readable | null, name: 'stdout' | 'stderr') => {
    if (!stream) return;
    const decoder = new StringDecoder('utf8');
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (partial + decoder.write(chunk)).split('\n');
      partial = (parts.pop() ?? '').slice(-4096);
      for (const part of parts) tail.add(part, name);
    });
    stream.on('end', () => tail.add(partial + decoder.end(), name));
  };
  tap(child.stdout, 'stdout');
  tap(child.stderr, 'stderr');
  return tail;
}

export function describeExit(code: number | null, signal: string | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

function describeCrash(name: string, exit: string, errors: string[], logFile: string | null): string {
  const last = errors.length > 0 ? `last error: ${errors.join(' | ')}` : 'no error output';
  return `${name} ${exit} — ${last}${logFile ? `; log ${path.relative(root, logFile)}` : ''}`;
}

export function restartLine(
  name: string,
  exit: string,
  errors: string[],
  logFile: string | null,
  delayMs: number,
  restart: number,
): string {
  return `${describeCrash(name, exit, errors, logFile)}; restarting in ${delayMs / 1000} s (restart #${restart})`;
}

export function giveUpLine(
  name: string,
  exit: string,
  errors: string[],
  logFile: string | null,
  crashes: number,
  windowMs: number,
): string {
  return `${describeCrash(name, exit, errors, logFile)}; ${name} crashed ${crashes} times within ${windowMs / 1000} s, giving up and stopping the demo`;
}

export interface Supervised {
  readonly name: string;
  /** The running instance; null between a crash and its restart. */
  readonly current: Managed | null;
  /** Stops the running instance and cancels a pending restart; nothing is started after this. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** One line per crash. */
  report: (line: string) => void;
  /** Called once when the child crashed too often; the supervisor has stopped by then. */
  onGiveUp: () => void;
  policy?: RestartPolicy;
}

// Output may still be in the pipes when 'exit' fires; 'close' follows once they are drained.
// Bounded, because a grandchild holding the pipes open must not delay the restart.
const drained = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) resolve();
    const timer = setTimeout(resolve, 1_000);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export function supervise(name: string, start: () => Managed, options: SuperviseOptions): Supervised {
  const policy = options.policy ?? defaultPolicy;
  let state = initialCrashState;
  let current: Managed | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Unknown until an instance started: start() itself may throw.
  let logFile: string | null = null;

  const crashed = (startedAt: number, exitedAt: number, exit: string, errors: string[]) => {
    const decision = onCrash(state, { startedAt, exitedAt }, policy);
    state = decision.state;
    if (decision.action === 'give-up') {
      stopped = true;
      options.report(giveUpLine(name, exit, errors, logFile, decision.crashes, decision.windowMs));
      options.onGiveUp();
      return;
    }
    options.report(restartLine(name, exit, errors, logFile, decision.delayMs, decision.restart));
    timer = setTimeout(run, decision.delayMs);
  };

  const run = () => {
    timer = undefined;
    if (stopped) return;
    const startedAt = Date.now();
    let instance: Managed;
    try {
      instance = start();
    } catch (error) {
      crashed(startedAt, Date.now(), 'failed to start', [clip((error as Error).message)]);
      return;
    }
    current = instance;
    logFile = instance.logFile;
    const errors = watchErrors(instance.child);
    void instance.exited.then(async (code) => {
      const exitedAt = Date.now();
      const exit = describeExit(code, instance.child.signalCode);
      await drained(instance.child);
      // Checked after the wait: a Ctrl-C in a terminal reaches the children too, and their exit
      // may be seen before our own SIGINT handler has run.
      if (stopped) return;
      current = null;
      crashed(startedAt, exitedAt, exit, errors.lines());
    });
  };

  run();
  return {
    name,
    get current() {
      return current;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current?.stop();
    },
  };
}
