// The demo's restart policy (backoff, reset, crash window), the error lines shown after a crash,
// and the supervisor over real short-lived child processes.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Managed } from '@/scripts/lib/processes';
import {
  backoffMs,
  type CrashState,
  defaultPolicy,
  ErrorTail,
  errorLine,
  initialCrashState,
  onCrash,
  type RestartPolicy,
  supervise,
} from '@/scripts/lib/supervise';

describe('restart policy', () => {
  it('doubles the delay from 1 s and caps it at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffMs(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect(backoffMs(5000)).toBe(30_000);
  });

  it('restarts fast crashers with growing delays and gives up at the 5th crash within 2 minutes', () => {
    let state: CrashState = initialCrashState;
    let t = 0;
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const decision = onCrash(state, { startedAt: t, exitedAt: t + 500 }, defaultPolicy);
      expect(decision).toMatchObject({ action: 'restart', restart: i + 1 });
      if (decision.action !== 'restart') return;
      delays.push(decision.delayMs);
      state = decision.state;
      t += 500 + decision.delayMs;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(onCrash(state, { startedAt: t, exitedAt: t + 500 })).toMatchObject({
      action: 'give-up',
      crashes: 5,
      windowMs: 120_000,
    });
  });

  it('starts the backoff over after an instance stayed up a minute', () => {
    let state: CrashState = { consecutive: 4, recent: [7_000], restarts: 4 };
    const decision = onCrash(state, { startedAt: 20_000, exitedAt: 80_000 });
    expect(decision).toMatchObject({ action: 'restart', delayMs: 1_000, restart: 5 });
    if (decision.action === 'restart') state = decision.state;
    expect(state.consecutive).toBe(1);
  });

  it('forgets crashes that left the window', () => {
    const state: CrashState = { consecutive: 2, recent: [0, 10_000, 20_000, 30_000], restarts: 4 };
    // 0 and 10 000 are more than 2 minutes before 135 000: three crashes in the window, not five.
    const decision = onCrash(state, { startedAt: 130_000, exitedAt: 135_000 });
    expect(decision).toMatchObject({ action: 'restart', delayMs: 4_000, restart: 5 });
    if (decision.action === 'restart') expect(decision.state.recent).toEqual([20_000, 30_000, 135_000]);
  });

  it('leaves the state it was given alone', () => {
    const state: CrashState = { consecutive: 1, recent: [5], restarts: 1 };
    onCrash(state, { startedAt: 10, exitedAt: 20 });
    expect(state).toEqual({ consecutive: 1, recent: [5], restarts: 1 });
  });
});

describe('error lines', () => {
  it('takes error and fatal pino entries from stdout, with the error message', () => {
    const fatal = JSON.stringify({
      level: 60,
      pid: 1,
      msg: 'worker failed to start',
      err: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432', stack: 'Error: …\n    at x' },
    });
    expect(errorLine(fatal, 'stdout')).toBe('worker failed to start: connect ECONNREFUSED 127.0.0.1:5432');
    expect(errorLine('{"level":50,"msg":"batch failed"}', 'stdout')).toBe('batch failed');
    expect(errorLine('{"level":30,"msg":"batch committed"}', 'stdout')).toBeNull();
    expect(errorLine('{"level":40,"msg":"rebalancing"}', 'stdout')).toBeNull();
    expect(errorLine('[simulator] 100 events sent', 'stdout')).toBeNull();
  });

  it('takes plain stderr lines but not stack frames, carets or Node noise', () => {
    expect(errorLine('[simulator] Connection error: connect ECONNREFUSED', 'stderr')).toBe(
      '[simulator] Connection error: connect ECONNREFUSED',
    );
    expect(errorLine('Error: boom', 'stderr')).toBe('Error: boom');
    for (const noise of [
      '    at main (/work/main/workers/index.ts:12:3)',
      '  throw new Error("boom")',
      '  ^',
      '^',
      'Node.js v20.19.0',
      '(node:123) ExperimentalWarning: something',
      '',
    ]) {
      expect(errorLine(noise, 'stderr')).toBeNull();
    }
    expect(errorLine('x'.repeat(1000), 'stderr')?.length).toBe(301);
  });

  it('keeps the last two, and drops the source excerpt above an uncaught exception', () => {
    const tail = new ErrorTail();
    const uncaught = [
      '{"level":50,"msg":"batch failed","err":{"message":"deadlock detected"}}',
      '/work/main/workers/index.ts:150',
      "setTimeout(() => { throw new Error('boom'); }, 1500);",
      '                   ^',
      '',
      'Error: boom',
      '    at Timeout._onTimeout (/work/main/workers/index.ts:150:26)',
      '',
      'Node.js v20.19.0',
    ];
    for (const [i, line] of uncaught.entries()) tail.add(line, i === 0 ? 'stdout' : 'stderr');
    expect(tail.lines()).toEqual(['batch failed: deadlock detected', 'Error: boom']);
    expect(new ErrorTail().lines()).toEqual([]);
  });
});

