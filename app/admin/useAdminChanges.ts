'use client';

// What an admin list's changes share: which item a change is busy with, and the outcome of the
// last one for the page's Notice.
import { useState } from 'react';
import type { NoticeText } from './Notice';

export function useAdminChanges() {
  const [notice, setNotice] = useState<NoticeText | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  /** Runs a change of item `id`: what it returns shows as a status, its error as an alert instead of throwing. True when it succeeded. */
  const run = async (id: string, change: () => Promise<string>): Promise<boolean> => {
    setBusy(id);
    setNotice(null);
    try {
      setNotice({ kind: 'ok', text: await change() });
      return true;
    } catch (err) {
      setNotice({ kind: 'error', text: (err as Error).message });
      return false;
    } finally {
      setBusy(null);
    }
  };

  return { notice, setNotice, busy, run };
}
