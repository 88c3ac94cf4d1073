// Who may see what, as the API's bodies name it: user roles, embed views and the filters an
// embed locks. Shared by the admin contract (lib/contract/admin-*.ts), the access checks
// (lib/web/auth/) and the admin pages. Pure: the browser bundles the contract too.
import { canonicalRegion } from '@/lib/domain/dimensions';
import type { Dimension } from './view-query';

export const ROLES = ['admin', 'merchandiser', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const EMBED_VIEWS = ['dashboard', 'product', 'store'] as const;
export type EmbedView = (typeof EMBED_VIEWS)[number];

/** The dimensions an embed may lock (a user's scope holds all but the channel). */
export const LOCKABLE_DIMENSIONS = ['store', 'region', 'channel', 'category'] as const satisfies readonly Dimension[];
export type Lock = Partial<Record<(typeof LOCKABLE_DIMENSIONS)[number], string[]>>;

/** A lock as stored (JSON) or claimed: string arrays per lockable dimension, anything else dropped. */
export function toLock(value: unknown): Lock {
  const lock: Lock = {};
  if (typeof value !== 'object' || value === null) return lock;
  for (const dimension of LOCKABLE_DIMENSIONS) {
    const list = (value as Record<string, unknown>)[dimension];
    if (Array.isArray(list) && list.every((v) => typeof v === 'string') && list.length > 0) {
      // Regions as they are counted (lib/domain/dimensions.ts), so a lock matches the data.
      const values = dimension === 'region' ? (list as string[]).map(canonicalRegion) : (list as string[]);
      lock[dimension] = [...new Set(values)].sort();
    }
  }
  return lock;
}
