'use client';

// Shown when the dashboard cannot be rendered (database unreachable, …). Details stay in the
// server log; the user gets a retry that re-renders the route.
import { AppHeader } from '@/components/common/AppHeader';

export default function DashboardError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="min-h-screen">
      <AppHeader />
      <main className="mx-auto max-w-[1280px] px-6 py-16">
        <div role="alert" className="mx-auto max-w-lg rounded-xl border border-border bg-card p-6 shadow-xs">
          <p className="text-xs font-medium tracking-wide text-danger-foreground uppercase">Temporarily unavailable</p>
          <h2 className="mt-1 text-lg font-semibold tracking-tight">The dashboard’s data could not be loaded.</h2>
          <p className="mt-2 text-sm text-muted-foreground">
            The analytics database did not answer. The numbers are safe — workers resume where they stopped — so try
            again in a moment.
          </p>
          <button
            type="button"
            onClick={reset}
            className="mt-4 rounded-lg border border-border bg-background px-3 py-1.5 text-sm font-medium hover:bg-muted focus-visible:outline-2"
          >
            Try again
          </button>
        </div>
      </main>
    </div>
  );
}
