// Which values a view filters on, changed the way the filter bar changes them: from its menus
// (withDimension) or by clicking a bar or a legend row of a breakdown (toggleSoleValue).
// Pure and browser-safe.
import type { FilterOptions } from '@/lib/contract/overview';
import { type Dimension, dimensionValues, type OverviewQuery } from '@/lib/web/overview-params';

/**
 * The view with `dimension` set to `values` (none: no filter). A store belongs to one region:
 * new regions drop the chosen stores that they do not contain.
 */
export function withDimension(
  query: OverviewQuery,
  dimension: Dimension,
  values: readonly string[],
  stores: FilterOptions['stores'],
): OverviewQuery {
  const next: OverviewQuery = { ...query, [dimension]: values.length > 0 ? [...values] : undefined };
  if (dimension === 'region' && values.length > 0) {
    const regionOf = new Map(stores.map((s) => [s.id, s.region]));
    const kept = dimensionValues(query, 'store').filter((id) => {
      const region = regionOf.get(id);
      return region === undefined || values.includes(region);
    });
    next.store = kept.length > 0 ? kept : undefined;
  }
  return next;
}

/** Whether the view filters `dimension` on `value` alone (a clicked breakdown row is "on"). */
export function isSoleValue(query: OverviewQuery, dimension: Dimension, value: string): boolean {
  const values = dimensionValues(query, dimension);
  return values.length === 1 && values[0] === value;
}

/**
 * Click to filter: the view narrowed to `value` of `dimension`; clicked again (the view already
 * shows only that value), the filter on the dimension goes.
 */
export function toggleSoleValue(
  query: OverviewQuery,
  dimension: Dimension,
  value: string,
  stores: FilterOptions['stores'],
): OverviewQuery {
  return withDimension(query, dimension, isSoleValue(query, dimension, value) ? [] : [value], stores);
}
