// Progress of a replay on stderr: a bar redrawn in place on a terminal, a line every few
// seconds otherwise (logs, CI). The arithmetic is pure and unit-tested.

export interface PartitionProgress {
  /** Names the topic when a replay reads several (e.g. `inventory:`); empty otherwise. */
  label?: string;
  partition: number;
  /** First offset read. */
  start: bigint;
  /** Next offset to apply: everything below is done. */
  next: bigint;
  /** Where the workers stand (the replay may not pass them); moves while they consume. */
  target: bigint;
}

export interface ProgressSample {
  atMs: number;
  done: number;
}

export interface ProgressTotals {
  done: number;
  total: number;
  /** 0…1 (1 when there is nothing to do). */
  fraction: number;
}

/** Math.max for offsets (bigint). */
const later = (a: bigint, b: bigint): bigint => (a > b ? a : b);

export function progressTotals(parts: readonly PartitionProgress[]): ProgressTotals {
  let done = 0n;
  let total = 0n;
  for (const p of parts) {
    done += p.next - p.start;
    total += later(p.target, p.next) - p.start;
  }
  return { done: Number(done), total: Number(total), fraction: total === 0n ? 1 : Number(done) / Number(total) };
}

/** Messages per second over the samples of the last `windowMs` (0 without two samples). */
export function ratePerSecond(samples: readonly ProgressSample[], nowMs: number, windowMs = 10_000): number {
  const recent = samples.filter((s) => s.atMs >= nowMs - windowMs);
  const first = recent[0];
  const last = recent.at(-1);
  if (!first || !last || last.atMs <= first.atMs) return 0;
  return ((last.done - first.done) * 1000) / (last.atMs - first.atMs);
}

/** Time left at `rate`, or null when it cannot be told (no rate yet). */
export function etaMs(remaining: number, rate: number): number | null {
  if (remaining <= 0) return 0;
  return rate > 0 ? (remaining / rate) * 1000 : null;
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function renderBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** The progress lines: the bar with totals, rate and ETA, then done/total per partition. */
export function renderProgress(
  label: string,
  parts: readonly PartitionProgress[],
  samples: readonly ProgressSample[],
  nowMs: number,
): string[] {
  const { done, total, fraction } = progressTotals(parts);
  const rate = ratePerSecond(samples, nowMs);
  const eta = etaMs(total - done, rate);
  const head = [
    `${label} ${renderBar(fraction)} ${(fraction * 100).toFixed(1).padStart(5)}%`,
    `${formatCount(done)}/${formatCount(total)} messages`,
    `${formatCount(rate)} msg/s`,
    `ETA ${eta === null ? '–' : formatDuration(eta)}`,
  ].join(' · ');
  const cells = parts.map(
    (p) =>
      `${p.label ?? ''}p${p.partition} ${formatCount(Number(p.next - p.start))}/${formatCount(Number(later(p.target, p.next) - p.start))}`,
  );
  const lines = [head];
  for (let i = 0; i < cells.length; i += 6) lines.push(`  ${cells.slice(i, i + 6).join('  ')}`);
  return lines;
}

/** Writes renderProgress to a stream: redrawn in place on a TTY, every `everyMs` otherwise. */
export class ProgressBar {
  private readonly samples: ProgressSample[] = [];
  private drawn = 0;
  private lastPrint = 0;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = out.isTTY ? 250 : 5000,
  ) {}

  update(label: string, parts: readonly PartitionProgress[], force = false): void {
    const now = Date.now();
    this.samples.push({ atMs: now, done: progressTotals(parts).done });
    while (this.samples.length > 2 && (this.samples[0]?.atMs ?? now) < now - 30_000) this.samples.shift();
    if (!force && now - this.lastPrint < this.everyMs) return;
    this.lastPrint = now;
    const lines = renderProgress(label, parts, this.samples, now);
    if (this.out.isTTY) {
      // Back to the first line drawn last time, clear to the end, draw again.
      if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`);
      this.out.write(`${lines.join('\n')}\n`);
      this.drawn = lines.length;
    } else {
      this.out.write(`${lines.join('\n')}\n`);
    }
  }

  /** The next output starts below the bar instead of overwriting it. */
  done(): void {
    this.drawn = 0;
  }

  rate(): number {
    return ratePerSecond(this.samples, Date.now());
  }
}
