import { Card } from '@/components/common/Card';
import { EmptyState } from '@/components/common/EmptyState';
import { TileMeta } from '@/components/common/TileMeta';
import { CHANNEL_LABELS } from '@/components/filters/FilterBar';
import type { ClickFilter } from '@/components/filters/useClickFilter';
import type { MixSlice, Overview } from '@/lib/contract/overview';
import { compareExact, exactNumber, toBigInt } from '@/lib/domain/exact-number';
import type { OverviewQuery } from '@/lib/web/overview-params';
import { OTHER_KEY, ShareBreakdown, type ShareSlice } from './ShareBars';

/** Beyond this many slices a stacked bar turns to slivers: the rest become "Other". */
const MAX_SLICES = 6;

function slicesOf(mix: readonly MixSlice[], label: (key: string) => string): ShareSlice[] {
  const sorted = [...mix].sort((a, b) => compareExact(b.revenue_cents, a.revenue_cents));
  const head = sorted.slice(0, sorted.length > MAX_SLICES ? MAX_SLICES - 1 : MAX_SLICES);
  const rest = sorted.slice(head.length);
  const out: ShareSlice[] = head.map((s) => ({ ...s, label: label(s.key) }));
  if (rest.length > 0) {
    out.push({
      key: OTHER_KEY,
      label: `Other (${rest.length})`,
      revenue_cents: exactNumber(rest.reduce((n, s) => n + toBigInt(s.revenue_cents), 0n)),
      orders: rest.reduce((n, s) => n + s.orders, 0),
      share: rest.reduce((n, s) => n + s.share, 0),
    });
  }
  return out;
}

/**
 * Share of revenue by category and by channel: one 100 % bar each, with a legend of figures.
 * A slice's bar or name filters the view to it (`filter`).
 */
export function Mix({
  overview,
  query,
  filter,
  className,
}: {
  overview: Overview;
  query: OverviewQuery;
  filter?: ClickFilter;
  className?: string;
}) {
  const category = slicesOf(overview.mix?.category ?? [], (k) => k);
  const channel = slicesOf(overview.mix?.channel ?? [], (k) => CHANNEL_LABELS[k] ?? k);
  const hasData = [...category, ...channel].some((s) => compareExact(s.revenue_cents, 0) > 0);
  return (
    <Card
      title="Sales mix"
      description="Share of revenue by category and channel"
      className={className}
      data-testid="mix"
      action={<TileMeta tile="mix" overview={overview} query={query} subject="the sales mix" />}
    >
      {!hasData ? (
        <EmptyState title="No sales in this range" hint="The mix appears with the first sale." />
      ) : (
        <div className="flex flex-col gap-5">
          <ShareBreakdown
            title="Category"
            dimension="category"
            slices={category}
            testId="mix-category"
            filter={filter}
          />
          <ShareBreakdown title="Channel" dimension="channel" slices={channel} testId="mix-channel" filter={filter} />
        </div>
      )}
    </Card>
  );
}
