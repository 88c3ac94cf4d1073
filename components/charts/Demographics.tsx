'use client';

import { type ReactNode, useState } from 'react';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { ScrollTable } from '@/components/common/ScrollTable';
import { Segmented } from '@/components/common/Segmented';
import { TableHeader } from '@/components/common/TableHeader';
import { TableToggle } from '@/components/common/TableToggle';
import { FilterButton } from '@/components/filters/FilterButton';
import type { ClickFilter } from '@/components/filters/useClickFilter';
import {
  AGE_BANDS,
  CUSTOMER_TYPES,
  type Demographics as DemographicFigures,
  type DemographicSlice,
  GENDERS,
  LOYALTY_TIERS,
} from '@/lib/contract/overview';
import { approxNumber, compareExact, type ExactNumber, exactNumber, toBigInt } from '@/lib/domain/exact-number';
import { formatMoney, formatNumber, formatPercent } from '@/lib/domain/format';
import { BreakdownBarChart, type BreakdownRow } from './BreakdownBarChart';
import { SHARE_COLORS, SplitBar } from './ShareBars';

const LABELS: Record<string, string> = {
  unknown: 'Unknown',
  female: 'Female',
  male: 'Male',
  nonbinary: 'Non-binary',
  undisclosed: 'Undisclosed',
  none: 'No tier',
  silver: 'Silver',
  gold: 'Gold',
  platinum: 'Platinum',
  new: 'New',
  returning: 'Returning',
};
const labelOf = (key: string) => LABELS[key] ?? key;

/**
 * Rows in a fixed order (known keys first, zero-filled, then any unexpected keys), or by
 * revenue when the dimension has no natural order.
 */
function rowsOf(slices: readonly DemographicSlice[], metric: Metric, order?: readonly string[]): BreakdownRow[] {
  const figureOf = (s: DemographicSlice | undefined): ExactNumber =>
    s ? (metric === 'orders' ? s.orders : s.revenue_cents) : 0;
  const total = approxNumber(exactNumber(slices.reduce((sum, s) => sum + toBigInt(figureOf(s)), 0n)));
  const byKey = new Map(slices.map((s) => [s.key, s]));
  const keys = order
    ? [...order, ...slices.map((s) => s.key).filter((k) => !order.includes(k))]
    : [...slices].sort((a, b) => compareExact(figureOf(b), figureOf(a))).map((s) => s.key);
  return keys.map((key) => {
    const s = byKey.get(key);
    const figure = figureOf(s);
    const value = approxNumber(figure);
    return {
      key,
      label: labelOf(key),
      revenue_cents: s?.revenue_cents ?? 0,
      orders: s?.orders ?? 0,
      figure,
      value,
      share: total > 0 ? value / total : 0,
    };
  });
}

type Metric = 'revenue' | 'orders';
const METRIC_OPTIONS: readonly { value: Metric; label: string }[] = [
  { value: 'revenue', label: 'Revenue' },
  { value: 'orders', label: 'Orders' },
];

/**
 * Revenue or orders by customer attribute: the dashboard's customers tile, and a product's
 * ("of this product": orders are then the orders containing it).
 */
export function Demographics({
  demographics: d,
  meta,
  subject,
  className,
  testId = 'demographics',
  filter,
}: {
  demographics: DemographicFigures;
  /** Right side of the header (freshness, CSV link). */
  meta?: ReactNode;
  /** Whose customers, when not the whole view's: "this product". */
  subject?: string;
  className?: string;
  /** Test id of the tile; its controls are `<testId>-metric`, `<testId>-table-toggle` and `<testId>-table`. */
  testId?: string;
  /** Click to filter: a region's name filters the view to it. */
  filter?: ClickFilter;
}) {
  const [metric, setMetric] = useState<Metric>('revenue');
  const money = metric === 'revenue';
  const what = money ? 'Revenue' : 'Orders';
  const age = rowsOf(d.age_band, metric, AGE_BANDS);
  const gender = rowsOf(d.gender, metric, GENDERS);
  const customer = rowsOf(d.customer_type, metric, CUSTOMER_TYPES);
  const loyalty = rowsOf(d.loyalty_tier, metric, LOYALTY_TIERS);
  const region = rowsOf(d.region, metric);
  const groups: TableGroup[] = [
    { title: 'Age band', rows: age },
    { title: 'Gender', rows: gender },
    { title: 'New vs returning', rows: customer },
    { title: 'Loyalty tier', rows: loyalty },
    { title: 'Region', rows: region },
  ];
  const hasData = groups.some((g) => g.rows.some((r) => compareExact(r.revenue_cents, 0) > 0));
  const [showTable, setShowTable] = useState(false);

  return (
    <Card
      title="Customers"
      description={`${what}${subject ? ` of ${subject}` : ''} by customer attributes`}
      className={className}
      data-testid={testId}
      action={
        <div className="flex flex-col items-end gap-2">
          {meta}
          {hasData && (
            <div className="flex items-center gap-2">
              <Segmented
                label="Customer figures by"
                testId={`${testId}-metric`}
                value={metric}
                options={METRIC_OPTIONS}
                onChange={setMetric}
                className="tv:hidden"
              />
              <TableToggle
                pressed={showTable}
                onPressedChange={setShowTable}
                subject="revenue by customer attributes"
                testId={`${testId}-table-toggle`}
              />
            </div>
          )}
        </div>
      }
    >
      {!hasData ? (
        <EmptyState title="No customer data in this range" hint="Demographics appear with the first sale." />
      ) : showTable ? (
        <DemographicsTable groups={groups} testId={`${testId}-table`} />
      ) : (
        <div className="flex flex-col gap-5">
          <section aria-label={`${what} by age band`}>
            <SectionTitle>Age</SectionTitle>
            <BreakdownBarChart
              title={`${what} by age band`}
              data={age}
              orientation="columns"
              height={136}
              money={money}
            />
          </section>
          <div className="grid grid-cols-2 gap-5">
            <section aria-label={`${what} by gender`}>
              <SectionTitle>Gender</SectionTitle>
              <BreakdownBarChart
                title={`${what} by gender`}
                data={gender}
                orientation="rows"
                height={112}
                color="var(--chart-4)"
                money={money}
              />
            </section>
            <div className="flex flex-col gap-4">
              <SplitSection title="New vs returning" rows={customer} what={what} money={money} />
              <SplitSection title="Loyalty tier" rows={loyalty} what={what} money={money} />
            </div>
          </div>
          <section aria-label={`${what} by region`}>
            <SectionTitle>Region</SectionTitle>
            <ShareList rows={region} money={money} filter={filter} />
          </section>
        </div>
      )}
    </Card>
  );
}

