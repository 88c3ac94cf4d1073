// The kinds of live view the web process serves over Socket.IO (see lib/live-hub.ts): the
// dashboard overview (`subscribe` → `overview`) and a product page (`product:subscribe` →
// `product`). Both use the HTTP API's parameters and answer exactly what the API answers.
import type { PrismaClient } from '@prisma/client';
import { createPrisma } from './db';
import { env } from './env';
import { type AnyLiveView, type LiveView, liveView } from './live-hub';
import {
  MAX_SKU_LENGTH,
  type OverviewQuery,
  ParamError,
  parseId,
  parseOverviewQuery,
  parseTopOptions,
  productViewKey,
  toOverviewQuery,
  viewKey,
} from './overview-params';
import { getOverview } from './queries/get-overview';
import { getProductDetail } from './queries/get-product-detail';
import type { Overview, ProductDetail } from './queries/overview.types';
import { previousPeriod } from './time-buckets';

let livePool: PrismaClient | undefined;

/**
 * Live loads query through a pool of their own (WEB_LIVE_MAX_LOADS connections): one overview
 * runs seven queries at once, so however many rooms need recomputing, the HTTP API's pool
 * stays free for the API.
 */
function liveDb(): PrismaClient {
  livePool ??= createPrisma(env().DATABASE_URL, env().WEB_LIVE_MAX_LOADS);
  return livePool;
}

export async function disconnectLiveDb(): Promise<void> {
  await livePool?.$disconnect();
  livePool = undefined;
}

/** The range and the previous period of equal length: both are on screen (KPI changes, movers). */
function spanWithPrevious(query: OverviewQuery, nowMs: number): { from: number; to: number } {
  const f = parseOverviewQuery(query, nowMs);
  return { from: previousPeriod(f.from.getTime(), f.to.getTime()).from, to: f.to.getTime() };
}

export const overviewViewSpec: LiveView<OverviewQuery, Overview> = {
  events: { subscribe: 'subscribe', push: 'overview', error: 'overview:error' },
  parse(raw) {
    const query = toOverviewQuery(raw);
    parseOverviewQuery(query);
    parseTopOptions(query);
    return { key: viewKey(query), subscription: query };
  },
  covers: spanWithPrevious,
  load: (query) => getOverview(parseOverviewQuery(query), liveDb(), parseTopOptions(query)),
};

export const productViewSpec: LiveView<{ sku: string; query: OverviewQuery }, ProductDetail> = {
  events: { subscribe: 'product:subscribe', push: 'product', error: 'product:error' },
  parse(raw) {
    if (typeof raw.sku !== 'string')
      throw new ParamError('sku', `sku must be a string of 1–${MAX_SKU_LENGTH} characters`);
    // The API's rule for a path id: length, no control characters or broken Unicode.
    const sku = parseId('sku', raw.sku);
    const query = toOverviewQuery(raw);
    parseOverviewQuery(query);
    return { key: productViewKey(sku, query), subscription: { sku, query } };
  },
  covers: ({ query }, nowMs) => spanWithPrevious(query, nowMs),
  load: ({ sku, query }) => getProductDetail(sku, parseOverviewQuery(query), liveDb()),
};

export const LIVE_VIEWS: AnyLiveView[] = [liveView(overviewViewSpec), liveView(productViewSpec)];
