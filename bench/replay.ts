// `npm run replay` timed on the 1-worker run's database and topic: the whole topic rebuilt into
// fresh tables, checked against the live ones and swapped in. The worker has stopped by then,
// so the replay runs alone; it must end with exit code 0 (swapped, every cell equal).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Managed, startNode } from '@/scripts/lib/processes';
import { LOG_DIR, type PulseTarget, pulseEnv } from './ingest';
import { peakRssBytes } from './proc-stats';
import { step } from './progress';

export interface ReplayFigures {
  messages: number;
  seconds: number;
  perSec: number;
  /** The replay's exit code: 0 = swapped and equal to the tables it replaced. */
  exitCode: number | null;
  peakRssBytes: number | null;
}

export async function measureReplay(
  run: PulseTarget & { messages: number; label: string },
  track: (p: Managed) => void,
): Promise<ReplayFigures> {
  step(`replay: npm run replay over ${run.messages.toLocaleString('en-US')} messages of ${run.topic}`);
  const started = performance.now();
  const replay = startNode(run.label, 'workers/replay.ts', [], pulseEnv(run), LOG_DIR);
  track(replay);
  let peak = 0;
  const sampler = setInterval(() => {
    const rss = replay.child.pid ? peakRssBytes(replay.child.pid) : null;
    if (rss) peak = Math.max(peak, rss);
  }, 500);
  const exitCode = await replay.exited;
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (exitCode !== 0) {
    const log = await readFile(path.join(LOG_DIR, `${run.label}.log`), 'utf8').catch(() => '');
    step(`⚠ replay ended with exit code ${exitCode}:\n${log.trimEnd().split('\n').slice(-15).join('\n')}`);
  }
  const perSec = run.messages / seconds;
  step(
    `replay: ${run.messages.toLocaleString('en-US')} messages in ${seconds.toFixed(1)} s (${Math.round(perSec).toLocaleString('en-US')}/s)`,
  );
  return { messages: run.messages, seconds, perSec, exitCode, peakRssBytes: peak || null };
}
