import Link from 'next/link';
import { AppHeader } from './AppHeader';

/** Shown instead of the dashboard when the URL's filter parameters cannot be parsed. */
export function ParamErrorState({
  param,
  message,
  given = [],
}: {
  param: string;
  message: string;
  /** The value(s) the URL had for the parameter. */
  given?: string[];
}) {
  return (
    <div className="min-h-screen">
      <AppHeader />
      <main className="mx-auto max-w-[1280px] px-6 py-16">
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
          <Link
            href="/"
            className="mt-5 inline-flex h-9 items-center rounded-lg bg-foreground px-3.5 text-sm font-medium text-background transition-opacity hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
          >
            Open the default view (last hour, all stores)
          </Link>
        </div>
      </main>
    </div>
  );
}
