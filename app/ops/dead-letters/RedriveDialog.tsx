'use client';

// The re-drive dialog: confirmation, and the ops token when the session was refused.
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from '@/components/common/buttons';
import { formatNumber } from '@/lib/domain/format';
import { TokenRejected } from './dead-letters-api';
import { announceTokenChange, readToken, storeToken } from './ops-token';

/** Confirmation, and the ops token when this tab has none. A native modal dialog: focus and Escape for free. */
export function RedriveDialog({
  open,
  count,
  reasons,
  topics,
  onClose,
  onConfirm,
}: {
  open: boolean;
  count: number;
  reasons: string[];
  /** Where the selected dead letters go back to. */
  topics: string[];
  onClose: () => void;
  onConfirm: (token: string | null) => Promise<void>;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const tokenId = useId();
  const [needToken, setNeedToken] = useState(false);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      // An admin's session re-drives by itself; the ops token is asked for only if it is refused
      // (the session ended meanwhile), as a way to finish without signing in again.
      setNeedToken(false);
      setToken('');
      setError(null);
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  const byReason = new Map<string, number>();
  for (const r of reasons) byReason.set(r, (byReason.get(r) ?? 0) + 1);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const useToken = needToken ? token.trim() : readToken();
    if (needToken && !useToken) {
      setError('Enter the ops token.');
      return;
    }
    setSending(true);
    setError(null);
    try {
      await onConfirm(useToken);
      if (needToken && useToken) storeToken(useToken);
      announceTokenChange();
      onClose();
    } catch (err) {
      if (err instanceof TokenRejected) {
        storeToken(null);
        announceTokenChange();
        setNeedToken(true);
        setToken('');
        setError(`The ops token was not accepted (${err.message}).`);
      } else {
        setError((err as Error).message);
      }
    } finally {
      setSending(false);
    }
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid="redrive-dialog"
      onClose={onClose}
      className="m-auto w-[min(440px,calc(100vw-2rem))] rounded-xl border border-border bg-card p-0 text-card-foreground shadow-lg backdrop:bg-black/40"
    >
      <form onSubmit={submit} className="flex flex-col gap-3 p-5">
        <h2 id={titleId} className="text-base font-semibold tracking-tight">
          Re-drive {formatNumber(count)} dead {count === 1 ? 'letter' : 'letters'}?
        </h2>
        <p className="text-[13px] text-muted-foreground">
          Each is produced again to the topic it was read from (
          {topics.map((topic, i) => (
            <span key={topic}>
              {i > 0 ? ', ' : ''}
              <code className="font-mono text-foreground">{topic}</code>
            </span>
          ))}
          ) with its original key and bytes. Valid events are counted once, even if re-driven twice; messages still
          invalid come back as new dead letters.
        </p>
        <ul className="flex flex-wrap gap-1.5 text-xs">
          {[...byReason].map(([reason, n]) => (
            <li key={reason} className="rounded bg-muted px-1.5 py-px">
              {reason} × {formatNumber(n)}
            </li>
          ))}
        </ul>
        {needToken && (
          <div className="flex flex-col gap-1">
            <label htmlFor={tokenId} className="text-xs font-medium">
              Ops token
            </label>
            <input
              id={tokenId}
              type="password"
              data-testid="ops-token"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              className="h-8 rounded-lg border border-border bg-background px-2.5 font-mono text-[13px] focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
            />
            <span className="text-[11px] text-subtle-foreground">
              The server’s OPS_TOKEN. Kept in this tab until it is closed.
            </span>
          </div>
        )}
        {error && (
          <p role="alert" data-testid="redrive-error" className="text-xs text-danger-foreground">
            {error}
          </p>
        )}
        <div className="mt-1 flex justify-end gap-2">
          <button type="button" onClick={onClose} className={BUTTON_SECONDARY}>
            Cancel
          </button>
          <button type="submit" data-testid="redrive-confirm" disabled={sending} className={BUTTON_PRIMARY}>
            {sending ? 'Re-driving…' : `Re-drive ${formatNumber(count)}`}
          </button>
        </div>
      </form>
    </dialog>
  );
}
