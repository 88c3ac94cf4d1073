// Pure parts of npm run replay: arguments, cut-off arithmetic, read plan, progress, report.
import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { retentionMs } from '@/lib/ingest/kafka';
import {
  ArgumentError,
  CELL_MS,
  cutoffForOffset,
  cutoffForTime,
  MAX_EVENT_LEAD_MS,
  parseFrom,
  parseReplayArgs,
  planReadStarts,
  readFromTime,
} from '@/workers/replay/options';
import {
  etaMs,
  formatDuration,
  type PartitionProgress,
  progressTotals,
  ratePerSecond,
  renderBar,
  renderProgress,
} from '@/workers/replay/progress';
import type { ReplayReport } from '@/workers/replay/run-replay';
import { formatReport } from '@/workers/replay/summary';

const t = (iso: string) => Date.parse(iso);

describe('replay arguments', () => {
  it('defaults to a full replay that drops the replaced tables', () => {
    expect(parseReplayArgs([])).toEqual({ what: 'sales', from: { kind: 'earliest' }, keepOld: false, help: false });
  });

  it('reads --from as earliest, an offset or an RFC 3339 time (a date is its UTC midnight)', () => {
    expect(parseFrom('earliest')).toEqual({ kind: 'earliest' });
    expect(parseFrom('0')).toEqual({ kind: 'offset', offset: 0n });
    expect(parseFrom('123456789012')).toEqual({ kind: 'offset', offset: 123456789012n });
    expect(parseFrom('2026-11-20T05:30:00Z')).toEqual({ kind: 'time', ms: t('2026-11-20T05:30:00Z') });
    expect(parseFrom('2026-11-20T05:30:00+02:00')).toEqual({ kind: 'time', ms: t('2026-11-20T03:30:00Z') });
    expect(parseFrom('2026-11-20')).toEqual({ kind: 'time', ms: t('2026-11-20T00:00:00Z') });
    expect(parseReplayArgs(['--from', '42', '--keep-old'])).toEqual({
      what: 'sales',
      from: { kind: 'offset', offset: 42n },
      keepOld: true,
      help: false,
    });
  });

  it.each(['yesterday', '-5', '1.5', '2026-13-01', '2026-11-20T05:30:00', ''])(
    'rejects --from %j with a message naming it',
    (value) => {
      expect(() => parseFrom(value)).toThrow(ArgumentError);
      expect(() => parseFrom(value)).toThrow(/^--from must be earliest, an offset/);
    },
  );

  it('--what chooses the sales aggregates, the inventory stock or the action episodes; the last two only from the start', () => {
    expect(parseReplayArgs(['--what', 'sales', '--from', '2026-11-20']).what).toBe('sales');
    expect(parseReplayArgs(['--what', 'inventory', '--keep-old'])).toEqual({
      what: 'inventory',
      from: { kind: 'earliest' },
      keepOld: true,
      help: false,
    });
    expect(parseReplayArgs(['--what', 'inventory', '--from', 'earliest']).from).toEqual({ kind: 'earliest' });
    expect(() => parseReplayArgs(['--what', 'inventory', '--from', '42'])).toThrow(/--from is for sales only/);
    expect(() => parseReplayArgs(['--what', 'inventory', '--from', '2026-11-20'])).toThrow(ArgumentError);
    expect(parseReplayArgs(['--what', 'actions']).what).toBe('actions');
    expect(() => parseReplayArgs(['--what', 'actions', '--from', '42'])).toThrow(/--what actions always replays/);
    expect(() => parseReplayArgs(['--what', 'stock'])).toThrow(
      /--what must be sales, inventory or actions \(got "stock"\)/,
    );
  });

  it('rejects unknown options and stray arguments', () => {
    expect(() => parseReplayArgs(['--form', 'earliest'])).toThrow(ArgumentError);
    expect(() => parseReplayArgs(['earliest'])).toThrow(ArgumentError);
    expect(() => parseReplayArgs(['--from'])).toThrow(ArgumentError);
  });
});

describe('replay cut-off', () => {
  it('is the start of a UTC day: rebuilt and kept buckets never share a cell of any grain', () => {
    expect(CELL_MS).toBe(86_400_000);
    expect(cutoffForTime(t('2026-11-20T17:45:12Z'))).toBe(t('2026-11-20T00:00:00Z'));
    expect(cutoffForTime(t('2026-11-20T00:00:00Z'))).toBe(t('2026-11-20T00:00:00Z'));
  });

  it('reads from an hour before the cut-off (messages may be stamped a little before their event)', () => {
    expect(MAX_EVENT_LEAD_MS).toBe(3_600_000);
    expect(readFromTime(t('2026-11-20T00:00:00Z'))).toBe(t('2026-11-19T23:00:00Z'));
  });

  it('for --from <offset> starts at the first UTC day an hour after the newest message not read', () => {
    expect(cutoffForOffset([t('2026-11-20T10:00:00Z'), t('2026-11-20T22:59:59Z')])).toBe(t('2026-11-21T00:00:00Z'));
    expect(cutoffForOffset([t('2026-11-20T23:00:00Z')])).toBe(t('2026-11-21T00:00:00Z'));
    expect(cutoffForOffset([t('2026-11-20T23:00:01Z')])).toBe(t('2026-11-22T00:00:00Z'));
  });
});

