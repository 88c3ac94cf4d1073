import { cx } from '@/components/common/cx';
import { stockBarFraction } from './inventory-view';

/**
 * On-hand against the low-stock level: the bar fills on a scale of four times the level, whose
 * mark sits at a quarter. Red at or below the level, amber up to twice it. The figure beside it
 * carries the number; the bar is a picture of it (hidden from screen readers).
 */
export function StockBar({
  onHand,
  lowStockUnits,
  className,
}: {
  onHand: number;
  lowStockUnits: number;
  className?: string;
}) {
  const fraction = stockBarFraction(onHand, lowStockUnits);
  const tone = onHand <= lowStockUnits ? 'bg-danger' : onHand <= lowStockUnits * 2 ? 'bg-warning' : 'bg-success';
  return (
    <div
      aria-hidden="true"
      data-testid="stock-bar"
      data-fraction={fraction.toFixed(3)}
      title={`${onHand} on hand; low at ${lowStockUnits} or fewer`}
      className={cx('relative h-2 overflow-hidden rounded-full bg-muted', className)}
    >
      <div
        className={cx('h-full rounded-full transition-[width] duration-500 motion-reduce:transition-none', tone)}
        style={{ width: `${(fraction * 100).toFixed(1)}%` }}
      />
      {/* The low-stock level. */}
      <div className="absolute inset-y-0 left-1/4 w-px bg-foreground/60" />
    </div>
  );
}
