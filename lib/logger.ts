// Structured JSON logs (pino). Fields, not prose: log.info({ partition, offset }, 'batch committed').
import pino from 'pino';
import { env } from './env';

export const logger = pino({
  name: 'pulse',
  level: env().LOG_LEVEL,
  redact: { paths: ['databaseUrl', '*.password', 'password'], censor: '[redacted]' },
  base: { pid: process.pid },
});

export type Logger = typeof logger;
