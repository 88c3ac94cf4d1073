// Structured JSON logs (pino). Fields, not prose: log.info({ partition, offset }, 'batch committed').
import pino from 'pino';
import { env } from './env';

/** `scheme://user:secret@host` → `scheme://user:[redacted]@host`, wherever it appears in a string. */
export function redactUrlPasswords(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/gi, '$1:[redacted]@');
}

/** Error serializer that also strips passwords a driver may have put into the message or stack. */
function errSerializer(err: unknown): unknown {
  if (typeof err === 'string') return redactUrlPasswords(err);
  if (!(err instanceof Error)) return err;
  const serialized = pino.stdSerializers.err(err);
  serialized.message = redactUrlPasswords(serialized.message ?? '');
  if (serialized.stack) serialized.stack = redactUrlPasswords(serialized.stack);
  return serialized;
}

export const logger = pino({
  name: 'pulse',
  level: env().LOG_LEVEL,
  redact: {
    paths: ['databaseUrl', 'DATABASE_URL', 'connectionString', '*.password', 'password', '*.connectionString'],
    censor: '[redacted]',
  },
  serializers: { err: errSerializer, error: errSerializer },
  base: { pid: process.pid },
});

export type Logger = typeof logger;
