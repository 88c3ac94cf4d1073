import { productHref } from '@/components/common/Breadcrumbs';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { TEXT_LINK } from '@/components/common/link-class';
import { TileMeta } from '@/components/common/TileMeta';
import { ViewLink } from '@/components/embed/EmbedContext';
import type { Overview, ProductChange } from '@/lib/contract/overview';
import { comparedWith, formatChangePercent, formatMoney, formatSigned } from '@/lib/domain/format';
import type { OverviewQuery } from '@/lib/web/overview-params';

/** Products whose revenue moved most against the period compared with (`compare`). */
export function Movers({
  overview,
  query,
  className,
}: {
  overview: Overview;
  query: OverviewQuery;
  className?: string;
}) {
  const risers = (overview.movers?.risers ?? []).slice(0, 5);
  const fallers = (overview.movers?.fallers ?? []).slice(0, 5);
  return (
    <Card
      title="Movers"
      description={`Biggest revenue changes vs ${comparedWith(overview.previous.compare, overview.range)}`}
      className={className}
      data-testid="movers"
      action={<TileMeta tile="movers" overview={overview} query={query} subject="the movers" />}
    >
      <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
        <MoverList title="Rising" kind="riser" rows={risers} query={query} empty="No product sold more than before." />
        <MoverList
          title="Falling"
          kind="faller"
          rows={fallers}
          query={query}
          empty="No product sold less than before."
        />
      </div>
    </Card>
  );
}

function MoverList({
  title,
  kind,
  rows,
  query,
  empty,
}: {
  title: string;
  kind: 'riser' | 'faller';
  rows: ProductChange[];
  query: OverviewQuery;
  empty: string;
}) {
  const up = kind === 'riser';
  return (
    <section aria-label={`${title} products`}>
      <h3 className="mb-1.5 flex items-center gap-1.5 text-xs font-medium text-muted-foreground">
        <span aria-hidden="true" className={up ? 'text-success-foreground' : 'text-danger-foreground'}>
          {up ? '▲' : '▼'}
        </span>
        {title}
      </h3>
      {rows.length === 0 ? (
        <p className="py-2 text-xs text-subtle-foreground">{empty}</p>
      ) : (
        <ol className="flex flex-col text-[13px] tabular-nums">
          {rows.map((p) => (
            <li
              key={p.sku}
              data-testid="mover-row"
              data-kind={kind}
              data-sku={p.sku}
              data-change={p.change_cents}
              className="flex items-baseline justify-between gap-3 border-b border-border/70 py-1.5 last:border-b-0"
            >
              <span className="min-w-0">
                <ViewLink
                  href={productHref(p.sku, query)}
                  data-testid="product-link"
                  className={cx(TEXT_LINK, 'block truncate font-medium')}
                  title={`${p.name} (${p.sku})`}
                >
                  {p.name}
                </ViewLink>
                <span className="block truncate text-xs text-muted-foreground">
                  {formatMoney(p.revenue_cents)} <span className="text-subtle-foreground">from</span>{' '}
                  {formatMoney(p.previous_revenue_cents)}
                </span>
              </span>
              <span className="shrink-0 text-right">
                <span className={cx('block font-medium', up ? 'text-success-foreground' : 'text-danger-foreground')}>
                  {formatSigned(p.change_cents, 'money')}
                </span>
                <span className="block text-xs text-muted-foreground">
                  {p.previous_revenue_cents === 0
                    ? 'new'
                    : formatChangePercent(p.revenue_cents, p.previous_revenue_cents)}
                </span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
