// Every compression codec Kafka has, for kafkajs (which decodes gzip only). Registered once,
// before any client reads a batch: lib/ingest/kafka.ts imports this module, so every worker, replay,
// re-drive and simulator process can read what any producer wrote — the Java client's snappy
// (xerial framing), lz4 (LZ4 frame format) and zstd batches included.
//
// The packages: kafkajs-snappy (the kafkajs project's snappy codec, pure JS), lz4-napi
// (lz4_flex frames, prebuilt per platform on the npm registry), fzstd (pure-JS zstd decoder)
// and zstd-codec (the reference zstd library compiled to JS, for Pulse's own zstd producers:
// fzstd only decodes).
import { createRequire } from 'node:module';
import { decompress as zstdDecompress } from 'fzstd';
// Through the default export: Node's named-export detection misses these in kafkajs' CommonJS.
import kafkajs, { CompressionTypes } from 'kafkajs';
import { compressFrame as lz4Compress, decompressFrame as lz4Decompress } from 'lz4-napi';
import type { KAFKA_COMPRESSIONS } from '@/lib/env';

const require = createRequire(import.meta.url);

/** kafkajs' codec shape: compress receives its Encoder (the records' bytes in `.buffer`). */
interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

export type Compression = (typeof KAFKA_COMPRESSIONS)[number];

const TYPES: Record<Compression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** kafkajs' compression type for a KAFKA_COMPRESSION value. */
export function compressionType(name: Compression): CompressionTypes {
  return TYPES[name];
}

interface ZstdSimple {
  compress(data: Uint8Array, level?: number): Uint8Array | null;
}
let zstdSimple: Promise<ZstdSimple> | null = null;

/** zstd-codec starts its (synchronous) library once, through a callback. */
function zstdCompressor(): Promise<ZstdSimple> {
  zstdSimple ??= new Promise((resolve) => {
    const { ZstdCodec } = require('zstd-codec') as {
      ZstdCodec: { run(ready: (zstd: { Simple: new () => ZstdSimple }) => void): void };
    };
    ZstdCodec.run((zstd) => resolve(new zstd.Simple()));
  });
  return zstdSimple;
}

// Level 3 is zstd's (and the Java client's) default.
const ZSTD_LEVEL = 3;

const zstd: Codec = {
  async compress(encoder) {
    const out = (await zstdCompressor()).compress(encoder.buffer, ZSTD_LEVEL);
    if (!out) throw new Error('zstd compression failed');
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  },
  async decompress(buffer) {
    const out = zstdDecompress(buffer);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  },
};

const lz4: Codec = {
  compress: (encoder) => lz4Compress(encoder.buffer),
  decompress: (buffer) => lz4Decompress(buffer),
};

let registered = false;

/** Teach kafkajs snappy, lz4 and zstd (idempotent). */
export function registerKafkaCodecs(): void {
  if (registered) return;
  registered = true;
  const snappy = require('kafkajs-snappy') as () => Codec;
  const codecs = kafkajs.CompressionCodecs as unknown as Record<number, () => Codec>;
  codecs[CompressionTypes.Snappy] = snappy;
  codecs[CompressionTypes.LZ4] = () => lz4;
  codecs[CompressionTypes.ZSTD] = () => zstd;
}

registerKafkaCodecs();
