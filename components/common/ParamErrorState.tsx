import { ViewLink } from '@/components/embed/EmbedContext';
import { AppHeader } from './AppHeader';
import type { Chrome } from './ViewHeader';

/** Shown instead of the dashboard when the URL's filter parameters cannot be parsed. */
export function ParamErrorState({
  param,
  message,
  given = [],
  chrome = 'full',
}: {
  param: string;
  message: string;
  /** The value(s) the URL had for the parameter. */
  given?: string[];
  /** Pulse's header, or none in an embed (whose link then opens the embed's default view). */
  chrome?: Chrome;
}) {
  return (
    <div className={chrome === 'full' ? 'min-h-screen' : undefined}>
      {chrome === 'full' && <AppHeader />}
      <main className={chrome === 'full' ? 'mx-auto max-w-[1280px] px-6 py-16' : 'px-4 py-6'}>
        <div
          role="alert"
          data-testid="param-error"
          data-param={param}
          className="mx-auto max-w-lg rounded-xl border border-border bg-card p-6 shadow-xs"
        >
          <p className="text-xs font-medium tracking-wide text-danger-foreground uppercase">Invalid link</p>
          <h2 className="mt-1 text-lg font-semibold tracking-tight">
            This view can’t be shown: the{' '}
            <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-[0.9em]">{param}</code> parameter is not
            valid.
          </h2>
          <p className="mt-2 text-sm text-muted-foreground">
            {message}.
            {given.length > 0 && (
              <>
                {' '}
                The link has{' '}
                {given.map((v, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: repeated values of one parameter may be identical
                  <span key={`${i}-${v}`}>
                    {i > 0 && ' and '}
                    <code className="font-mono break-all text-foreground">
                      {param}={v}
                    </code>
                  </span>
                ))}
                .
              </>
            )}
          </p>
          <ViewLink
            href="/"
            className="mt-5 inline-flex h-9 items-center rounded-lg bg-foreground px-3.5 text-sm font-medium text-background transition-opacity hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
          >
            Open the default view (last hour, all stores)
          </ViewLink>
        </div>
      </main>
    </div>
  );
}