function SectionTitle({ children }: { children: string }) {
  return <h3 className="mb-1.5 text-xs font-medium text-muted-foreground">{children}</h3>;
}

/** One 100 % bar split by share, with a legend: compact for 2–4 categories. */
function SplitSection({
  title,
  rows,
  what,
  money,
}: {
  title: string;
  rows: BreakdownRow[];
  what: string;
  money: boolean;
}) {
  return (
    <section aria-label={`${what} by ${title.toLowerCase()}`}>
      <SectionTitle>{title}</SectionTitle>
      <SplitBar
        thin
        parts={rows.map((r) => ({
          key: r.key,
          share: r.share,
          title: `${r.label}: ${formatPercent(r.share)} · ${money ? formatMoney(r.figure) : `${formatNumber(r.figure)} orders`}`,
        }))}
      />
      <ul className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs">
        {rows.map((r, i) => (
          <li key={r.key} className="flex items-center gap-1.5 tabular-nums">
            <span className={cx('size-2 rounded-sm', SHARE_COLORS[i % SHARE_COLORS.length])} />
            <span className="text-muted-foreground">{r.label}</span>
            <span className="font-medium">{formatPercent(r.share)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Label, bar and figures per row: for dimensions with more categories (regions). */
function ShareList({ rows, money, filter }: { rows: BreakdownRow[]; money: boolean; filter?: ClickFilter }) {
  if (rows.length === 0) return <p className="text-xs text-muted-foreground">No regions in this range.</p>;
  const max = rows.reduce((m, r) => Math.max(m, r.value), 0);
  return (
    <ul className="flex flex-col gap-1.5 text-xs tabular-nums">
      {rows.map((r) => (
        <li key={r.key} data-key={r.key} className="grid grid-cols-[96px_1fr_84px_40px] items-center gap-3">
          <FilterButton
            filter={filter}
            dimension="region"
            value={r.key}
            label={r.label}
            className="truncate text-foreground"
          />
          <span className="h-1.5 overflow-hidden rounded-full bg-muted">
            <span
              className="block h-full rounded-full bg-chart-6"
              style={{ width: `${max > 0 ? (r.value / max) * 100 : 0}%` }}
            />
          </span>
          <span className="text-right font-medium">{money ? formatMoney(r.figure) : formatNumber(r.figure)}</span>
          <span className="text-right text-muted-foreground">{formatPercent(r.share, 1)}</span>
        </li>
      ))}
    </ul>
  );
}

interface TableGroup {
  title: string;
  rows: BreakdownRow[];
}

/** Every figure of the tile: one row group per attribute. */
function DemographicsTable({ groups, testId }: { groups: TableGroup[]; testId: string }) {
  return (
    <ScrollTable
      caption="Revenue and orders by customer attribute"
      scrollClassName="max-h-[520px]"
      tableClassName="w-full text-[13px] tabular-nums"
      testId={testId}
    >
      <TableHeader
        columns={[
          { key: 'segment', label: 'Segment', className: 'pl-1' },
          { key: 'revenue', label: 'Revenue', align: 'right' },
          { key: 'orders', label: 'Orders', align: 'right' },
          { key: 'share', label: 'Share', align: 'right', className: 'pr-1' },
        ]}
      />
      {groups.map((g) => (
        <tbody key={g.title}>
          <tr>
            <th
              scope="rowgroup"
              colSpan={4}
              className="pt-3 pb-1 pl-1 text-left text-xs font-semibold text-muted-foreground"
            >
              {g.title}
            </th>
          </tr>
          {g.rows.map((r) => (
            <tr
              key={r.key}
              data-group={g.title}
              data-key={r.key}
              data-revenue={r.revenue_cents}
              className="border-b border-border/70 last:border-b-0"
            >
              <th scope="row" className="py-1.5 pl-1 text-left font-normal">
                {r.label}
              </th>
              <td className="py-1.5 text-right font-medium">{formatMoney(r.revenue_cents)}</td>
              <td className="py-1.5 text-right">{formatNumber(r.orders)}</td>
              <td className="py-1.5 pr-1 text-right text-muted-foreground">{formatPercent(r.share, 1)}</td>
            </tr>
          ))}
        </tbody>
      ))}
    </ScrollTable>
  );
}