describe('replay read plan', () => {
  const bounds = [
    { partition: 0, low: 0n, high: 100n },
    { partition: 1, low: 0n, high: 40n },
  ];

  it('full replay: offset 0 everywhere while nothing was deleted', () => {
    expect(planReadStarts({ kind: 'earliest' }, bounds)).toEqual({
      starts: new Map([
        [0, 0n],
        [1, 0n],
      ]),
      problems: [],
    });
  });

  it('full replay: refused on a partition whose first messages retention deleted', () => {
    const plan = planReadStarts({ kind: 'earliest' }, [...bounds, { partition: 2, low: 5n, high: 9n }]);
    expect(plan.problems).toEqual(['partition 2: needs offsets from 0, but keeps only offsets 5–8']);
  });

  it('--from <offset>: that offset, or the end of a shorter partition; refused below the log start', () => {
    const plan = planReadStarts({ kind: 'offset', offset: 50n }, [...bounds, { partition: 2, low: 40n, high: 60n }]);
    expect(plan.starts).toEqual(
      new Map([
        [0, 50n],
        [1, 40n],
        [2, 50n],
      ]),
    );
    expect(plan.problems).toEqual([]);
    expect(planReadStarts({ kind: 'offset', offset: 3n }, [{ partition: 0, low: 7n, high: 9n }]).problems).toEqual([
      'partition 0: needs offsets from 3, but keeps only offsets 7–8',
    ]);
    // Right at a trimmed log start: the deleted messages before it may carry later events.
    expect(planReadStarts({ kind: 'offset', offset: 7n }, [{ partition: 0, low: 7n, high: 9n }]).problems).toEqual([
      'partition 0: keeps only offsets 7–8; messages needed before offset 7 were deleted',
    ]);
  });

  it('--from <time>: the offsets Kafka gives for it; refused when that is a log start retention moved', () => {
    const from = { kind: 'time', ms: 0 } as const;
    const ok = planReadStarts(from, bounds, new Map([[0, 30n]]));
    expect(ok.starts).toEqual(
      new Map([
        [0, 30n],
        [1, 40n],
      ]),
    );
    expect(ok.problems).toEqual([]);
    // Kafka answers the log start itself: older, deleted messages may have been needed.
    const gone = planReadStarts(from, [{ partition: 0, low: 12n, high: 20n }], new Map([[0, 12n]]));
    expect(gone.problems).toEqual([
      'partition 0: keeps only offsets 12–19; messages needed before offset 12 were deleted',
    ]);
    expect(planReadStarts(from, [{ partition: 0, low: 0n, high: 20n }], new Map([[0, 0n]])).problems).toEqual([]);
  });
});

