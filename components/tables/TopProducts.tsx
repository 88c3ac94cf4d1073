import { formatMoney, formatNumber, formatPercent } from '../../lib/format';
import type { Overview } from '../../lib/queries/overview.types';
import { Card } from '../common/Card';
import { EmptyState } from '../common/EmptyState';

export function TopProducts({ overview, className }: { overview: Overview; className?: string }) {
  const products = overview.top_products;
  const total = overview.totals.revenue_cents;
  const max = products.reduce((m, p) => Math.max(m, p.revenue_cents), 0);

  return (
    <Card
      title="Top products"
      description="By revenue in the selected range"
      className={className}
      bodyClassName="px-0 pt-2 pb-2"
      data-testid="top-products"
    >
      {products.length === 0 ? (
        <div className="px-5 pb-3">
          <EmptyState title="No products sold in this range" hint="Try a longer range or fewer filters." />
        </div>
      ) : (
        <table className="w-full table-fixed text-[13px] tabular-nums">
          <colgroup>
            <col className="w-10" />
            <col />
            <col className="w-[92px]" />
            <col className="w-[92px]" />
            <col className="w-16" />
            <col className="w-[108px]" />
            <col className="w-[112px]" />
          </colgroup>
          <thead>
            <tr className="border-b border-border text-left text-xs text-muted-foreground">
              <th scope="col" className="py-2 pl-5 font-medium">
                #
              </th>
              <th scope="col" className="py-2 font-medium">
                Product
              </th>
              <th scope="col" className="py-2 font-medium">
                SKU
              </th>
              <th scope="col" className="py-2 font-medium">
                Category
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                Units
              </th>
              <th scope="col" className="py-2 text-right font-medium">
                Revenue
              </th>
              <th scope="col" className="py-2 pr-5 pl-3 font-medium">
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {products.map((p, i) => {
              const share = total > 0 ? p.revenue_cents / total : 0;
              const width = max > 0 ? (p.revenue_cents / max) * 100 : 0;
              return (
                <tr
                  key={p.sku}
                  data-testid="top-product-row"
                  data-sku={p.sku}
                  className="border-b border-border/70 last:border-b-0 hover:bg-muted/60"
                >
                  <td className="py-2 pl-5 text-xs text-muted-foreground">{i + 1}</td>
                  <td className="truncate py-2 pr-3 font-medium" title={p.name}>
                    {p.name}
                  </td>
                  <td className="truncate py-2 pr-2 font-mono text-xs text-muted-foreground" title={p.sku}>
                    {p.sku}
                  </td>
                  <td className="truncate py-2 pr-2 text-muted-foreground" title={p.category}>
                    {p.category}
                  </td>
                  <td className="py-2 text-right">{formatNumber(p.units)}</td>
                  <td className="py-2 pl-2 text-right font-medium">{formatMoney(p.revenue_cents)}</td>
                  <td className="py-2 pr-5 pl-3">
                    <div className="flex items-center gap-2" title={`${formatPercent(share)} of revenue`}>
                      <div className="h-1.5 flex-1 overflow-hidden rounded-full bg-muted">
                        <div className="h-full rounded-full bg-chart-1" style={{ width: `${width}%` }} />
                      </div>
                      <span className="w-10 text-right text-xs text-muted-foreground">{formatPercent(share, 1)}</span>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}
