// a and b of `npm run bench -- --peer`: a plain kafkajs consumer (bench/peer-consume.ts) in a
// process of its own, reading the topic without parsing, or JSON.parse-ing every message.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { root } from '@/scripts/lib/processes';
import type { Dataset } from './dataset';
import type { ConsumeResult } from './peer-consume';
import {
  brokerCpu,
  delta,
  loadMeter,
  type PhaseContext,
  STALL_MS,
  type SystemFigures,
  type SystemName,
} from './peer-systems';
import { counter } from './progress';

export async function measureConsumer(mode: 'raw' | 'json', ctx: PhaseContext): Promise<SystemFigures> {
  const system: SystemName = mode === 'raw' ? 'kafkajs raw' : 'kafkajs + JSON.parse';
  const total = ctx.expected.messages;
  const progress = counter(`  ${system}`, total);
  const broker0 = brokerCpu(ctx.brokerPid);
  const load = loadMeter();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/peer-consume.ts',
      mode,
      ctx.brokers.join(','),
      ctx.topic,
      `${ctx.label}-${mode}`,
      String(total),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let joinedAt: number | null = null;
  const result = await new Promise<{ r: ConsumeResult; at: number }>((resolve, reject) => {
    let last = { n: 0, at: started };
    const stall = setInterval(() => {
      if (performance.now() - last.at > STALL_MS) {
        child.kill('SIGKILL');
        reject(new Error(`${system}: no progress for ${STALL_MS / 1000} s at ${last.n}/${total}\n${stderr}`));
      }
    }, 1000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'joined') joinedAt ??= performance.now();
      else if (line.startsWith('progress ')) {
        const n = Number(line.slice('progress '.length));
        if (n > last.n) last = { n, at: performance.now() };
        progress.update(n);
      } else if (line.startsWith('result ')) {
        clearInterval(stall);
        resolve({ r: JSON.parse(line.slice('result '.length)) as ConsumeResult, at: performance.now() });
      }
    });
    child.once('close', (code) => {
      clearInterval(stall);
      reject(new Error(`${system} exited (code ${code}) before reading the topic:\n${stderr}`));
    });
  });
  const wallSeconds = (result.at - started) / 1000;
  const broker1 = brokerCpu(ctx.brokerPid);
  const r = result.r;
  const brokerCpuSeconds = delta(broker0, broker1);
  const sustained = joinedAt === null ? 0 : (result.at - joinedAt) / 1000;
  const messagesOk = r.messages === total && r.bytes === ctx.dataset.bytes + duplicateBytes(ctx.dataset);
  const revenueOk = mode === 'raw' || r.revenueCents === ctx.expected.deliveredRevenueCents;
  const ok = messagesOk && revenueOk;
  progress.finish(`${r.messages.toLocaleString('en-US')} messages in ${wallSeconds.toFixed(1)} s`);
  return {
    system,
    messages: total,
    wallSeconds,
    perSec: total / wallSeconds,
    sustainedPerSec: sustained > 0 ? total / sustained : null,
    cpuSeconds: r.cpuSeconds,
    brokerCpuSeconds,
    postgresCpuSeconds: null,
    peakRssBytes: r.peakRssBytes,
    otherLoadCores: load.others(wallSeconds, r.cpuSeconds, brokerCpuSeconds),
    ok,
    check:
      `${r.messages.toLocaleString('en-US')} messages, ${r.bytes.toLocaleString('en-US')} bytes` +
      (mode === 'json' ? `, Σ revenue ${r.revenueCents}` : '') +
      (ok ? ' = produced' : ` ≠ produced (${total} messages, Σ revenue ${ctx.expected.deliveredRevenueCents})`),
  };
}

/** Bytes of the redelivered copies: Dataset.bytes counts each distinct event once. */
function duplicateBytes(dataset: Dataset): number {
  const all = dataset.messages.reduce((s, m) => s + m.value.length, 0);
  return all - dataset.bytes;
}
