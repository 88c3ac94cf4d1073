// No batch can stop the pipeline: a record batch corrupted on the broker's disk (its CRC no
// longer matches) stops only its own partition. The worker stays up, the other partition
// flows, /readyz and /metrics say which partition, offset and why; the operator's
// `npm run worker -- skip` moves the partition on with a dead letter (undecodable_batch) that
// keeps the raw batch; a replay then skips exactly the same offsets.
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Managed } from '@/scripts/lib/processes';
import { bytes, sale } from '@/tests/support/events';
import {
  createSalesStack,
  runCommand,
  type SalesStack,
  startWorker,
  waitFor,
  waitUntilConsumed,
} from '@/tests/support/stack';

// Set by scripts/test.ts when it started the broker (the test writes into its segments).
const logDir = process.env.TEST_KAFKA_LOG_DIR;
const OPS_PORT = 9700 + (process.pid % 50);
const TIMEOUT = 300_000;

/** `npm run <script> -- args` as an operator runs it; its output in one string. */
async function npmRun(script: string, args: string[], env: Record<string, string>) {
  const run = await runCommand('npm', ['run', '--silent', script, '--', ...args], env);
  return { code: run.code, output: run.stdout + run.stderr };
}

/**
 * Flip one byte inside the record batch whose base offset is `baseOffset` in the partition's
 * active segment (the broker serves the file as it is, so the next fetch carries the damage).
 * Returns the batch's last offset as its header states it.
 */
async function corruptBatch(topic: string, partition: number, baseOffset: bigint): Promise<bigint> {
  const dir = path.join(logDir as string, `${topic}-${partition}`);
  const segment = (await readdir(dir))
    .filter((f) => f.endsWith('.log'))
    .sort()
    .at(-1) as string;
  const file = await open(path.join(dir, segment), 'r+');
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(61);
    for (let at = 0; at + 61 <= size; ) {
      await file.read(header, 0, 61, at);
      const length = header.readInt32BE(8);
      if (header.readBigInt64BE(0) === baseOffset) {
        const victim = at + 12 + length - 3; // in the records, covered by the CRC
        const byte = Buffer.alloc(1);
        await file.read(byte, 0, 1, victim);
        byte[0] = (byte[0] as number) ^ 0xff;
        await file.write(byte, 0, 1, victim);
        return baseOffset + BigInt(header.readInt32BE(23));
      }
      at += 12 + length;
    }
  } finally {
    await file.close();
  }
  throw new Error(`no batch at offset ${baseOffset} in ${dir}/${segment}`);
}

