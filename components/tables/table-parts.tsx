// Pieces the ranked tables share (popular products, a product's stores): the row's look and
// the share column.
import { ShareBar } from '@/components/charts/ShareBars';
import { cx } from '@/components/common/cx';

export const TABLE_ROW = 'border-b border-border/70 last:border-b-0 hover:bg-muted/60';

/** The last column: the row's share of revenue as a bar scaled to the largest share shown. */
export function ShareCell({ share, max, className }: { share: number; max: number; className?: string }) {
  return (
    <td className={cx('py-2 pr-5 pl-3', className)}>
      <ShareBar share={share} max={max} />
    </td>
  );
}
