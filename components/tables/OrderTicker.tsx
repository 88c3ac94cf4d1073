'use client';

import Link from 'next/link';
import { useState } from 'react';
import { formatInZone, formatMoney, formatNumber } from '../../lib/format';
import type { OverviewQuery } from '../../lib/overview-params';
import type { Overview, RecentOrder } from '../../lib/queries/overview.types';
import { productHref, storeHref } from '../common/Breadcrumbs';
import { Card } from '../common/Card';
import { cx } from '../common/cx';
import { EmptyState } from '../common/EmptyState';
import { TEXT_LINK } from '../common/link-class';
import { TileMeta } from '../common/TileMeta';
import { CHANNEL_LABELS } from '../filters/FilterBar';
import { useIsClient } from '../hooks/useIsClient';

/** "Classic Hoodie +2": the biggest line, and how many other lines the order has. */
export function itemsLabel(order: RecentOrder): string {
  return order.items > 1 ? `${order.top_item} +${order.items - 1}` : order.top_item;
}

/**
 * The newest counted sales, newest first. Rows cannot be read while they move, so the list
 * holds still while the pointer is over it (or focus is inside it) and catches up after.
 */
export function OrderTicker({
  overview,
  query,
  className,
}: {
  overview: Overview;
  query: OverviewQuery;
  className?: string;
}) {
  const orders = overview.recent_orders ?? [];
  const [held, setHeld] = useState<RecentOrder[] | null>(null);
  const [holders, setHolders] = useState({ hover: false, focus: false });
  const paused = held !== null;
  const shown = held ?? orders;
  const heldIds = new Set(shown.map((o) => o.event_id));
  const waiting = paused ? orders.filter((o) => !heldIds.has(o.event_id)).length : 0;
  const isClient = useIsClient();
  // Paused while hovered or focused; the rows on screen when that began are kept.
  const hold = (by: 'hover' | 'focus', on: boolean) => {
    const next = { ...holders, [by]: on };
    setHolders(next);
    setHeld(next.hover || next.focus ? (held ?? orders) : null);
  };

  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          Live orders
          {paused && (
            <span
              data-testid="ticker-paused"
              className="rounded-full bg-warning-soft px-1.5 py-px text-[11px] font-medium text-warning-foreground"
            >
              Paused{waiting > 0 && ` · ${waiting} new`}
            </span>
          )}
        </span>
      }
      description={paused ? 'Move the pointer away to resume' : 'Newest sales first · hover to pause'}
      className={className}
      bodyClassName="px-0 pt-2 pb-2"
      action={<TileMeta tile="recent_orders" overview={overview} query={query} subject="the recent orders" />}
    >
      {/* biome-ignore lint/a11y/noStaticElementInteractions: pausing is a reading aid, not an action; keyboard users pause by focusing the list */}
      <div
        data-testid="ticker"
        data-paused={paused}
        onMouseEnter={() => hold('hover', true)}
        onMouseLeave={() => hold('hover', false)}
        onFocus={() => hold('focus', true)}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) hold('focus', false);
        }}
        className="h-full"
      >
        {shown.length === 0 ? (
          <div className="px-5 pb-3">
            <EmptyState title="No orders yet" hint="Sales appear here as they are counted." />
          </div>
        ) : (
          <ol
            aria-label="Recent orders, newest first"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: keyboard users pause the list by focusing it
            tabIndex={0}
            className="max-h-[300px] overflow-y-auto text-[13px] tabular-nums tv:max-h-none"
          >
            {shown.map((o) => (
              <li
                key={o.event_id}
                data-testid="ticker-row"
                data-event-id={o.event_id}
                data-revenue={o.revenue_cents}
                data-kind={o.kind}
                className="grid grid-cols-[1fr_auto] gap-x-3 border-b border-border/70 px-5 py-1.5 transition-[opacity,translate,background-color] duration-700 ease-out last:border-b-0 starting:-translate-y-1.5 starting:bg-accent-soft starting:opacity-0"
              >
                <span className="truncate font-medium" title={itemsLabel(o)}>
                  {o.top_sku === null ? (
                    o.top_item
                  ) : (
                    // Not a tab stop, like the store links below.
                    <Link
                      href={productHref(o.top_sku, query)}
                      tabIndex={-1}
                      data-testid="ticker-product-link"
                      data-sku={o.top_sku}
                      className={TEXT_LINK}
                    >
                      {o.top_item}
                    </Link>
                  )}
                  {o.items > 1 && <span className="font-normal text-muted-foreground"> +{o.items - 1}</span>}
                </span>
                <span className={cx('text-right font-medium', o.kind === 'refund' && 'text-danger-foreground')}>
                  {o.kind === 'refund' ? (
                    <>
                      <span className="sr-only">Refund of </span>−{formatMoney(o.revenue_cents)}
                    </>
                  ) : (
                    formatMoney(o.revenue_cents)
                  )}
                </span>
                <span className="truncate text-xs text-muted-foreground">
                  <time dateTime={o.occurred_at}>
                    {isClient ? formatInZone(o.occurred_at, overview.tz, 'seconds') : ''}
                  </time>
                  {' · '}
                  {/* Not a tab stop: 20 moving links would bury the tiles after the ticker for keyboard
                      users, who reach a store page from a product's stores table instead. */}
                  <Link
                    href={storeHref(o.store_id, query)}
                    tabIndex={-1}
                    data-testid="store-link"
                    data-store={o.store_id}
                    className={cx(TEXT_LINK, 'hover:text-foreground')}
                  >
                    {o.store_id}
                  </Link>{' '}
                  · {CHANNEL_LABELS[o.channel] ?? o.channel}
                </span>
                <span className="text-right text-xs text-subtle-foreground">
                  {o.kind === 'refund' ? 'refund · ' : ''}
                  {formatNumber(o.units)} {o.units === 1 ? 'unit' : 'units'}
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </Card>
  );
}
