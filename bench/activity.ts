// A poor man's profiler for the database side of ingest: samples pg_stat_activity of the run's
// database every few milliseconds and counts what the worker's connections are doing —
// running which statement, waiting on what, or idle inside a transaction (i.e. waiting for
// the worker's JavaScript between two statements). Also tracks the CPU time of those
// backends from /proc, since pg_stat_statements is usually not loaded.
import pg from 'pg';
import { cpuSeconds } from './proc-stats';

export const BENCH_APP_NAME = 'pulse-bench';
const SAMPLE_EVERY_MS = 50;

export interface ActivityShare {
  what: string;
  /** Share of samples of busy (non-idle) worker connections. */
  share: number;
}

export interface ActivityReport {
  samples: number;
  /** Average number of worker connections inside a transaction or statement. */
  avgBusyConnections: number;
  top: ActivityShare[];
  /** Share of samples during which an autovacuum worker ran on the run's database. */
  autovacuumShare: number;
  /** CPU seconds used by the run database's backends (worker connections, autovacuum). */
  backendCpuSeconds: number;
}

/** "INSERT INTO sales_rollup …" → "insert sales_rollup"; keeps labels few and readable. */
export function statementLabel(query: string): string {
  const q = query.replace(/\s+/g, ' ').trim();
  const insert = q.match(/^INSERT INTO "?(\w+)"?/i);
  if (insert) return `insert ${insert[1]}`;
  const update = q.match(/^UPDATE "?(\w+)"?/i);
  if (update) return `update ${update[1]}`;
  if (/pg_notify/i.test(q)) return 'pg_notify';
  if (/^(BEGIN|COMMIT|ROLLBACK)/i.test(q)) return q.split(' ')[0]?.toUpperCase() ?? q;
  const from = q.match(/\bFROM "?(\w+)"?/i);
  if (from) return `select ${from[1]}`;
  return q.slice(0, 40);
}

interface Row {
  pid: number;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query: string;
  backend_type: string;
}

export async function sampleActivity(databaseUrl: string): Promise<{ stop(): Promise<ActivityReport> }> {
  let stopped = false;
  const client = new pg.Client({ connectionString: databaseUrl, application_name: BENCH_APP_NAME });
  // A connection ended under us (database dropped on Ctrl-C) just ends the sampling.
  client.on('error', () => {
    stopped = true;
  });
  await client.connect();
  const counts = new Map<string, number>();
  const cpuByPid = new Map<number, number>();
  let samples = 0;
  let busyTotal = 0;
  let autovacuumSamples = 0;

  const loop = (async () => {
    while (!stopped) {
      const { rows } = await client.query<Row>(
        `SELECT pid, state, wait_event_type, wait_event, query, backend_type FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> $1`,
        [BENCH_APP_NAME],
      );
      samples += 1;
      let autovacuum = false;
      for (const r of rows) {
        const cpu = cpuSeconds(r.pid);
        if (cpu !== null) cpuByPid.set(r.pid, Math.max(cpuByPid.get(r.pid) ?? 0, cpu));
        if (r.backend_type !== 'client backend') {
          if (r.backend_type === 'autovacuum worker') autovacuum = true;
          continue;
        }
        if (r.state === 'idle' || r.state === null) continue;
        busyTotal += 1;
        const label = statementLabel(r.query);
        if (r.state === 'idle in transaction') bump(`idle in transaction (worker JS) after ${label}`);
        else if (r.wait_event_type && r.wait_event_type !== 'Client')
          bump(`${label} — waiting ${r.wait_event_type}:${r.wait_event}`);
        else if (r.wait_event_type === 'Client') bump(`${label} — ${r.wait_event} (sending/receiving)`);
        else bump(`${label} — running`);
      }
      if (autovacuum) autovacuumSamples += 1;
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  })();

  function bump(what: string) {
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }

  return {
    async stop() {
      stopped = true;
      await loop.catch(() => undefined);
      await client.end().catch(() => undefined);
      const busy = [...counts.values()].reduce((s, n) => s + n, 0);
      const top = [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([what, n]) => ({ what, share: busy > 0 ? n / busy : 0 }));
      return {
        samples,
        avgBusyConnections: samples > 0 ? busyTotal / samples : 0,
        top,
        autovacuumShare: samples > 0 ? autovacuumSamples / samples : 0,
        backendCpuSeconds: [...cpuByPid.values()].reduce((s, v) => s + v, 0),
      };
    },
  };
}
