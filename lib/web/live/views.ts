// The kinds of live view the web process serves over Socket.IO (see lib/web/live/hub.ts): the
// dashboard overview (`subscribe` → `overview`), a product page (`product:subscribe` →
// `product`), stock (`inventory:subscribe` → `inventory`) and alerts (`alerts:subscribe` →
// `alerts`). Each uses its HTTP API's parameters and answers exactly what the API answers.
import type { PrismaClient } from '@prisma/client';
import { ALERTS_EVENTS } from '@/lib/contract/actions';
import type { Alerts, AlertsQuery } from '@/lib/contract/alerts';
import type { Inventory, InventoryQuery } from '@/lib/contract/inventory';
import { INVENTORY_EVENTS, OVERVIEW_EVENTS, PRODUCT_EVENTS } from '@/lib/contract/live-channel';
import type { Overview, ProductDetail } from '@/lib/contract/overview';
import { createPrisma } from '@/lib/db';
import { env } from '@/lib/env';
import { getAlerts } from '@/lib/queries/actions/get-alerts';
import { getOverview } from '@/lib/queries/dashboard/get-overview';
import { getProductDetail } from '@/lib/queries/dashboard/get-product-detail';
import { getInventory, inventorySettings } from '@/lib/queries/inventory/get-inventory';
import { alertsInScope, parseAlertsQuery } from '@/lib/web/alerts-params';
import { scopeOf } from '@/lib/web/auth/principal';
import { applyScope, type Scope, ScopeError } from '@/lib/web/auth/scope';
import { inventoryInScope, parseInventoryQuery } from '@/lib/web/inventory-params';
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
  viewSpans,
} from '@/lib/web/overview-params';
import { type AnyLiveView, type LiveView, liveView } from './hub';

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

/** The range and the period it is compared with: both are on screen (KPI changes, movers). */
function spansOf(query: OverviewQuery, nowMs: number): { from: number; to: number }[] {
  return viewSpans(parseOverviewQuery(query, nowMs));
}

export const overviewViewSpec: LiveView<OverviewQuery, Overview> = {
  events: OVERVIEW_EVENTS,
  parse(raw, viewer) {
    const asked = toOverviewQuery(raw);
    const query = applyScope(asked, scopeOf(viewer));
    parseOverviewQuery(query);
    parseTopOptions(query);
    return { key: viewKey(query), subscription: query, asked: viewKey(asked) };
  },
  covers: spansOf,
  load: (query) => getOverview(parseOverviewQuery(query), liveDb(), parseTopOptions(query)),
};

export const productViewSpec: LiveView<
  { sku: string; query: OverviewQuery; categories: string[] | undefined },
  ProductDetail
> = {
  events: PRODUCT_EVENTS,
  parse(raw, viewer) {
    if (typeof raw.sku !== 'string')
      throw new ParamError('sku', `sku must be a string of 1–${MAX_SKU_LENGTH} characters`);
    // The API's rule for a path id: length, no control characters or broken Unicode.
    const sku = parseId('sku', raw.sku);
    const scope = scopeOf(viewer);
    const asked = toOverviewQuery(raw);
    const query = applyScope(asked, scope);
    parseOverviewQuery(query);
    // A product of a category outside the scope loads as unknown (nothing is pushed).
    const categories = scope.category;
    const key = `${productViewKey(sku, query)}${categories ? `&within=${encodeURIComponent(categories.join(','))}` : ''}`;
    return { key, subscription: { sku, query, categories }, asked: productViewKey(sku, asked) };
  },
  covers: ({ query }, nowMs) => spansOf(query, nowMs),
  load: ({ sku, query, categories }) => getProductDetail(sku, parseOverviewQuery(query), liveDb(), categories),
};

/** A subscription's parameters as the URL would carry them (a list for `store`, `kind` …). */
function urlParams(raw: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params.append(name, String(v));
    }
  }
  return params;
}

/** On-hand stock, as GET /api/v1/inventory answers it, pushed after every stock commit. */
export const inventoryViewSpec: LiveView<{ query: InventoryQuery; scope: Scope }, Inventory> = {
  events: INVENTORY_EVENTS,
  channel: 'inventory',
  parse(raw, viewer) {
    const scope = scopeOf(viewer);
    const asked = parseInventoryQuery(urlParams(raw));
    const query = inventoryInScope(asked, scope);
    // The scope's regions and categories narrow the rows too: viewers of different scopes never share a room.
    const key = JSON.stringify([query, scope.region ?? [], scope.category ?? []]);
    return { key, subscription: { query, scope }, asked: JSON.stringify(asked) };
  },
  covers: () => [{ from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }],
  load: ({ query, scope }) => getInventory(query, scope, inventorySettings(env()), liveDb()),
};

/**
 * Alerts and suggestions, as GET /api/v1/alerts answers them, pushed after every episode change
 * (opened, cleared, acted on) and at the idle refresh (a snooze runs out without a commit).
 */
export const alertsViewSpec: LiveView<{ query: AlertsQuery; scope: Scope }, Alerts> = {
  events: ALERTS_EVENTS,
  channel: 'alerts',
  parse(raw, viewer) {
    // No embed shows alerts (GET /api/v1/alerts refuses embed tokens too).
    if (viewer.kind !== 'user') throw new ScopeError('alerts', 'alerts are for signed-in users; an embed shows none');
    const scope = scopeOf(viewer);
    const asked = parseAlertsQuery(urlParams(raw));
    const query = alertsInScope(asked, scope);
    // Viewers of different scopes never share a room.
    const key = JSON.stringify([query, scope.store ?? [], scope.region ?? [], scope.category ?? []]);
    return { key, subscription: { query, scope }, asked: JSON.stringify(asked) };
  },
  covers: () => [{ from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }],
  load: ({ query, scope }) => getAlerts(liveDb(), query, scope),
};

export const LIVE_VIEWS: AnyLiveView[] = [
  liveView(overviewViewSpec),
  liveView(productViewSpec),
  liveView(inventoryViewSpec),
  liveView(alertsViewSpec),
];
