// What `npm run bench -- --peer` measures of each system (a and b: bench/peer-consumers.ts, c:
// bench/peer-streams.ts, d: the Pulse worker, below), and the helpers the phases share. CPU is
// the system's own process(es), with the broker's (and for Pulse, PostgreSQL's) share of the
// phase reported apart.
import { readFile } from 'node:fs/promises';
import type { Kafka } from 'kafkajs';
import type { Managed } from '@/scripts/lib/processes';
import type { Dataset } from './dataset';
import { type IngestFigures, measureIngest } from './ingest';
import type { Expected } from './peer-expected';
import { CLOCK_TICKS, cpuSeconds, machineCpu } from './proc-stats';
import type { BenchDatabase } from './services';

export type SystemName = 'kafkajs raw' | 'kafkajs + JSON.parse' | 'Kafka Streams' | 'Pulse worker';

export interface SystemFigures {
  system: SystemName;
  messages: number;
  /** Process start → everything read (and for Streams and Pulse: counted in their state). */
  wallSeconds: number;
  perSec: number;
  /**
   * The rate without process start-up and group join: from joining the group (Kafka Streams:
   * state RUNNING; Pulse: its first commit) to the end.
   */
  sustainedPerSec: number | null;
  /** CPU seconds of the system's own process(es) over the phase. */
  cpuSeconds: number | null;
  brokerCpuSeconds: number | null;
  /** Pulse only: its PostgreSQL backends. */
  postgresCpuSeconds: number | null;
  peakRssBytes: number | null;
  /**
   * Cores used during the phase by processes other than the system, the broker, PostgreSQL and
   * the bench itself: above ~0.1 the machine was busy with something else and the figures are low.
   */
  otherLoadCores: number | null;
  ok: boolean;
  /** What was compared with the produced data, and how it came out. */
  check: string;
}

export interface PhaseContext {
  kafka: Kafka;
  brokers: string[];
  brokerPid: number | null;
  topic: string;
  dlqTopic: string;
  label: string;
  dataset: Dataset;
  expected: Expected;
}

/** No progress for this long means a run is stuck, not slow. */
export const STALL_MS = 90_000;

export const brokerCpu = (pid: number | null) => (pid ? cpuSeconds(pid) : null);

/** Machine CPU and the bench's own at the start of a phase; `others` at its end gives the other load. */
export function loadMeter() {
  const machine0 = machineCpu();
  const self0 = process.cpuUsage();
  return {
    others(wallSeconds: number, ...ours: (number | null)[]): number | null {
      const machine1 = machineCpu();
      if (!machine0 || !machine1 || wallSeconds <= 0) return null;
      const self = process.cpuUsage(self0);
      const busy = (machine1.busy - machine0.busy) / CLOCK_TICKS;
      const known = ours.reduce<number>((sum, cpu) => sum + (cpu ?? 0), (self.user + self.system) / 1e6);
      return Math.max(0, busy - known) / wallSeconds;
    },
  };
}
export const delta = (a: number | null, b: number | null) => (a !== null && b !== null ? b - a : null);

export async function logTail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n') || '(empty log)';
}

export interface PulsePhase extends PhaseContext {
  db: BenchDatabase;
  groupId: string;
  track: (worker: Managed) => void;
}

/**
 * d: one Pulse worker process (workers/index.ts), timed by bench/ingest.ts until its facts are
 * rolled up to the topic end (the counted time, when every figure is exact, is reported too).
 */
export async function measurePulse(ctx: PulsePhase): Promise<{ figures: SystemFigures; ingest: IngestFigures }> {
  const ingest = await measureIngest(
    {
      label: `${ctx.label}-pulse`,
      workers: 1,
      kafka: ctx.kafka,
      brokers: ctx.brokers,
      brokerPid: ctx.brokerPid,
      db: ctx.db,
      topic: ctx.topic,
      dlqTopic: ctx.dlqTopic,
      groupId: ctx.groupId,
      dataset: ctx.dataset,
    },
    ctx.track,
  );
  const v = ingest.verification;
  return {
    ingest,
    figures: {
      system: 'Pulse worker',
      messages: ingest.messages,
      wallSeconds: ingest.wallSeconds,
      perSec: ingest.overallPerSec,
      sustainedPerSec: ingest.sustainedPerSec,
      cpuSeconds: ingest.workerCpuSeconds,
      brokerCpuSeconds: ingest.brokerCpuSeconds,
      postgresCpuSeconds: ingest.postgresCpuSeconds,
      peakRssBytes: ingest.peakRssBytes,
      otherLoadCores: ingest.otherLoadCores,
      ok: v.ok && ingest.rssWithinCap,
      check: `${
        v.ok
          ? `Postgres = produced: ${v.processedEvents.toLocaleString('en-US')} events, ${v.ordersAllCategories.toLocaleString('en-US')} orders, revenue ${v.revenueAllCategories} in the facts and every rollup`
          : `Postgres differs: ${JSON.stringify(v)}`
      }; every figure exact (counted) after ${ingest.countedSeconds.toFixed(1)} s (${Math.round(ingest.countedPerSec).toLocaleString('en-US')} msg/s), rolled up after ${ingest.wallSeconds.toFixed(1)} s (the msg/s above)`,
    },
  };
}
