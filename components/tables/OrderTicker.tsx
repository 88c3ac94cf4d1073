'use client';

import { memo, useEffect, useReducer, useRef, useState } from 'react';
import { productHref, storeHref } from '@/components/common/Breadcrumbs';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { FitText } from '@/components/common/FitText';
import { TEXT_LINK } from '@/components/common/link-class';
import { TileMeta } from '@/components/common/TileMeta';
import { ViewLink } from '@/components/embed/EmbedContext';
import { CHANNEL_LABELS } from '@/components/filters/FilterBar';
import { useIsClient } from '@/components/hooks/useIsClient';
import { useWholeRows } from '@/components/hooks/useWholeRows';
import type { Overview, RecentOrder } from '@/lib/contract/overview';
import { formatInZone, formatNumber, moneyFitTexts } from '@/lib/domain/format';
import type { OverviewQuery } from '@/lib/web/overview-params';
import {
  SKIPPED_WINDOW_MS,
  STEP_MS,
  skippedRecently,
  startTicker,
  tickerReducer,
  waitingWhilePaused,
} from './ticker-feed';

/** "Classic Hoodie +2": the biggest line, and how many other lines the order has. */
export function itemsLabel(order: RecentOrder): string {
  return order.items > 1 ? `${order.top_item} +${order.items - 1}` : order.top_item;
}

/**
 * The view's newest counted sales, newest first, readable at any rate: the list has a fixed
 * height and fixed rows that move by transform (no layout shift), and arrivals enter a few at a
 * time on a steady beat (ticker-feed.ts) with the rest counted under it. It holds still while
 * the pointer is over it (or focus is inside it); a change of view replaces its rows even then.
 * A closed range (yesterday) shows its last orders and gets no arrivals.
 */
export function OrderTicker({
  overview,
  dataKey,
  query,
  className,
  wholeRows = false,
}: {
  overview: Overview;
  /** Key of the view `overview` belongs to (useLiveView's `dataKey`): another one restarts the list. */
  dataKey: string;
  query: OverviewQuery;
  className?: string;
  /** A screen that never scrolls (TV mode): the list fills the tile and shows only whole rows. */
  wholeRows?: boolean;
}) {
  const orders = overview.recent_orders;
  const [state, dispatch] = useReducer(tickerReducer<RecentOrder>, undefined, () => startTicker(dataKey, orders));
  const [holders, setHolders] = useState({ hover: false, focus: false });
  const paused = state.pausedAt !== null;
  const shown = state.feed.rows;
  const waiting = waitingWhilePaused(state);
  const isClient = useIsClient();
  const listRef = useRef<HTMLOListElement>(null);
  useWholeRows(listRef, wholeRows, ':scope > li', rowBottom);
  const closed = isClient && Date.parse(overview.range.to) < Date.now() - CLOSED_AFTER_MS;

  useEffect(() => dispatch({ type: 'data', key: dataKey, orders, now: Date.now() }), [dataKey, orders]);
  useEffect(() => {
    if (paused) return;
    const beat = setInterval(() => dispatch({ type: 'step', now: Date.now() }), STEP_MS);
    return () => clearInterval(beat);
  }, [paused]);
  // Paused while hovered or focused.
  const hold = (by: 'hover' | 'focus', on: boolean) => {
    const next = { ...holders, [by]: on };
    setHolders(next);
    dispatch({ type: 'pause', on: next.hover || next.focus });
  };
  const skipped = skippedRecently(state.feed, Date.now());

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
      description={
        paused
          ? 'Move the pointer away to resume'
          : closed
            ? 'The last sales of the range'
            : 'Newest sales first · hover to pause'
      }
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
        className="[--ticker-row:3rem] tv:flex tv:h-full tv:min-h-0 tv:flex-col tv:[--ticker-row:4rem]"
      >
        {shown.length === 0 ? (
          <div className={cx(LIST_HEIGHT, 'px-5')}>
            <EmptyState title="No orders yet" hint="Sales appear here as they are counted." />
          </div>
        ) : (
          <ol
            ref={listRef}
            aria-label="Recent orders, newest first"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: keyboard users pause the list by focusing it
            tabIndex={0}
            // On a wall the list takes the tile's height, and shows the rows that fit whole there.
            className={cx(
              LIST_HEIGHT,
              'relative overflow-y-auto text-[13px] tabular-nums tv:h-auto tv:min-h-0 tv:flex-1 tv:overflow-hidden',
            )}
          >
            {shown.map((o, i) => (
              <OrderRow key={o.event_id} order={o} index={i} query={query} tz={overview.tz} isClient={isClient} />
            ))}
          </ol>
        )}
        {/* Always there, so the count appearing moves nothing. */}
        <p
          data-testid="ticker-skipped"
          data-skipped={skipped}
          className="h-5 truncate px-5 pt-1 text-xs text-muted-foreground"
        >
          {skipped > 0 && `+${formatNumber(skipped)} more in the last ${SKIPPED_WINDOW_MS / 1000} s`}
        </p>
      </div>
    </Card>
  );
}

