import type { HTMLAttributes, ReactNode } from 'react';
import { cx } from './cx';

interface CardProps extends Omit<HTMLAttributes<HTMLElement>, 'title'> {
  title?: ReactNode;
  description?: ReactNode;
  /** Right-aligned header content (legend, badge, toggle). */
  action?: ReactNode;
  bodyClassName?: string;
}

export function Card({ title, description, action, bodyClassName, className, children, ...rest }: CardProps) {
  return (
    <section
      className={cx(
        // TV mode: a tile keeps to its grid cell (one screen, no scrolling) and cuts what does not fit.
        'flex min-w-0 flex-col rounded-xl border border-border bg-card text-card-foreground shadow-xs tv:min-h-0 tv:overflow-hidden',
        className,
      )}
      {...rest}
    >
      {title !== undefined && (
        <header className="flex items-start justify-between gap-4 px-5 pt-4">
          <div className="min-w-0">
            <h2 className="text-sm font-semibold tracking-tight">{title}</h2>
            {description !== undefined && <p className="mt-0.5 text-xs text-muted-foreground">{description}</p>}
          </div>
          {action}
        </header>
      )}
      <div className={cx('min-w-0 flex-1 px-5 pt-3 pb-5 tv:min-h-0', bodyClassName)}>{children}</div>
    </section>
  );
}
