import type { ReactNode } from 'react';
import { cx } from './cx';

export function EmptyState({ title, hint, className }: { title: ReactNode; hint?: ReactNode; className?: string }) {
  return (
    <div
      className={cx(
        'flex flex-col items-center justify-center gap-1 rounded-lg border border-dashed border-border-strong px-4 py-8 text-center',
        className,
      )}
    >
      <p className="text-sm font-medium text-foreground">{title}</p>
      {hint !== undefined && <p className="max-w-xs text-xs text-muted-foreground">{hint}</p>}
    </div>
  );
}
