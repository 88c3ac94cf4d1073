// The closing table of `npm run bench -- --peer`, and the same figures as JSON
// (.pulse/bench/latest-peer.json).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { root } from '@/scripts/lib/processes';
import type { ProduceFigures } from './ingest';
import type { SystemFigures } from './peer-systems';
import { mib } from './proc-stats';
import { table } from './report';

export interface PeerDatasetReport {
  name: 'live' | 'backfill';
  spanMinutes: number;
  unique: number;
  duplicates: number;
  messages: number;
  avgMessageBytes: number;
  produce: ProduceFigures;
  systems: SystemFigures[];
  /** Pulse worker msg/s ÷ Kafka Streams msg/s (wall clock, start-up included). */
  pulseOverStreams: number | null;
  /** The same for the sustained rates. */
  pulseOverStreamsSustained: number | null;
}

export interface PeerReport {
  startedAt: string;
  totalSeconds: number;
  options: { events: number; quick: boolean; streamThreads: number; streamsHeapMb: number };
  machine: { cores: number; node: string; java: string; postgres: string; kafka: string };
  datasets: PeerDatasetReport[];
  ok: boolean;
}

const n = (v: number | null) => (v === null ? '–' : Math.round(v).toLocaleString('en-US'));
/** CPU milliseconds per 1,000 messages. */
const per1k = (cpu: number | null, messages: number) => (cpu === null ? '–' : ((cpu * 1e6) / messages).toFixed(0));

export function formatPeerReport(r: PeerReport): string {
  const m = r.machine;
  const out = [
    `\n═══ Pulse vs Kafka Streams — ${r.startedAt} — ${m.cores} cores, Node ${m.node}, ${m.java}, ${m.postgres}, Kafka: ${m.kafka} ═══`,
    `Kafka Streams: ${r.options.streamThreads} stream threads, -Xmx${r.options.streamsHeapMb}m, exactly_once_v2, RocksDB stores.`,
    'CPU: ms per 1,000 messages. sustained: msg/s after start-up and group join (Pulse: after its first commit).',
    'other load: cores busy with processes outside the run during the phase (above ~0.1: a busy machine, low figures).',
  ];
  for (const d of r.datasets) {
    out.push(
      `\n${d.name}: ${n(d.unique)} sales + ${n(d.duplicates)} redelivered duplicates over the last ${d.spanMinutes >= 1440 ? `${d.spanMinutes / 1440} days` : `${d.spanMinutes} minutes`}, ` +
        `one 6-partition topic, ${d.avgMessageBytes} B/message (produced at ${n(d.produce.perSec)} msg/s)`,
    );
    out.push(
      table(
        [
          'system',
          'msg/s',
          'sustained',
          'wall s',
          'CPU',
          'broker CPU',
          'Postgres CPU',
          'peak RSS',
          'other load',
          'check',
        ],
        d.systems.map((s) => [
          s.system,
          n(s.perSec),
          n(s.sustainedPerSec),
          s.wallSeconds.toFixed(1),
          per1k(s.cpuSeconds, s.messages),
          per1k(s.brokerCpuSeconds, s.messages),
          per1k(s.postgresCpuSeconds, s.messages),
          mib(s.peakRssBytes),
          s.otherLoadCores === null ? '–' : s.otherLoadCores.toFixed(2),
          s.ok ? 'ok' : 'FAILED',
        ]),
      ),
    );
    for (const s of d.systems) out.push(`  ${s.ok ? '✓' : '✗'} ${s.system}: ${s.check}`);
    if (d.pulseOverStreams !== null) {
      const sustained =
        d.pulseOverStreamsSustained === null ? '' : `, ${d.pulseOverStreamsSustained.toFixed(2)}× sustained`;
      out.push(
        `  Pulse / Kafka Streams: ${d.pulseOverStreams.toFixed(2)}× the throughput (msg/s, wall clock)${sustained}`,
      );
    }
  }
  out.push(
    `\n${r.ok ? 'All figures verified against the produced data.' : '✖ SOME CHECKS FAILED'} (${r.totalSeconds.toFixed(0)} s)`,
  );
  return out.join('\n');
}

export async function writePeerReport(report: PeerReport): Promise<string> {
  const dir = path.join(root, '.pulse', 'bench');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'latest-peer.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