/** Rows are 3rem (4rem on a TV): six and a half show, so the cut row says the list scrolls. */
const LIST_HEIGHT = 'h-[calc(6.5*var(--ticker-row))]';
/** A row's bottom edge in the list: rows sit at their index by transform (moving rows count where they go). */
const rowBottom = (row: HTMLElement, index: number) => (index + 1) * row.offsetHeight;

/** A range that ended this long ago gets no more live orders (sliding ranges end with the current minute). */
const CLOSED_AFTER_MS = 2 * 60_000;

/**
 * One order, placed by transform at its index: moving down as others enter shifts no layout,
 * and the move is animated unless the viewer prefers less motion. New rows fade in.
 */
const OrderRow = memo(function OrderRow({
  order: o,
  index,
  query,
  tz,
  isClient,
}: {
  order: RecentOrder;
  index: number;
  query: OverviewQuery;
  tz: string;
  isClient: boolean;
}) {
  return (
    <li
      data-testid="ticker-row"
      data-event-id={o.event_id}
      data-revenue={o.revenue_cents}
      data-kind={o.kind}
      data-channel={o.channel}
      style={{ transform: `translateY(calc(${index} * var(--ticker-row)))` }}
      className="absolute inset-x-0 top-0 grid h-(--ticker-row) grid-cols-[1fr_auto] content-center gap-x-3 overflow-hidden border-b border-border/70 px-5 transition-[transform,opacity,background-color] duration-500 ease-out motion-reduce:transition-none starting:bg-accent-soft starting:opacity-0"
    >
      <span className="truncate font-medium" title={itemsLabel(o)}>
        {o.top_sku === null ? (
          o.top_item
        ) : (
          // Not a tab stop, like the store links below.
          <ViewLink
            href={productHref(o.top_sku, query)}
            tabIndex={-1}
            data-testid="ticker-product-link"
            data-sku={o.top_sku}
            className={TEXT_LINK}
          >
            {o.top_item}
          </ViewLink>
        )}
        {o.items > 1 && <span className="font-normal text-muted-foreground"> +{o.items - 1}</span>}
      </span>
      {/* A fixed box, so amounts line up and one in billions is shortened like the KPI figures
          ($1.35B), not cut or pushing the product name out. */}
      <span
        className={cx(
          'flex w-[6.5rem] justify-end text-right font-medium tv:w-[7rem]',
          o.kind === 'refund' && 'text-danger-foreground',
        )}
      >
        {o.kind === 'refund' && <span className="sr-only">Refund of </span>}
        <FitText
          as="span"
          data-testid="ticker-amount"
          className="block min-w-0 flex-1"
          texts={moneyFitTexts(o.revenue_cents, { refund: o.kind === 'refund' })}
        />
      </span>
      <span className="truncate text-xs text-muted-foreground">
        <time dateTime={o.occurred_at}>{isClient ? formatInZone(o.occurred_at, tz, 'seconds') : ''}</time>
        {' · '}
        {/* Not a tab stop: 20 moving links would bury the tiles after the ticker for keyboard
            users, who reach a store page from a product's stores table instead. */}
        <ViewLink
          href={storeHref(o.store_id, query)}
          tabIndex={-1}
          data-testid="store-link"
          data-store={o.store_id}
          className={cx(TEXT_LINK, 'hover:text-foreground')}
        >
          {o.store_id}
        </ViewLink>{' '}
        · {CHANNEL_LABELS[o.channel] ?? o.channel}
      </span>
      <span className="text-right text-xs text-subtle-foreground">
        {o.kind === 'refund' ? 'refund · ' : ''}
        {formatNumber(o.units)} {o.units === 1 ? 'unit' : 'units'}
      </span>
    </li>
  );
});
