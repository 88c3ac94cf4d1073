'use client';

// What a row says about re-drives: this tab's result, the server's re-drive state, and the
// dead letter it is a re-drive of.
import { cx } from '@/components/common/cx';
import type { DeadLetter, RedriveResult } from '@/lib/contract/dead-letters';
import { TIME } from './display';

const RESULT_TEXT: Record<RedriveResult['status'], string> = {
  redriven: 'Re-driven',
  pending: 'Waiting for Kafka…',
  failed: 'Failed',
  not_found: 'No longer kept',
};

export function RedriveCell({ row, result, isClient }: { row: DeadLetter; result?: RedriveResult; isClient: boolean }) {
  const { redrive, redrive_of: origin } = row;
  return (
    <div className="flex flex-col items-start gap-1">
      {result && (
        <span
          data-testid="redrive-result"
          data-status={result.status}
          title={result.error}
          className={cx(
            'inline-flex max-w-full rounded px-1.5 py-px text-[11px] font-medium',
            result.status === 'redriven' && 'bg-success-soft text-success-foreground',
            result.status === 'pending' && 'bg-warning-soft text-warning-foreground',
            (result.status === 'failed' || result.status === 'not_found') && 'bg-danger-soft text-danger-foreground',
          )}
        >
          <span className="truncate">
            {RESULT_TEXT[result.status]}
            {result.to && ` → p${result.to.partition} · ${result.to.offset}`}
            {result.error && `: ${result.error}`}
          </span>
        </span>
      )}
      {redrive && (
        <span data-testid="redrive-state" data-outcome={redrive.outcome} data-count={redrive.count}>
          <span className="text-muted-foreground">
            {redrive.count === 1 ? 'Re-driven' : `Re-driven ${redrive.count}×`}
            {isClient && `, last ${TIME.format(new Date(redrive.last_at))}`}
          </span>
          <br />
          {redrive.outcome === 'pending' && <span className="text-warning-foreground">waiting for the workers</span>}
          {redrive.outcome === 'accepted' && <span className="text-success-foreground">accepted by the workers</span>}
          {redrive.outcome === 'dead_lettered' && (
            <span className="text-danger-foreground">
              rejected again
              {redrive.dead_letter && (
                <>
                  {' → '}
                  <a
                    href={`#dead-letter-${redrive.dead_letter.id}`}
                    className="rounded font-medium underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
                  >
                    #{redrive.dead_letter.id}
                  </a>
                </>
              )}
            </span>
          )}
        </span>
      )}
      {origin && (
        <span data-testid="redrive-of" data-origin-id={origin.id ?? ''} className="text-muted-foreground">
          Re-drive of{' '}
          {origin.id !== null ? (
            <a
              href={`#dead-letter-${origin.id}`}
              className="rounded font-medium text-foreground underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
            >
              #{origin.id}
            </a>
          ) : (
            `p${origin.partition} · ${origin.offset}`
          )}
        </span>
      )}
      {!result && !redrive && !origin && <span className="text-subtle-foreground">—</span>}
    </div>
  );
}
