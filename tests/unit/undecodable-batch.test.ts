// The patched kafkajs fetch decoding (patches/kafkajs+2.2.4.patch) and the codecs of
// lib/ingest/kafka-codecs.ts, on record batches built with kafkajs' own encoder: every codec reads
// back; a batch that cannot be decoded becomes one marker after the readable records.
import { createRequire } from 'node:module';
import { type Batch, CompressionTypes, type KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import '@/lib/ingest/kafka-codecs';
import { firstUndecodable, leadingUndecodable, undecodableBatch } from '@/lib/ingest/undecodable-batch';

const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: object) => Promise<Encoded>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => Encoded;
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => object;
const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages') as (
  decoder: object,
) => Promise<KafkaMessage[]>;
const FetchedBatch = require('kafkajs/src/consumer/batch') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: object,
) => Batch;

async function batchBytes(firstOffset: number, values: string[], compression = CompressionTypes.None) {
  const records = values.map((value, i) => Record({ offsetDelta: i, key: Buffer.from(`k${i}`), value }));
  const encoded = await RecordBatch({
    compression,
    firstOffset,
    lastOffsetDelta: values.length - 1,
    records,
  });
  return Buffer.from(encoded.buffer);
}

/** A partition's record set as a fetch response carries it (int32 size, then the batches). */
async function decode(...batches: Buffer[]): Promise<KafkaMessage[]> {
  const set = Buffer.concat(batches);
  const size = Buffer.alloc(4);
  size.writeInt32BE(set.length);
  return decodeMessages(new Decoder(Buffer.concat([size, set])));
}

const values = (messages: KafkaMessage[]) => messages.map((m) => m.value?.toString());
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;

/** Rewrite the CRC so that only the change under test is wrong with the batch. */
function fixCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32C(batch.subarray(ATTRIBUTES_AT)), CRC_AT);
  return batch;
}

describe('Kafka codecs', () => {
  for (const [name, type] of [
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ] as const) {
    it(`reads back a ${name} batch`, async () => {
      const sent = Array.from({ length: 300 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i % 50) }));
      const messages = await decode(await batchBytes(100, sent, type));
      expect(values(messages)).toEqual(sent);
      expect(messages.map((m) => m.offset)).toEqual(sent.map((_, i) => String(100 + i)));
      expect(firstUndecodable(messages)).toBe(-1);
    });
  }
});

describe('undecodable record batches', () => {
  it('a CRC mismatch becomes one marker after the readable records, and stops the partition there', async () => {
    const good = await batchBytes(0, ['a', 'b']);
    const bad = await batchBytes(2, ['c', 'd', 'e'], CompressionTypes.GZIP);
    bad[bad.length - 2] = (bad[bad.length - 2] as number) ^ 0xff;
    const later = await batchBytes(5, ['f']);
    const messages = await decode(good, bad, later);
    expect(values(messages.slice(0, 2))).toEqual(['a', 'b']);
    expect(messages).toHaveLength(3);
    const marker = messages[2] as KafkaMessage;
    expect(firstUndecodable(messages)).toBe(2);
    expect(marker.offset).toBe('4');
    const batch = undecodableBatch(marker);
    expect(batch?.firstOffset).toBe(2n);
    expect(batch?.lastOffset).toBe(4n);
    expect(batch?.reason).toMatch(/^CRC mismatch \(stored [0-9a-f]+, computed [0-9a-f]+\)$/);
    expect(batch?.bytes.equals(bad)).toBe(true);
    expect(undecodableBatch(messages[0] as KafkaMessage)).toBeNull();
  });

  it('names an unknown compression codec', async () => {
    const bad = await batchBytes(7, ['x']);
    bad.writeInt16BE(bad.readInt16BE(ATTRIBUTES_AT) | 6, ATTRIBUTES_AT);
    const [marker] = await decode(fixCrc(bad));
    expect(undecodableBatch(marker as KafkaMessage)?.reason).toBe('unknown compression codec 6');
  });

  it('reports compressed data that does not decompress (CRC intact)', async () => {
    const bad = await batchBytes(0, ['p', 'q'], CompressionTypes.ZSTD);
    bad.fill(0x55, 65, bad.length); // the compressed records, after the header and record count
    const [marker] = await decode(fixCrc(bad));
    const batch = undecodableBatch(marker as KafkaMessage);
    expect(batch?.reason).toMatch(/\S/);
    expect(batch?.reason).not.toMatch(/CRC/);
    expect(batch?.lastOffset).toBe(1n);
  });

  it('leaves a partial trailing batch for the next fetch, as before', async () => {
    const good = await batchBytes(0, ['a']);
    const next = await batchBytes(1, ['b', 'c']);
    const messages = await decode(good, next.subarray(0, next.length - 5));
    expect(values(messages)).toEqual(['a']);
  });

  it('keeps the marker when the fetch started inside the batch', async () => {
    const bad = await batchBytes(10, ['a', 'b', 'c']);
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    const messages = await decode(bad);
    const batch = new FetchedBatch('t', '11', { partition: 0, highWatermark: '13', messages, abortedTransactions: [] });
    expect(batch.messages).toHaveLength(1);
    expect(undecodableBatch(batch.messages[0] as KafkaMessage)?.firstOffset).toBe(10n);
    expect(leadingUndecodable(batch)?.firstOffset).toBe(10n);
  });
});
