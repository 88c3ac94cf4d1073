// The embed e2e test's share of the global setup (e2e/global-setup.ts): an embed and a signing
// key made directly in the database (as Admin → Embeds would), the example portal on two other
// origins, and what the web server needs to let the allowed one frame Pulse.
import { randomBytes } from 'node:crypto';
import { createPrisma } from '@/lib/db';
import { startPortal } from './server';

export const EMBED_ID = 'e2e-portal-embed';
/** The embed's lock: one region of the simulator's world (workers/simulator/catalog.ts). */
export const EMBED_LOCK_REGION = 'eu-central';

export interface EmbedPortalSetup {
  /** Environment of the web server: EMBED_ALLOWED_ORIGINS lists the allowed portal. */
  webEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function startEmbedPortal(databaseUrl: string, pulseOrigin: string): Promise<EmbedPortalSetup> {
  const kid = 'e2e-portal-key';
  const secret = randomBytes(32);
  const prisma = createPrisma(databaseUrl, 1);
  try {
    await prisma.embedKey.create({ data: { kid, secret } });
    await prisma.embed.create({
      data: {
        id: EMBED_ID,
        name: 'E2E portal',
        view: 'dashboard',
        locked: { region: [EMBED_LOCK_REGION] },
        defaults: { range: '1h' },
        theme: 'dark',
        accent: '#e11d48',
        links: 'embed',
      },
    });
  } finally {
    await prisma.$disconnect();
  }
  const portal = await startPortal({ pulseOrigin, embedId: EMBED_ID, kid, secret });
  process.env.E2E_PORTAL_URL = portal.origin;
  process.env.E2E_FORBIDDEN_PORTAL_URL = portal.forbiddenOrigin;
  return { webEnv: { EMBED_ALLOWED_ORIGINS: portal.origin }, close: portal.close };
}
