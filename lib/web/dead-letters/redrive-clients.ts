// The web process's Kafka clients for re-driving dead letters (lib/web/dead-letters/redrive.ts), apart
// so that the custom server, outside Next's bundle, can close them on shutdown.
import type { Admin, Producer } from 'kafkajs';
import { env } from '@/lib/env';
import { createKafka, createProducer } from '@/lib/ingest/kafka';

export interface Clients {
  producer: Producer;
  admin: Admin;
}

// One producer per web process, made on the first re-drive (most web processes never need
// Kafka). Kept on globalThis: Next may load this module once per route bundle. Requests go
// through one queue, so copies of concurrent requests never interleave in a partition.
const state = globalThis as unknown as { pulseRedrive?: { clients?: Promise<Clients>; queue: Promise<unknown> } };
const shared = () => {
  state.pulseRedrive ??= { queue: Promise.resolve() };
  return state.pulseRedrive;
};

export function connectedClients(): Promise<Clients> {
  const s = shared();
  if (!s.clients) {
    const kafka = createKafka(`${env().KAFKA_CLIENT_ID}-web`);
    const clients = { producer: createProducer(kafka), admin: kafka.admin() };
    s.clients = Promise.all([clients.producer.connect(), clients.admin.connect()]).then(
      () => clients,
      (err: unknown) => {
        s.clients = undefined; // the next request tries again
        void clients.producer.disconnect().catch(() => undefined);
        void clients.admin.disconnect().catch(() => undefined);
        throw err;
      },
    );
  }
  return s.clients;
}

/** The queue re-drive requests go through, one after the other. */
export function redriveQueue(): { queue: Promise<unknown> } {
  return shared();
}

/** Disconnect the re-drive producer and admin client, if a re-drive ever connected them. */
export async function disconnectRedriveClients(): Promise<void> {
  const pending = state.pulseRedrive?.clients;
  if (!pending) return;
  state.pulseRedrive = { queue: Promise.resolve() };
  const clients = await pending.catch(() => null);
  await Promise.allSettled([clients?.producer.disconnect(), clients?.admin.disconnect()]);
}
