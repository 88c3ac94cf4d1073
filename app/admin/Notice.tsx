import { cx } from '@/components/common/cx';

export interface NoticeText {
  kind: 'ok' | 'error';
  text: string;
}

/** The outcome of the last change on an admin page: a status line, or an alert for an error. */
export function Notice({ notice, testId }: { notice: NoticeText | null; testId: string }) {
  if (!notice) return null;
  return (
    <p
      role={notice.kind === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      className={cx(
        'rounded-lg px-3 py-2 text-xs',
        notice.kind === 'error' ? 'bg-danger-soft text-danger-foreground' : 'bg-success-soft text-success-foreground',
      )}
    >
      {notice.text}
    </p>
  );
}
