'use client';
import { useIsClient } from '@/components/hooks/useIsClient';
import { DATE } from './admin-ui';

/** A time in the reader's zone and locale; the server (which knows neither) renders the UTC date. */
export function LocalTime({ iso }: { iso: string }) {
  const isClient = useIsClient();
  return <time dateTime={iso}>{isClient ? DATE.format(new Date(iso)) : `${iso.slice(0, 10)} UTC`}</time>;
}
