'use client';

import { useEffect, useState } from 'react';
import { useIsClient } from '@/components/hooks/useIsClient';
import { announceTokenChange, onTokenChange, readToken, storeToken } from './ops-token';

/** A token given after a refused session stays in this tab only (sessionStorage) and can be dropped at once. */
export function TokenNote() {
  const isClient = useIsClient();
  const [stored, setStored] = useState<boolean | null>(null);
  useEffect(() => {
    setStored(readToken() !== null);
    return onTokenChange(() => setStored(readToken() !== null));
  }, []);
  // Shown only once an ops token was given (after a session ended): the session needs none.
  if (!isClient || !stored) return null;
  return (
    <span className="ml-auto flex items-center gap-2 text-xs text-muted-foreground" data-testid="token-note">
      Ops token kept for this tab
      {
        <button
          type="button"
          data-testid="forget-token"
          onClick={() => {
            storeToken(null);
            announceTokenChange();
          }}
          className="rounded font-medium text-foreground underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
        >
          Forget
        </button>
      }
    </span>
  );
}
