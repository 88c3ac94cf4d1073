'use client';
import { useEmbed, ViewLink } from '@/components/embed/EmbedContext';
import { type OverviewQuery, viewKey } from '@/lib/web/overview-params';

function withView(path: string, query: OverviewQuery): string {
  const search = viewKey(query);
  return search ? `${path}?${search}` : path;
}

/** The dashboard for a view; `omit` drops the dimension a drill-down page fixed (its `store`). */
export function dashboardHref(query: OverviewQuery, omit: readonly (keyof OverviewQuery)[] = []): string {
  const rest = { ...query };
  for (const key of omit) delete rest[key];
  return withView('/', rest);
}

/** One product in the same view (range, zone, filters, granularity, top …). */
export function productHref(sku: string, query: OverviewQuery): string {
  return withView(`/products/${encodeURIComponent(sku)}`, query);
}

/** One store's dashboard in the same view; the store is the path, not a parameter. */
export function storeHref(id: string, query: OverviewQuery): string {
  const { store: _store, ...rest } = query;
  return withView(`/stores/${encodeURIComponent(id)}`, rest);
}

export interface Crumb {
  label: string;
  /** Absent on the current page (the last crumb). */
  href?: string;
}

/** "Dashboard › Classic Hoodie": plain links, so Back and Forward work as usual. */
export function Breadcrumbs({ items: all }: { items: readonly Crumb[] }) {
  // An embed of one product or store has no dashboard to go back to: its own page is that view.
  const embed = useEmbed();
  const toDashboard = (c: Crumb) => c.href === '/' || c.href?.startsWith('/?') === true;
  const items = embed && embed.view !== 'dashboard' ? all.filter((c) => !toDashboard(c)) : all;
  return (
    <nav aria-label="Breadcrumb" data-testid="breadcrumbs" className="text-xs text-muted-foreground">
      <ol className="flex min-w-0 flex-wrap items-center gap-1.5">
        {items.map((c, i) => (
          <li key={c.href ?? c.label} className="flex min-w-0 items-center gap-1.5">
            {i > 0 && (
              <span aria-hidden="true" className="text-subtle-foreground">
                ›
              </span>
            )}
            {c.href ? (
              <ViewLink
                href={c.href}
                data-testid={i === 0 ? 'breadcrumb-dashboard' : undefined}
                className="truncate rounded font-medium text-muted-foreground underline-offset-2 hover:text-foreground hover:underline focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
              >
                {c.label}
              </ViewLink>
            ) : (
              <span aria-current="page" className="truncate font-medium text-foreground">
                {c.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
