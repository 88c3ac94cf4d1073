// npm run replay — arguments, and the arithmetic that decides what a replay reads and rebuilds.
// Pure functions (unit-tested); the replay itself is in run-replay.ts.
import { parseArgs } from 'node:util';
import { parseTimestamp } from '@/lib/domain/sales-event';
import { GRAINS } from '@/lib/domain/sales-rollup';

export type ReplayFrom = { kind: 'earliest' } | { kind: 'offset'; offset: bigint } | { kind: 'time'; ms: number };

/** What a replay rebuilds: the sales aggregates, or the inventory worker's stock tables. */
export const REPLAY_WHATS = ['sales', 'inventory', 'actions'] as const;
export type ReplayWhat = (typeof REPLAY_WHATS)[number];

export interface ReplayOptions {
  what: ReplayWhat;
  from: ReplayFrom;
  /** Keep the replaced tables (schema `<build>_old`) instead of dropping them after the check. */
  keepOld: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run replay -- [--what sales|inventory|actions] [--from earliest|<offset>|<time>] [--keep-old]

Rebuilds the aggregates from the sales topic into fresh tables while the workers keep
running, swaps them in atomically, then checks them cell by cell against the tables they
replaced (which are dropped unless --keep-old).

  --what sales      the sales aggregates, from the sales topic (default)
  --what inventory  the stock, its ledger and demand hours, from the inventory topic and
                    the sales topic, chasing and fencing the inventory worker; always
                    from the start of both topics (no --from)
  --what actions    the alert and suggestion episodes (acknowledged, snoozed, decided),
                    from the actions topic and the outbox not yet published, fencing
                    every writer of episodes; always from the start of the topic
  --from earliest   every message from offset 0 (default); refused if retention has
                    already deleted some
  --from <offset>   from this offset on every partition: buckets from the first UTC day
                    that starts at least an hour after the newest message before it are
                    rebuilt, earlier ones are kept from the live tables
  --from <time>     RFC 3339 (2026-11-20T00:00:00Z or 2026-11-20): buckets from the start
                    of that UTC day are rebuilt, earlier ones are kept from the live tables
  --keep-old        keep the replaced tables for inspection`;

export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function parseFrom(value: string): ReplayFrom {
  if (value === 'earliest') return { kind: 'earliest' };
  if (/^\d+$/.test(value)) return { kind: 'offset', offset: BigInt(value) };
  const ms = parseTimestamp(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (ms !== null) return { kind: 'time', ms };
  throw new ArgumentError(
    `--from must be earliest, an offset (a whole number) or an RFC 3339 time such as 2026-11-20T00:00:00Z (got ${JSON.stringify(value)})`,
  );
}

export function parseReplayArgs(argv: string[]): ReplayOptions {
  let values: { what?: string; from?: string; 'keep-old'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        what: { type: 'string' },
        from: { type: 'string' },
        'keep-old': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ArgumentError((err as Error).message);
  }
  const what = values.what ?? 'sales';
  if (!(REPLAY_WHATS as readonly string[]).includes(what)) {
    const choices = `${REPLAY_WHATS.slice(0, -1).join(', ')} or ${REPLAY_WHATS.at(-1)}`;
    throw new ArgumentError(`--what must be ${choices} (got ${JSON.stringify(what)})`);
  }
  const from = parseFrom(values.from ?? 'earliest');
  // A partial inventory replay would have to start every store×SKU from a known on-hand at the
  // cut-off (a snapshot of stock and ledger); not built: the inventory replay reads everything.
  if (what !== 'sales' && from.kind !== 'earliest') {
    throw new ArgumentError(`--what ${what} always replays from the start of its topics: --from is for sales only`);
  }
  return {
    what: what as ReplayWhat,
    from,
    keepOld: values['keep-old'] ?? false,
    help: values.help ?? false,
  };
}

/**
 * Rebuilt and kept buckets must not share a cell of any grain, so the cut-off is a boundary
 * of the coarsest cell (a UTC day).
 */
export const CELL_MS = Math.max(...Object.values(GRAINS));

/**
 * How much earlier than the event it carries a message may be stamped by Kafka. Workers
 * reject events more than 5 minutes ahead of their clock, so only a producer with a wrong
 * clock and a worker far behind could exceed this; the check after the swap would show it.
 */
export const MAX_EVENT_LEAD_MS = 3_600_000;

/** Buckets from this instant are rebuilt: the start of the UTC day of `ms`. */
export function cutoffForTime(ms: number): number {
  return Math.floor(ms / CELL_MS) * CELL_MS;
}

/** Kafka timestamp from which messages must be read to find every event at or after `cutoff`. */
export function readFromTime(cutoff: number): number {
  return cutoff - MAX_EVENT_LEAD_MS;
}

/**
 * For --from <offset>: the first cell boundary at least MAX_EVENT_LEAD_MS after the newest
 * message before the read start (on any partition), so that no event at or after it is in a
 * message that is not read. `newestBefore` holds those messages' timestamps.
 */
export function cutoffForOffset(newestBefore: number[]): number {
  return Math.ceil((Math.max(...newestBefore) + MAX_EVENT_LEAD_MS) / CELL_MS) * CELL_MS;
}

/** Math.min for offsets (bigint). */
const earlier = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export interface PartitionBounds {
  partition: number;
  /** Log start offset: older messages were deleted by retention. */
  low: bigint;
  /** High watermark: the offset the next message will get. */
  high: bigint;
}

export interface ReadPlan {
  /** First offset to read per partition. */
  starts: Map<number, bigint>;
  /** Why the replay cannot be exact (partitions whose needed messages are gone); empty if it can. */
  problems: string[];
}

/**
 * Where to start reading each partition, and whether the topic still holds what is needed.
 * `timeOffsets` (for --from <time>): per partition the first offset stamped at or after
 * readFromTime(cutoff), as Kafka answers it (the high watermark when there is none).
 */
export function planReadStarts(
  from: ReplayFrom,
  bounds: PartitionBounds[],
  timeOffsets: Map<number, bigint> = new Map(),
): ReadPlan {
  const starts = new Map<number, bigint>();
  const problems: string[] = [];
  for (const { partition, low, high } of bounds) {
    const range = low === high ? 'nothing' : `offsets ${low}–${high - 1n}`;
    let start = 0n;
    // An offset past the end of a partition starts at its end: nothing to read there.
    if (from.kind === 'offset') start = earlier(from.offset, high);
    if (from.kind === 'time') start = timeOffsets.get(partition) ?? high;
    starts.set(partition, start);
    if (low > start) {
      problems.push(`partition ${partition}: needs offsets from ${start}, but keeps only ${range}`);
    } else if (start === low && low > 0n) {
      // Starting right at the log start of a partition that retention has trimmed: what the
      // deleted messages before it carried cannot be told (Kafka also answers the log start
      // for a time whose messages are gone), so they may have been needed.
      problems.push(`partition ${partition}: keeps only ${range}; messages needed before offset ${low} were deleted`);
    }
  }
  return { starts, problems };
}
