'use client';

import { useCallback, useMemo } from 'react';
import { useEmbed } from '@/components/embed/EmbedContext';
import type { FilterOptions } from '@/lib/contract/overview';
import { applyScope } from '@/lib/web/auth/scope';
import type { Dimension, OverviewQuery } from '@/lib/web/overview-params';
import { toggleSoleValue } from './filter-values';

/** What a breakdown needs to filter the view by a clicked row (see FilterButton). */
export interface ClickFilter {
  query: OverviewQuery;
  select: (dimension: Dimension, value: string) => void;
}

/**
 * Click to filter, navigating like the filter bar (`navigate` of useViewQuery). In an embed the
 * view stays inside its lock: a value outside it is not applied (the server would refuse it).
 */
export function useClickFilter(
  query: OverviewQuery,
  stores: FilterOptions['stores'],
  navigate: (next: OverviewQuery) => void,
): ClickFilter {
  const embed = useEmbed();
  const select = useCallback(
    (dimension: Dimension, value: string) => {
      const next = toggleSoleValue(query, dimension, value, stores);
      if (embed) {
        try {
          applyScope(next, embed.scope);
        } catch {
          return;
        }
      }
      navigate(next);
    },
    [embed, navigate, query, stores],
  );
  return useMemo(() => ({ query, select }), [query, select]);
}
