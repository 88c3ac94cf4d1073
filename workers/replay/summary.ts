// The report printed at the end of npm run replay (pure, unit-tested).
import type { TableComparison } from '@/lib/queries/replay/compare-replay-tables';
import { formatCount, formatDuration } from './progress';
import type { ReplayReport } from './run-replay';

const bigCount = (value: string) => BigInt(value).toLocaleString('en-US');

export function formatComparison(comparison: readonly TableComparison[]): string[] {
  const lines = ['check at the swap — replayed tables vs the tables they replaced, shards added up:'];
  for (const t of comparison) {
    const same = t.onlyLive === 0 && t.onlyReplay === 0;
    lines.push(
      `  ${t.table}: ${formatCount(t.replayRows)} cells replayed, ${formatCount(t.liveRows)} replaced · ${
        same
          ? 'every cell equal'
          : `${formatCount(t.onlyLive)} replaced and ${formatCount(t.onlyReplay)} replayed cells differ`
      }`,
    );
    for (const grain of [...new Set(t.totals.map((m) => m.grain))]) {
      const metrics = t.totals.filter((m) => m.grain === grain);
      const equal = metrics.every((m) => m.live === m.replay);
      const figures = metrics.map((m) =>
        m.live === m.replay
          ? `${m.metric} ${bigCount(m.replay)}`
          : `${m.metric} ${bigCount(m.replay)} ≠ ${bigCount(m.live)}`,
      );
      lines.push(
        `    ${grain === '*' ? 'totals' : `grain ${grain} totals`} ${equal ? 'equal' : 'DIFFER (replayed ≠ replaced)'}: ${figures.join(' · ')}`,
      );
    }
  }
  return lines;
}

export function formatReport(report: ReplayReport): string[] {
  const { stats } = report;
  const rate = report.durationMs > 0 ? (stats.messages * 1000) / report.durationMs : 0;
  const rows: [string, string][] = [
    ['messages read', formatCount(stats.messages)],
    ['events counted', formatCount(stats.counted)],
    ['duplicates dropped', formatCount(stats.duplicates)],
    ['rejected (invalid)', formatCount(stats.rejected)],
  ];
  if (report.cutoff) {
    rows.push(['cut-off', report.cutoff.toISOString()]);
    rows.push(['rows kept before it', formatCount(report.copiedRows)]);
    rows.push(['events before it, already kept', formatCount(stats.kept)]);
    rows.push(['late events before it, added', formatCount(stats.late)]);
  }
  rows.push(
    ['duration', `${formatDuration(report.durationMs)} (${formatCount(rate)} messages/s)`],
    ['swapped at', report.swappedAt.toISOString()],
    [
      'workers fenced',
      `${report.fenceMs.toFixed(0)} ms (${formatCount(report.tailMessages)} last messages applied meanwhile)`,
    ],
    ['swap lock', `${report.swapLockMs.toFixed(1)} ms (readers of the aggregates could wait this long)`],
  );
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [
    'replay summary:',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    ...formatComparison(report.comparison),
  ];
  if (report.equal) {
    lines.push(
      report.keptOldSchema
        ? `result: equal. The replaced tables are kept in schema ${report.keptOldSchema} (DROP SCHEMA ${report.keptOldSchema} CASCADE when done).`
        : 'result: equal. The replaced tables were dropped.',
    );
  } else {
    lines.push(
      `result: DIFFERENT. The dashboard now shows the replayed numbers; the tables they replaced are kept in schema ${report.keptOldSchema} for inspection.`,
    );
  }
  return lines;
}
