import { Prisma } from '@prisma/client';
import { ALL_CATEGORIES } from '../sales-rollup';
import type { OverviewFilters } from './overview.types';

/**
 * WHERE clause shared by every rollup query: the minute range, the dimension filters and
 * the category (rows under ALL_CATEGORIES answer views without a category filter).
 */
export function rollupWhere(f: OverviewFilters, alias = ''): Prisma.Sql {
  const col = (name: string) => Prisma.raw(alias ? `${alias}.${name}` : name);
  const parts: Prisma.Sql[] = [Prisma.sql`${col('bucket')} >= ${f.from} AND ${col('bucket')} < ${f.to}`];
  if (f.store) parts.push(Prisma.sql`${col('store_id')} = ${f.store}`);
  if (f.region) parts.push(Prisma.sql`${col('region')} = ${f.region}`);
  if (f.channel) parts.push(Prisma.sql`${col('channel')} = ${f.channel}`);
  return Prisma.join(parts, ' AND ');
}

export function categoryOrAll(f: OverviewFilters): string {
  return f.category ?? ALL_CATEGORIES;
}