describe('replay progress', () => {
  const parts: PartitionProgress[] = [
    { partition: 0, start: 0n, next: 300n, target: 1000n },
    { partition: 1, start: 100n, next: 600n, target: 600n },
    // The workers were behind the replay's start: nothing to do there.
    { partition: 2, start: 50n, next: 50n, target: 20n },
  ];

  it('adds up done and total per partition', () => {
    expect(progressTotals(parts)).toEqual({ done: 800, total: 1500, fraction: 800 / 1500 });
    expect(progressTotals([]).fraction).toBe(1);
  });

  it('measures the rate over a recent window and derives the ETA', () => {
    const samples = [
      { atMs: 0, done: 0 },
      { atMs: 20_000, done: 1000 },
      { atMs: 25_000, done: 2000 },
      { atMs: 30_000, done: 4000 },
    ];
    expect(ratePerSecond(samples, 30_000)).toBe(300); // 3,000 messages in the last 10 s
    expect(ratePerSecond(samples.slice(0, 1), 30_000)).toBe(0);
    expect(etaMs(1500, 300)).toBe(5000);
    expect(etaMs(1500, 0)).toBeNull();
    expect(etaMs(0, 0)).toBe(0);
  });

  it('formats durations, bars and the progress lines', () => {
    expect(formatDuration(4000)).toBe('0:04');
    expect(formatDuration(125_000)).toBe('2:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(renderBar(0.5, 10)).toBe('█████░░░░░');
    expect(renderBar(2, 4)).toBe('████');
    const lines = renderProgress(
      'replay',
      parts,
      [
        { atMs: 0, done: 0 },
        { atMs: 4000, done: 800 },
      ],
      4000,
    );
    expect(lines[0]).toBe(`replay ${renderBar(800 / 1500)}  53.3% · 800/1,500 messages · 200 msg/s · ETA 0:04`);
    expect(lines[1]).toBe('  p0 300/1,000  p1 500/500  p2 0/0');
  });

  it('names the topic of each partition when a replay reads several', () => {
    const two: PartitionProgress[] = [
      { label: 'inventory:', partition: 0, start: 0n, next: 5n, target: 10n },
      { label: 'sales:', partition: 0, start: 0n, next: 7n, target: 7n },
    ];
    expect(renderProgress('replay', two, [], 0)[1]).toBe('  inventory:p0 5/10  sales:p0 7/7');
  });
});

describe('replay report', () => {
  const report: ReplayReport = {
    schema: 'pulse_replay_x',
    keptOldSchema: null,
    cutoff: null,
    swappedAt: new Date('2026-11-25T18:00:00.123Z'),
    stats: { messages: 3100, counted: 3000, duplicates: 60, rejected: 40, kept: 0, late: 0 },
    copiedRows: 0,
    durationMs: 2000,
    fenceMs: 120.4,
    tailMessages: 12,
    swapLockMs: 3.25,
    comparison: [
      {
        table: 'sales_rollup',
        liveRows: 10,
        replayRows: 10,
        onlyLive: 0,
        onlyReplay: 0,
        totals: [{ grain: 'd', metric: 'orders', live: '3000', replay: '3000' }],
      },
    ],
    equal: true,
  };

  it('summarises counts, timings and the check', () => {
    const text = formatReport(report).join('\n');
    expect(text).toContain('messages read       3,100');
    expect(text).toContain('events counted      3,000');
    expect(text).toContain('duplicates dropped  60');
    expect(text).toContain('rejected (invalid)  40');
    expect(text).toContain('duration            0:02 (1,550 messages/s)');
    expect(text).toContain('swapped at          2026-11-25T18:00:00.123Z');
    expect(text).toContain('workers fenced      120 ms (12 last messages applied meanwhile)');
    expect(text).toContain('swap lock           3.3 ms');
    expect(text).toContain('sales_rollup: 10 cells replayed, 10 replaced · every cell equal');
    expect(text).toContain('grain d totals equal: orders 3,000');
    expect(text).toContain('result: equal. The replaced tables were dropped.');
  });

  it('says loudly when the tables differ and where the replaced ones are', () => {
    const different: ReplayReport = {
      ...report,
      equal: false,
      keptOldSchema: 'pulse_replay_x_old',
      comparison: [
        {
          table: 'sales_rollup',
          liveRows: 10,
          replayRows: 9,
          onlyLive: 2,
          onlyReplay: 1,
          totals: [{ grain: 'd', metric: 'orders', live: '3001', replay: '3000' }],
        },
      ],
    };
    const text = formatReport(different).join('\n');
    expect(text).toContain('2 replaced and 1 replayed cells differ');
    expect(text).toContain('grain d totals DIFFER (replayed ≠ replaced): orders 3,000 ≠ 3,001');
    expect(text).toContain('result: DIFFERENT.');
    expect(text).toContain('kept in schema pulse_replay_x_old');
  });
});

describe('topic retention configuration', () => {
  it('defaults to 30 days for both topics; accepts fractions and forever', () => {
    const env = parseEnv({});
    expect(env.SALES_RETENTION_DAYS).toBe(30);
    expect(env.SALES_DLQ_RETENTION_DAYS).toBe(30);
    expect(retentionMs(env.SALES_RETENTION_DAYS)).toBe(2_592_000_000);
    expect(parseEnv({ SALES_RETENTION_DAYS: 'forever' }).SALES_RETENTION_DAYS).toBe('forever');
    expect(retentionMs('forever')).toBe(-1);
    expect(retentionMs(parseEnv({ SALES_DLQ_RETENTION_DAYS: '0.5' }).SALES_DLQ_RETENTION_DAYS)).toBe(43_200_000);
  });

  it.each([
    ['SALES_RETENTION_DAYS', '0'],
    ['SALES_RETENTION_DAYS', 'a week'],
    ['SALES_RETENTION_DAYS', '-1'],
    ['SALES_DLQ_RETENTION_DAYS', '40000'],
  ])('a bad %s %j stops start-up naming it', (variable, value) => {
    expect(() => parseEnv({ [variable]: value })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
