'use client';

import { useEffect, useId, useState } from 'react';
import { useEmbed } from '@/components/embed/EmbedContext';
import type { OverviewQuery } from '@/lib/web/overview-params';
import { activePreset, viewZone } from './range-presets';
import { pinnedView, viewUrl } from './share-link';

/** How long "Copied" shows before the button reads "Copy link" again. */
const CONFIRM_MS = 2500;

type Copied = { url: string; ok: boolean };

/**
 * "Copy link": the view's URL (with its time zone) to the clipboard. "Pin times" turns a
 * relative range into the window on screen, so the link shows the same period tomorrow.
 * Where the clipboard is refused, the link is shown selected, to copy by hand. Not in embeds:
 * their URL carries the portal's token.
 */
export function CopyLink({ query, tz }: { query: OverviewQuery; tz: string }) {
  const embed = useEmbed();
  const id = useId();
  const [pin, setPin] = useState(false);
  const [copied, setCopied] = useState<Copied | null>(null);
  useEffect(() => {
    if (!copied?.ok) return;
    const timer = setTimeout(() => setCopied(null), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  if (embed) return null;
  const relative = activePreset(query) !== null;

  const copy = async () => {
    const view = pin && relative ? pinnedView(query, tz, Date.now()) : { ...query, tz: viewZone(query, tz) };
    const url = viewUrl(window.location.origin, window.location.pathname, view);
    try {
      await navigator.clipboard.writeText(url);
      setCopied({ url, ok: true });
    } catch {
      setCopied({ url, ok: false });
    }
  };

  return (
    <div className="flex items-center gap-2 text-xs">
      {relative && (
        <label
          htmlFor={id}
          className="inline-flex items-center gap-1 text-muted-foreground"
          title="Copy the period on screen as fixed times instead of a sliding range"
        >
          <input
            id={id}
            type="checkbox"
            data-testid="pin-times"
            checked={pin}
            onChange={(event) => setPin(event.target.checked)}
            className="size-3.5 accent-current focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
          />
          Pin times
        </label>
      )}
      <button
        type="button"
        data-testid="copy-link"
        data-url={copied?.url}
        onClick={copy}
        title="Copy a link to this view"
        className="inline-flex h-8 items-center rounded-lg border border-border bg-card px-2.5 text-[13px] font-medium text-foreground hover:border-border-strong hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
      >
        {copied?.ok ? 'Copied' : 'Copy link'}
      </button>
      <span role="status" className="sr-only">
        {copied?.ok ? 'Link copied' : ''}
      </span>
      {copied && !copied.ok && (
        <input
          readOnly
          aria-label="Link to this view: copy it"
          data-testid="copy-link-url"
          value={copied.url}
          ref={(input) => input?.select()}
          className="h-8 w-48 rounded-lg border border-border bg-card px-2 text-xs text-foreground"
        />
      )}
    </div>
  );
}
