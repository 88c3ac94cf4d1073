// Administration of webhooks (Admin → Webhooks, README "Webhooks"): the API's bodies parsed with
// their contract (lib/contract/admin-webhooks.ts), the reads and writes behind them, and "send
// test". A hook's secret is made here and leaves Pulse once, in the answer that creates or
// rotates it. Deliveries themselves are the actions worker's (workers/actions/webhooks.ts).
//
// "Send test" POSTs from this web process, at once, rather than queueing a delivery for the
// worker: the admin sees the receiver's answer in the same request, no action type is invented
// for retail.actions.v1 (the body's type is WEBHOOK_TEST_TYPE, outside ACTION_TYPES), and a
// test is never retried. It is signed exactly as real deliveries are (lib/webhook-post.ts) and
// logged in the delivery log as a delivery of one try.
import { randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient, Webhook } from '@prisma/client';
import type { ActionType } from '@/lib/contract/actions';
import {
  type AdminWebhook,
  type AdminWebhookWithSecret,
  type DeliveriesQuery,
  deliveriesQuerySchema,
  type NewWebhookInput,
  newWebhookSchema,
  WEBHOOK_TEST_TYPE,
  type WebhookDeliveryRow,
  type WebhookPatchInput,
  webhookPatchSchema,
} from '@/lib/contract/admin-webhooks';
import {
  getWebhookDeliveries,
  getWebhookSummaries,
  type HookSummary,
  recordTestDelivery,
} from '@/lib/queries/actions/webhook-log';
import { postWebhook } from '@/lib/webhook-post';
import { parseBody } from './auth/admin-input';
import { HttpError } from './http-error';

const SECRET_BYTES = 32;

/** A new signing secret: `whsec_` and 32 random bytes in base64url (the whole string is the key). */
export const newWebhookSecret = () => `whsec_${randomBytes(SECRET_BYTES).toString('base64url')}`;

export const parseNewWebhook = (body: unknown): NewWebhookInput => parseBody(newWebhookSchema, body);
export const parseWebhookPatch = (body: unknown): WebhookPatchInput => parseBody(webhookPatchSchema, body);

/** The deliveries query from the URL's search parameters (400 naming the bad one). */
export function parseDeliveriesQuery(params: URLSearchParams): DeliveriesQuery {
  return parseBody(deliveriesQuerySchema, Object.fromEntries(params));
}

const notFound = (id: string) => new HttpError(404, 'not_found', `no webhook ${JSON.stringify(id)}`);

// Ids are opaque: one that is not of our making names nothing (404), like a removed one.
export function parseWebhookId(id: string): bigint {
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw notFound(id);
  return BigInt(id);
}

const NO_DELIVERIES: HookSummary = { pending: 0, delivered: 0, failed: 0, lastDeliveryAt: null };

function toAdminWebhook(hook: Webhook, summary: HookSummary = NO_DELIVERIES): AdminWebhook {
  return {
    id: hook.id.toString(),
    name: hook.name,
    url: hook.url,
    types: hook.types as ActionType[],
    enabled: hook.enabled,
    created_at: hook.createdAt.toISOString(),
    updated_at: hook.updatedAt.toISOString(),
    deliveries: { pending: summary.pending, delivered: summary.delivered, failed: summary.failed },
    last_delivery_at: summary.lastDeliveryAt?.toISOString() ?? null,
  };
}

async function summaryOf(prisma: PrismaClient, id: bigint): Promise<HookSummary | undefined> {
  return (await getWebhookSummaries(prisma)).get(String(id));
}

export async function listWebhooks(prisma: PrismaClient): Promise<AdminWebhook[]> {
  const [hooks, summaries] = await Promise.all([
    prisma.webhook.findMany({ orderBy: { id: 'asc' } }),
    getWebhookSummaries(prisma),
  ]);
  return hooks.map((h) => toAdminWebhook(h, summaries.get(String(h.id))));
}

export async function createWebhook(prisma: PrismaClient, input: NewWebhookInput): Promise<AdminWebhookWithSecret> {
  const secret = newWebhookSecret();
  const hook = await prisma.webhook.create({ data: { ...input, secret } });
  return { ...toAdminWebhook(hook), secret };
}

async function existing(prisma: PrismaClient, id: bigint): Promise<Webhook> {
  const hook = await prisma.webhook.findUnique({ where: { id } });
  if (!hook) throw notFound(String(id));
  return hook;
}

/** A change of name, URL, types or enabled; deliveries already made keep going to the new URL. */
export async function updateWebhook(prisma: PrismaClient, id: bigint, patch: WebhookPatchInput): Promise<AdminWebhook> {
  await existing(prisma, id);
  const hook = await prisma.webhook.update({ where: { id }, data: { ...patch, updatedAt: new Date() } });
  return toAdminWebhook(hook, await summaryOf(prisma, id));
}

/** A new secret at once: every later try (retries included) is signed with it. */
export async function rotateWebhookSecret(prisma: PrismaClient, id: bigint): Promise<AdminWebhookWithSecret> {
  await existing(prisma, id);
  const secret = newWebhookSecret();
  const hook = await prisma.webhook.update({ where: { id }, data: { secret, updatedAt: new Date() } });
  return { ...toAdminWebhook(hook, await summaryOf(prisma, id)), secret };
}

/** Removes a hook with its deliveries and their log. */
export async function deleteWebhook(prisma: PrismaClient, id: bigint): Promise<void> {
  const { count } = await prisma.webhook.deleteMany({ where: { id } });
  if (count === 0) throw notFound(String(id));
}

export async function listDeliveries(
  prisma: PrismaClient,
  id: bigint,
  query: DeliveriesQuery,
): Promise<WebhookDeliveryRow[]> {
  await existing(prisma, id);
  return getWebhookDeliveries(prisma, id, query);
}

/** The body of a test POST: shaped like an action's envelope, with a type no action has. */
export function testBody(hook: Pick<Webhook, 'id' | 'name'>, actionId: string, now: Date) {
  return {
    schema: 'retail.actions.v1',
    action_id: actionId,
    type: WEBHOOK_TEST_TYPE,
    occurred_at: now.toISOString(),
    webhook: { id: String(hook.id), name: hook.name },
    message: 'A test delivery from Pulse (Admin → Webhooks → Send test). Not an action: nothing to do.',
  };
}

/** Sends a signed test POST now (even to a disabled hook) and logs it; the delivery with its try. */
export async function sendTestDelivery(
  prisma: PrismaClient,
  id: bigint,
  timeoutMs: number,
): Promise<WebhookDeliveryRow> {
  const hook = await existing(prisma, id);
  const actionId = randomUUID();
  const body = JSON.stringify(testBody(hook, actionId, new Date()));
  const { outcome, durationMs } = await postWebhook(
    { url: hook.url, secret: hook.secret, actionId, actionType: WEBHOOK_TEST_TYPE, body },
    timeoutMs,
  );
  const deliveryId = await recordTestDelivery(prisma, id, actionId, outcome, durationMs);
  const [delivery] = await getWebhookDeliveries(prisma, id, { limit: 1 }, deliveryId);
  if (!delivery) throw notFound(String(id)); // deleted while the test was out
  return delivery;
}
