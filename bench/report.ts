// The closing table of `npm run bench`, and the same figures as JSON for comparing runs.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { root } from '@/scripts/lib/processes';
import type { IngestFigures, ProduceFigures } from './ingest';
import type { InventoryFigures } from './inventory';
import type { LiveFigures } from './live';
import type { MicroFigures } from './micro';
import { mib } from './proc-stats';
import type { ProfileSummary } from './profile';
import type { QueryFigures } from './queries';
import type { ReplayFigures } from './replay';

export interface BenchReport {
  startedAt: string;
  totalSeconds: number;
  options: { events: number; quick: boolean };
  machine: {
    cores: number;
    node: string;
    postgres: string;
    kafka: string;
    /** Machine busy share in the second before the run: other load skews every figure. */
    backgroundBusy: number | null;
    /** The same, measured after everything of the run had stopped. */
    backgroundBusyAfter: number | null;
  };
  dataset: { unique: number; duplicates: number; avgMessageBytes: number; spanDays: number };
  micro: MicroFigures;
  produce: ProduceFigures[];
  ingest: IngestFigures[];
  queries: QueryFigures | null;
  replay: ReplayFigures | null;
  /** Sales ingest beside the inventory worker, and the inventory worker's own figures. */
  inventory?: InventoryFigures | null;
  live: LiveFigures | null;
  profile: ProfileSummary | null;
  ok: boolean;
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(0)}%`);

export function table(header: string[], rows: string[][], alignLeft = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i < alignLeft ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(fmt)].map((l) => `  ${l}`).join('\n');
}

export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `\n═══ Pulse bench — ${r.startedAt} — ${m.cores} cores, Node ${m.node}, ${m.postgres}, Kafka: ${m.kafka} ═══`,
    `dataset: ${n(r.dataset.unique)} sales + ${n(r.dataset.duplicates)} redelivered duplicates, ${r.dataset.avgMessageBytes} B/message, event times over ${r.dataset.spanDays} days`,
  );
  if ((m.backgroundBusy ?? 0) > 0.15) {
    out.push(
      `⚠ the machine was ${pct(m.backgroundBusy)} busy before the run started: figures are lower than on an idle machine`,
    );
  }

  out.push('\nDecode + facts (pure CPU, one core)');
  out.push(
    table(
      ['step', 'events/s'],
      [
        ['decodeSaleEvent', n(r.micro.decodePerSec)],
        ['factsOf (5000-event chunks)', n(r.micro.factsPerSec)],
        ['decode + facts', n(r.micro.decodeAndFactsPerSec)],
      ],
    ),
  );
  const { parts, skus } = r.micro.perFact;
  out.push(
    `  each event becomes one sale_fact row of ${parts.toFixed(2)} parts (whole order, categories, category set) and ${skus.toFixed(2)} SKU × category entries`,
  );

  out.push('\nProduce (kafkajs idempotent producer, 1000 messages per send)');
  out.push(
    table(
      ['topic', 'messages', 'seconds', 'msg/s'],
      r.produce.map((p, i) => [`#${i + 1}`, n(p.messages), p.seconds.toFixed(1), n(p.perSec)]),
    ),
  );

  out.push(
    `\nWorker ingest (Kafka → workers/index.ts → Postgres, ${r.ingest[0]?.messages ? n(r.ingest[0].messages) : '?'} messages, 6 partitions)`,
  );
  out.push(
    table(
      [
        'run',
        'counted ev/s',
        'sustained ev/s',
        'rolled-up ev/s',
        'wall s',
        '1st commit s',
        'peak RSS',
        'worker CPU',
        'PG CPU',
        'broker CPU',
        'CPU ms/1k ev',
        'machine busy',
        'others',
        'verified',
      ],
      r.ingest.map((g) => [
        `${g.workers} worker${g.workers > 1 ? 's' : ''}`,
        n(g.countedPerSec),
        n(g.sustainedPerSec),
        n(g.overallPerSec),
        g.wallSeconds.toFixed(1),
        g.firstCommitSeconds.toFixed(1),
        mib(g.peakRssBytes),
        `${g.workerCpuSeconds.toFixed(0)} s (${(g.workerCpuSeconds / g.wallSeconds).toFixed(2)})`,
        `${g.postgresCpuSeconds.toFixed(0)} s (${(g.postgresCpuSeconds / g.wallSeconds).toFixed(2)})`,
        g.brokerCpuSeconds === null ? '–' : `${g.brokerCpuSeconds.toFixed(0)} s`,
        n(((g.workerCpuSeconds + g.postgresCpuSeconds + (g.brokerCpuSeconds ?? 0)) * 1e6) / g.messages),
        pct(g.machineBusy),
        g.otherLoadCores === null ? '–' : g.otherLoadCores.toFixed(2),
        g.verification.ok ? 'yes' : 'NO',
      ]),
    ),
  );
  out.push(
    '  (counted: every event counted and every figure exact; rolled up: the facts also in the hour and day rollups. CPU: seconds used during the run, in brackets the average number of cores busy; CPU ms/1k ev: workers + their PostgreSQL backends + broker; others: cores used by unrelated processes)',
  );
  for (const g of r.ingest) {
    out.push(
      `  where the worker connections spent their time, ${g.workers} worker(s) (avg ${g.activity.avgBusyConnections.toFixed(2)} busy connections, autovacuum ${pct(g.activity.autovacuumShare)} of the time):`,
    );
    for (const a of g.activity.top.slice(0, 6)) out.push(`    ${pct(a.share).padStart(4)}  ${a.what}`);
  }

  if (r.profile) {
    out.push(
      `\nWorker CPU profile (1 worker: ${r.profile.cpuSeconds.toFixed(0)} s CPU in ${r.profile.seconds.toFixed(0)} s; ${path.relative(root, r.profile.file)})`,
    );
    out.push(
      `  by origin: ${r.profile.byOrigin
        .slice(0, 8)
        .map((o) => `${o.origin} ${pct(o.share)}`)
        .join(', ')}`,
    );
    for (const f of r.profile.topFunctions.slice(0, 10)) out.push(`    ${pct(f.share).padStart(4)}  ${f.fn}`);
  }

  if (r.queries) {
    out.push(
      `\nQuery latency (getOverview = its 8 queries in parallel, ${r.queries.runs} sequential runs per view after 2 warm-ups)`,
    );
    out.push(
      table(
        ['view', 'p50 ms', 'p95 ms', 'max ms', 'orders in view'],
        r.queries.cases.map((c) => [c.name, ms(c.latency.p50), ms(c.latency.p95), ms(c.latency.max), n(c.orders)]),
      ),
    );
    out.push('  each query alone (p50 ms):');
    out.push(
      table(
        ['view', 'trends (now, before)', 'products', 'demographics', 'mix', 'ticker', 'freshness'],
        r.queries.breakdown.map((b) => [
          b.name,
          ms(b.trends),
          ms(b.products),
          ms(b.demographics),
          ms(b.mix),
          ms(b.recentOrders),
          ms(b.freshness),
        ]),
      ),
    );
    if (r.queries.product) {
      out.push(`  product page (getProductDetail, best seller ${r.queries.product.sku}):`);
      out.push(
        table(
          ['range', 'p50 ms', 'p95 ms', 'orders of the product'],
          r.queries.product.cases.map((c) => [c.name, ms(c.latency.p50), ms(c.latency.p95), n(c.orders)]),
        ),
      );
    }
    out.push(`  tables: ${r.queries.tables.map((t) => `${t.table} ${n(t.rows)} rows / ${mib(t.bytes)}`).join(', ')}`);
  }

  if (r.inventory) {
    const v = r.inventory;
    out.push(
      '\nInventory (the same sales plus an inventory topic; the sales worker and the inventory worker side by side)',
    );
    out.push(
      `  sales counted at ${n(v.sales.countedPerSec)} events/s beside the inventory worker${v.salesRateRatio === null ? '' : ` (${pct(v.salesRateRatio)} of the 1-worker rate alone)`}, sales worker peak RSS ${mib(v.sales.peakRssBytes)}`,
      `  inventory worker: ${n(v.sales.messages + v.inventoryMessages)} messages (${n(v.inventoryMessages)} inventory) applied in ${v.inventorySeconds.toFixed(1)} s: ${n(v.inventoryPerSec)} messages/s, CPU ${v.inventoryCpuSeconds === null ? '–' : `${v.inventoryCpuSeconds.toFixed(1)} s`}, peak RSS ${mib(v.inventoryPeakRssBytes)}`,
      `  stock: ${v.stockExact ? `every one of ${n(v.pairs)} store×SKU exact` : `✖ ${n(v.stockDifferences)} of ${n(v.pairs)} store×SKU differ`}`,
    );
  }
  if (r.replay) {
    const { replay } = r;
    out.push('\nReplay (npm run replay: the 1-worker topic rebuilt, checked and swapped in)');
    out.push(
      `  ${n(replay.messages)} messages in ${replay.seconds.toFixed(1)} s: ${n(replay.perSec)} messages/s, peak RSS ${mib(replay.peakRssBytes)}, ${
        replay.exitCode === 0 ? 'every cell equal' : `✖ exit code ${replay.exitCode}`
      }`,
    );
  }

  if (r.live) {
    out.push('\nLive push latency');
    out.push(
      table(
        ['hop', 'p50 ms', 'p95 ms', 'max ms', 'probes'],
        [
          [
            'worker COMMIT → LISTEN client (pg NOTIFY)',
            ms(r.live.commitToListen.p50),
            ms(r.live.commitToListen.p95),
            ms(r.live.commitToListen.max),
            String(r.live.commitToListen.n),
          ],
          [
            'producer.send → NOTIFY received (via worker)',
            ms(r.live.produceToNotify.p50),
            ms(r.live.produceToNotify.p95),
            ms(r.live.produceToNotify.max),
            String(r.live.produceToNotify.n),
          ],
        ],
      ),
    );
  }

  out.push(
    `\n${r.ok ? 'All correctness checks passed.' : '✖ A correctness check FAILED (see above).'} Total runtime ${r.totalSeconds.toFixed(0)} s.`,
  );
  return out.join('\n');
}

export async function writeReport(r: BenchReport): Promise<string> {
  const dir = path.join(root, '.pulse', 'bench');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  await writeFile(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
