'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { cx } from '@/components/common/cx';
import { useEmbed } from '@/components/embed/EmbedContext';
import { MAX_SAVED_VIEWS, MAX_VIEW_NAME, type SavedView } from '@/lib/contract/saved-views';
import { type OverviewQuery, viewKey } from '@/lib/web/overview-params';
import { viewZone } from './range-presets';

/** The API's error message of a refused change, or its status line. */
async function refusal(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON
  }
  return `HTTP ${res.status}`;
}

/**
 * "Saved views": a menu of the signed-in user's named views (GET /api/v1/views), each a link to
 * the dashboard with its query, and on the dashboard a form to save the view on screen under a
 * name (relative ranges stay relative; the zone is written out, like Copy link). A disclosure:
 * the button toggles the panel, Tab moves through it, Escape closes it and returns to the
 * button. Not in embeds: a portal's viewer has no user to save for.
 */
export function SavedViews({ query, tz }: { query: OverviewQuery; tz: string }) {
  const embed = useEmbed();
  const pathname = usePathname();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [views, setViews] = useState<SavedView[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const canSave = pathname === '/';
  const current = viewKey({ ...query, tz: viewZone(query, tz) });

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const res = await fetch('/api/v1/views', { cache: 'no-store', signal });
      if (!res.ok) throw new Error(await refusal(res));
      setViews(((await res.json()) as { views: SavedView[] }).views);
      setError(null);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    void load(controller.signal);
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => {
      controller.abort();
      document.removeEventListener('pointerdown', onPointerDown);
    };
  }, [open, load]);

  if (embed) return null;

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const res = await fetch('/api/v1/views', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, query: current }),
    });
    if (!res.ok) return setError(await refusal(res));
    const { view } = (await res.json()) as { view: SavedView };
    setName('');
    setError(null);
    setStatus(`Saved “${view.name}”`);
    await load();
  };

  const remove = async (view: SavedView) => {
    const res = await fetch(`/api/v1/views/${encodeURIComponent(view.id)}`, { method: 'DELETE' });
    if (!res.ok && res.status !== 404) return setError(await refusal(res));
    setStatus(`Deleted “${view.name}”`);
    await load();
  };

  const small =
    'rounded-md text-xs font-medium focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring';
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the panel closes it
    <div
      ref={rootRef}
      className="relative"
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !open) return;
        // The page's own Escape (leaving TV mode) must not also fire.
        event.preventDefault();
        event.stopPropagation();
        close();
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        data-testid="saved-views"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => setOpen(!open)}
        className="inline-flex h-8 items-center gap-1 rounded-lg border border-border bg-card px-2.5 text-[13px] font-medium text-foreground hover:border-border-strong hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
      >
        Saved views
        <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5 text-muted-foreground">
          <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
      </button>
      {open && (
        <section
          id={`${id}-panel`}
          aria-label="Saved views"
          data-testid="saved-views-panel"
          className="fixed inset-x-3 z-40 mt-1 flex flex-col gap-2 rounded-xl border border-border bg-card p-2 text-card-foreground shadow-lg sm:absolute sm:inset-x-auto sm:top-full sm:right-0 sm:w-72"
        >
          {views === null && !error ? (
            <p className="px-2 py-2 text-xs text-muted-foreground">Loading…</p>
          ) : views && views.length === 0 ? (
            <p className="px-2 py-2 text-xs text-muted-foreground">No saved views yet.</p>
          ) : (
            <ul className="m-0 flex max-h-64 list-none flex-col overflow-y-auto p-0" data-testid="saved-views-list">
              {views?.map((view) => (
                <li key={view.id} className="flex items-center gap-1">
                  <Link
                    href={view.query ? `/?${view.query}` : '/'}
                    data-testid="saved-view"
                    aria-current={canSave && view.query === current ? 'page' : undefined}
                    onClick={() => setOpen(false)}
                    className={cx(
                      'min-w-0 flex-1 truncate rounded-md px-2 py-1.5 text-[13px] text-foreground hover:bg-muted',
                      'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
                      canSave && view.query === current && 'font-semibold text-accent',
                    )}
                  >
                    {view.name}
                  </Link>
                  <button
                    type="button"
                    aria-label={`Delete saved view ${view.name}`}
                    title="Delete"
                    onClick={() => remove(view)}
                    className={cx(small, 'size-7 shrink-0 text-muted-foreground hover:bg-muted hover:text-foreground')}
                  >
                    <span aria-hidden="true">×</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {canSave && (
            <form
              onSubmit={save}
              data-testid="save-view"
              className="flex items-center gap-1.5 border-t border-border pt-2"
            >
              <label htmlFor={`${id}-name`} className="sr-only">
                Name of this view
              </label>
              <input
                id={`${id}-name`}
                data-testid="save-view-name"
                value={name}
                maxLength={MAX_VIEW_NAME}
                required
                placeholder="Name this view…"
                onChange={(event) => setName(event.target.value)}
                className="h-8 min-w-0 flex-1 rounded-md border border-border bg-background px-2 text-[13px] text-foreground placeholder:text-subtle-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
              />
              <button
                type="submit"
                disabled={(views?.length ?? 0) >= MAX_SAVED_VIEWS}
                className={cx(small, 'h-8 bg-foreground px-2.5 text-background hover:opacity-90 disabled:opacity-50')}
              >
                Save view
              </button>
            </form>
          )}
          {error && (
            <p role="alert" className="px-2 text-xs text-danger-foreground" data-testid="saved-views-error">
              {error}
            </p>
          )}
        </section>
      )}
      <span role="status" className="sr-only">
        {status}
      </span>
    </div>
  );
}