async function readiness(): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${OPS_PORT}/readyz`);
  return { status: res.status, body: await res.text() };
}

describe.skipIf(!logDir)('undecodable batch (corrupt on the broker)', () => {
  let stack: SalesStack;
  let worker: Managed | null = null;
  let eventNo = 0;

  /** One produce request = one record batch on `partition`; returns its event ids and base offset. */
  async function sendBatch(partition: number, n: number): Promise<{ ids: string[]; base: bigint }> {
    const ids = Array.from({ length: n }, () => `und-${stack.topic}-${++eventNo}`);
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const [ack] = await stack.producer.send({
      topic: stack.topic,
      messages: ids.map((id) => ({
        partition,
        key: id,
        value: bytes(sale({ event_id: id, order_id: id, occurred_at: occurredAt })),
      })),
    });
    return { ids, base: BigInt(ack?.baseOffset ?? '-1') };
  }

  const countedIds = async () =>
    new Set(
      (await stack.db.query<{ event_id: string }>('SELECT event_id FROM processed_event')).map((r) => r.event_id),
    );

  beforeAll(async () => {
    stack = await createSalesStack('pulse_undecodable', 2);
  });

  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
  });

  it(
    'stops only the damaged partition, reports it, and the operator skips it with a record; replay agrees',
    async () => {
      const before = [...(await sendBatch(0, 20)).ids, ...(await sendBatch(1, 20)).ids];
      const damaged = await sendBatch(0, 15);
      const lastDamaged = await corruptBatch(stack.topic, 0, damaged.base);
      expect(lastDamaged).toBe(damaged.base + 14n);
      const after = [...(await sendBatch(0, 10)).ids, ...(await sendBatch(1, 10)).ids];

      worker = startWorker({ ...stack.env, WORKER_HTTP_PORT: String(OPS_PORT) }, 'undecodable-worker');
      // Partition 1 entirely, partition 0 up to the damaged batch.
      await waitFor(
        'partition 0 stopped at the damaged batch',
        async () => {
          const r = await readiness().catch(() => null);
          return r?.status === 503 && r.body.includes('undecodable') ? r : null;
        },
        120_000,
      );
      const report = await readiness();
      expect(report.body).toContain(`partition 0 stopped at offset ${damaged.base}`);
      expect(report.body).toContain('CRC mismatch');
      const partition1 = after.slice(10);
      // Partition 1 runs on independently: everything of it, and of partition 0 before the
      // damaged batch, is counted; nothing of the damaged batch.
      const counted = await waitFor(
        'partition 1 to be counted',
        async () => {
          const ids = await countedIds();
          return partition1.every((id) => ids.has(id)) ? ids : null;
        },
        60_000,
      );
      for (const id of before) expect(counted.has(id)).toBe(true);
      for (const id of damaged.ids) expect(counted.has(id)).toBe(false);
      const metrics = await (await fetch(`http://127.0.0.1:${OPS_PORT}/metrics`)).text();
      expect(metrics).toMatch(/pulse_worker_undecodable_batches_total\{[^}]*partition="0"[^}]*\} 1/);
      expect(metrics).toMatch(/pulse_worker_blocked_partitions\{[^}]*\} 1/);
      const [blocked] = await stack.db.query<{ next_offset: string; reason: string; bytes: number }>(
        'SELECT next_offset::text, reason, length(payload) AS bytes FROM blocked_partition WHERE topic = $1',
        [stack.topic],
      );
      expect(blocked?.next_offset).toBe(String(damaged.base));
      expect(blocked?.bytes).toBeGreaterThan(61);
      // Still alive and still stopped a while later: no crash loop, nothing skipped by itself.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(worker.child.exitCode).toBeNull();
      expect((await readiness()).status).toBe(503);

      // A wrong skip is refused with a reason, and changes nothing.
      const wrong = await npmRun('worker', ['skip', '--partition', '1'], stack.env);
      expect(wrong.code, wrong.output).not.toBe(0);
      expect(wrong.output).toContain('not blocked');

      const skip = await npmRun('worker', ['skip', '--partition', '0'], stack.env);
      expect(skip.code, skip.output).toBe(0);
      expect(skip.output).toContain(`offsets ${damaged.base}–${lastDamaged}`);
      await waitUntilConsumed(stack.kafka, stack.db, stack.topic);
      await waitFor('worker ready again', async () => (await readiness()).status === 200 || null, 30_000);

      const expected = [...before, ...after];
      const finalIds = await countedIds();
      expect(finalIds.size).toBe(expected.length);
      for (const id of expected) expect(finalIds.has(id)).toBe(true);
      const letters = await stack.db.query<{ offset: string; skipped_to: string; bytes: number; detail: string }>(
        `SELECT "offset"::text, skipped_to::text, length(payload) AS bytes, detail FROM dead_letter
         WHERE reason = 'undecodable_batch'`,
      );
      expect(letters).toHaveLength(1);
      expect(letters[0]?.offset).toBe(String(damaged.base));
      expect(letters[0]?.skipped_to).toBe(String(lastDamaged + 1n));
      expect(letters[0]?.bytes).toBe(blocked?.bytes);
      expect(await stack.db.query('SELECT 1 FROM blocked_partition')).toHaveLength(0);

      // The replay meets the same damaged batch and skips exactly what the operator skipped.
      const replay = await npmRun('replay', [], stack.env);
      expect(replay.code, replay.output).toBe(0);
      const replayed = await countedIds();
      expect([...replayed].sort()).toEqual([...expected].sort());
      const replayedLetters = await stack.db.query<{ offset: string; skipped_to: string }>(
        `SELECT "offset"::text, skipped_to::text FROM dead_letter WHERE reason = 'undecodable_batch'`,
      );
      expect(replayedLetters).toEqual([{ offset: String(damaged.base), skipped_to: String(lastDamaged + 1n) }]);
      expect((await readiness()).status).toBe(200);
    },
    TIMEOUT,
  );
});
