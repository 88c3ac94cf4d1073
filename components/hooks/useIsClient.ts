'use client';

import { useSyncExternalStore } from 'react';

const noopSubscribe = () => () => {};

/** False during the server render and hydration, true afterwards (for locale/time-zone text). */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}
