// The signed-in user as the page chrome shows it (components/auth/ViewerContext.tsx).

import type { Viewer } from '@/components/auth/ViewerContext';
import { LOCKABLE_DIMENSIONS } from '@/lib/contract/access';
import type { Principal } from './principal';
import type { Scope } from './scope';

const LABEL = { store: 'Stores', region: 'Regions', channel: 'Channels', category: 'Categories' } as const;

/** "Stores S-1, S-2 · Categories Shoes"; empty for an unrestricted scope. */
export function describeScope(scope: Scope): string {
  return LOCKABLE_DIMENSIONS.filter((d) => (scope[d]?.length ?? 0) > 0)
    .map((d) => `${LABEL[d]} ${scope[d]?.join(', ')}`)
    .join(' · ');
}

export function viewerOf(principal: Principal): Viewer | null {
  if (principal.kind !== 'user') return null;
  return { email: principal.email, name: principal.name, role: principal.role, scope: describeScope(principal.scope) };
}
