'use client';

import { useState } from 'react';

/** A set of row ids that rows toggle (selected rows, expanded payloads). */
export function useIdSet(): {
  ids: ReadonlySet<number>;
  toggle: (id: number) => void;
  replace: (ids: ReadonlySet<number>) => void;
} {
  const [ids, setIds] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setIds((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return { ids, toggle, replace: setIds };
}