// A Managed over `node -e <code>`, like startNode without the log file.
function nodeChild(name: string, code: string): Managed {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume();
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return {
    name,
    child,
    logFile: path.join('.pulse', 'logs', `${name}.log`),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const fastPolicy: RestartPolicy = {
  initialDelayMs: 20,
  maxDelayMs: 80,
  resetAfterMs: 60_000,
  maxCrashes: 3,
  windowMs: 60_000,
};

describe('supervise', () => {
  it('restarts a crashing child, reports its error, and gives up after too many crashes', async () => {
    const lines: string[] = [];
    let starts = 0;
    await new Promise<void>((resolve) => {
      supervise(
        'crasher',
        () => {
          starts++;
          return nodeChild('crasher', 'console.error("[crasher] database unreachable"); process.exit(3)');
        },
        { report: (line) => lines.push(line), onGiveUp: resolve, policy: fastPolicy },
      );
    });
    expect(starts).toBe(3);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `crasher exited with code 3 — last error: [crasher] database unreachable; log ${path.join('.pulse', 'logs', 'crasher.log')}; restarting in 0.02 s (restart #1)`,
    );
    expect(lines[1]).toContain('restarting in 0.04 s (restart #2)');
    expect(lines[2]).toContain('crasher crashed 3 times within 60 s, giving up');
  });

  it('names the signal of a killed child and schedules nothing once stopped', async () => {
    const lines: string[] = [];
    let starts = 0;
    const supervised = supervise(
      'sleeper',
      () => {
        starts++;
        return nodeChild('sleeper', 'setInterval(() => {}, 1000)');
      },
      {
        report: (line) => lines.push(line),
        onGiveUp: () => {},
        policy: { ...fastPolicy, initialDelayMs: 200, maxDelayMs: 200 },
      },
    );
    supervised.current?.child.kill('SIGKILL');
    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]).toMatch(/^sleeper was killed by SIGKILL — no error output; .*restarting in 0.2 s \(restart #1\)$/);
    expect(supervised.current).toBeNull();
    // Stopping during the backoff cancels the restart.
    await supervised.stop();
    await new Promise((r) => setTimeout(r, 400));
    expect(starts).toBe(1);
    expect(lines).toHaveLength(1);
  });

  it('does not report or restart a child it stopped itself', async () => {
    const lines: string[] = [];
    let starts = 0;
    const supervised = supervise(
      'web',
      () => {
        starts++;
        return nodeChild('web', 'setInterval(() => {}, 1000)');
      },
      { report: (line) => lines.push(line), onGiveUp: () => {}, policy: fastPolicy },
    );
    const first = supervised.current;
    await supervised.stop();
    expect(first?.child.signalCode).toBe('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    expect(starts).toBe(1);
    expect(lines).toEqual([]);
  });
});
