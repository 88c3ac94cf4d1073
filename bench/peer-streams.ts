// c of `npm run bench -- --peer`: the Kafka Streams job (bench/peer/), timed from its start until
// the totals of its topology equal the dataset's, then stopped cleanly and checked twice: its
// final (committed) totals and its output topics read back.
import { LOG_DIR } from './ingest';
import { totalsDiffer } from './peer-expected';
import { type PeerJob, startPeerJob, type TotalsLine } from './peer-job';
import { readPeerOutput } from './peer-output';
import { brokerCpu, delta, loadMeter, logTail, type PhaseContext, STALL_MS, type SystemFigures } from './peer-systems';
import { cpuSeconds, peakRssBytes, rssBytes } from './proc-stats';
import { counter, step } from './progress';

const POLL_MS = 100;

export interface StreamsPhase extends PhaseContext {
  classpath: string;
  stateDir: string;
  threads: number;
  heapMb: number;
  track: (job: PeerJob) => void;
}

/** c: the Kafka Streams job, timed until its totals (state of the topology) equal the dataset's. */
export async function measureStreams(ctx: StreamsPhase): Promise<SystemFigures> {
  const total = ctx.expected.messages;
  const progress = counter('  Kafka Streams', total);
  const broker0 = brokerCpu(ctx.brokerPid);
  const load = loadMeter();
  const started = performance.now();
  const job = await startPeerJob({
    classpath: ctx.classpath,
    brokers: ctx.brokers,
    topic: ctx.topic,
    applicationId: `${ctx.label}-streams`,
    stateDir: ctx.stateDir,
    threads: ctx.threads,
    heapMb: ctx.heapMb,
    logDir: LOG_DIR,
  });
  ctx.track(job);
  step(`  Kafka Streams job started (pid ${job.pid}, ${ctx.threads} stream threads; log ${job.logFile})`);
  const read = (line: TotalsLine | undefined) =>
    (line?.totals['input.events']?.events ?? 0) + (line?.totals['input.duplicates']?.events ?? 0);
  let exited = false;
  void job.exited.then(() => {
    exited = true;
  });
  let peakRss = 0;
  let done: TotalsLine | undefined;
  for (;;) {
    const latest = job.lines.at(-1);
    peakRss = Math.max(peakRss, rssBytes(job.pid) ?? 0);
    progress.update(read(latest), `rss ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
    if (latest && totalsDiffer(ctx.expected.totals, latest.totals).length === 0) {
      done = latest;
      break;
    }
    if (exited)
      throw new Error(`the Kafka Streams job exited early; its log ends with:\n${await logTail(job.logFile)}`);
    if (performance.now() - (latest?.at ?? started) > STALL_MS) {
      const differ = latest ? totalsDiffer(ctx.expected.totals, latest.totals).join('\n') : 'no totals printed';
      throw new Error(
        `Kafka Streams: totals unchanged for ${STALL_MS / 1000} s (messages read ${read(latest)}/${total}):\n${differ}\nlog:\n${await logTail(job.logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const cpu = cpuSeconds(job.pid);
  const peak = peakRssBytes(job.pid);
  const brokerCpuSeconds = delta(broker0, brokerCpu(ctx.brokerPid));
  const wallSeconds = (done.at - started) / 1000;
  const otherLoadCores = load.others(wallSeconds, cpu, brokerCpuSeconds);
  const sustained = job.runningAt === null ? 0 : (done.at - job.runningAt) / 1000;
  progress.finish(`${total.toLocaleString('en-US')} messages counted in ${wallSeconds.toFixed(1)} s`);

  // The running totals include writes of open transactions; after a clean close every task has
  // committed, so the final line is the committed state.
  const final = await job.stop();
  const differ = final ? totalsDiffer(ctx.expected.totals, final.totals) : ['no final totals line (unclean stop)'];
  const all = final?.totals['sales.all'];
  // The aggregates themselves, as the job's output topics carry them.
  step("  reading the job's output topics back (read_committed)");
  const output = await readPeerOutput(ctx.kafka, ctx.topic, `${ctx.label}-output`);
  const rollupsOnly = Object.fromEntries(Object.entries(ctx.expected.totals).filter(([m]) => !m.startsWith('input.')));
  const outputDiffer = totalsDiffer(rollupsOnly, output.totals);
  return {
    system: 'Kafka Streams',
    messages: total,
    wallSeconds,
    perSec: total / wallSeconds,
    sustainedPerSec: sustained > 0 ? total / sustained : null,
    cpuSeconds: cpu,
    brokerCpuSeconds,
    postgresCpuSeconds: null,
    peakRssBytes: peak ?? (peakRss || null),
    otherLoadCores,
    ok: differ.length === 0 && outputDiffer.length === 0,
    check: [
      differ.length === 0
        ? `committed totals = produced: ${all?.events.toLocaleString('en-US')} events, ${all?.orders.toLocaleString('en-US')} orders, ${all?.units.toLocaleString('en-US')} units, revenue ${all?.revenueCents}; every rollup adds up`
        : `committed totals differ: ${differ.join('; ')}`,
      outputDiffer.length === 0
        ? `output topics (${output.cells.toLocaleString('en-US')} cells in ${output.records.toLocaleString('en-US')} records) add up to the same`
        : `output topics differ: ${outputDiffer.join('; ')}`,
    ].join('; '),
  };
}
