// Next.js configuration (ESM: package.json has "type": "module").

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Loaded by Node at run time instead of being bundled: native/driver code (pg, Prisma's
  // adapter), modules that require files by computed path (pino's transports), and
  // server-only clients (kafkajs and its codecs: lz4-napi is a native addon), and prom-client (one metrics registry per process, the one
  // server.ts serves at /metrics). Next already externalises some of these by default;
  // listing them keeps the behaviour independent of that default list.
  serverExternalPackages: [
    'pg',
    '@prisma/client',
    '@prisma/adapter-pg',
    'pino',
    'kafkajs',
    'kafkajs-snappy',
    'lz4-napi',
    'fzstd',
    'zstd-codec',
    'prom-client',
  ],
};

export default nextConfig;
