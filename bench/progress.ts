// Progress lines for long phases: "producing 120000/200000 (41000/s)". On a terminal the line
// is rewritten in place; in a log (CI, `| tee`) a new line is printed every few seconds.
import { step } from '@/scripts/lib/progress';

const TTY_EVERY_MS = 250;
const LOG_EVERY_MS = 5_000;

export interface Counter {
  update(done: number, extra?: string): void;
  finish(summary: string): void;
}

export function counter(label: string, total: number): Counter {
  const tty = process.stdout.isTTY === true;
  const started = performance.now();
  let lastPrint = 0;
  let lastDone = 0;
  let lastAt = started;
  let rate = 0;
  let open = false;
  const line = (done: number, extra?: string) => {
    const pct = total > 0 ? ((100 * done) / total).toFixed(0) : '100';
    return `${label} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${pct}%, ${fmtRate(rate)}/s)${extra ? ` ${extra}` : ''}`;
  };
  return {
    update(done, extra) {
      const now = performance.now();
      if (now - lastPrint < (tty ? TTY_EVERY_MS : LOG_EVERY_MS)) return;
      // Rate over the interval since the last print: shows stalls instead of averaging them away.
      rate = ((done - lastDone) * 1000) / Math.max(1, now - lastAt);
      lastDone = done;
      lastAt = now;
      lastPrint = now;
      if (tty) {
        process.stdout.write(`\r\x1b[2K  ${line(done, extra)}`);
        open = true;
      } else step(`  ${line(done, extra)}`);
    },
    finish(summary) {
      if (open) process.stdout.write('\r\x1b[2K');
      step(`${label}: ${summary}`);
    },
  };
}

export function fmtRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  return Math.round(perSecond).toLocaleString('en-US');
}

export { step };
