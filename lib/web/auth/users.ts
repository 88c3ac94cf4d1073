// Users and their sign-in sessions in PostgreSQL (tables app_user, user_session). A session
// cookie holds 32 random bytes; the table holds their SHA-256 only, so a leaked table signs
// nobody in. Every request reads the session with its user: a role, scope or disabled flag an
// admin changes applies to the next request, on every web process.
import { createHash, randomBytes } from 'node:crypto';
import type { AppUser, PrismaClient } from '@prisma/client';
import { ROLES, type Role } from '@/lib/contract/access';
import { normaliseEmail } from '@/lib/contract/admin-users';
import { decoyHash, hashPassword, verifyPassword } from './password';
import type { UserPrincipal } from './principal';
import type { Scope } from './scope';

const hashToken = (token: string) => createHash('sha256').update(token).digest();

export function principalOf(user: AppUser): UserPrincipal {
  const scope: Scope = {};
  if (user.scopeStores.length > 0) scope.store = [...user.scopeStores].sort();
  if (user.scopeRegions.length > 0) scope.region = [...user.scopeRegions].sort();
  if (user.scopeCategories.length > 0) scope.category = [...user.scopeCategories].sort();
  return {
    kind: 'user',
    userId: user.id.toString(),
    email: user.email,
    name: user.name,
    role: (ROLES as readonly string[]).includes(user.role) ? (user.role as Role) : 'viewer',
    scope,
  };
}

/** The user with this email and password, or null (also for disabled users and unknown emails, in the same time). */
export async function checkPassword(prisma: PrismaClient, email: string, password: string): Promise<AppUser | null> {
  const user = await prisma.appUser.findFirst({ where: { email: normaliseEmail(email) } });
  if (!user?.passwordHash) {
    await verifyPassword(password, await decoyHash());
    return null;
  }
  const ok = await verifyPassword(password, user.passwordHash);
  return ok && !user.disabled ? user : null;
}

export interface NewSession {
  token: string;
  expiresAt: Date;
}

export async function createSession(
  prisma: PrismaClient,
  userId: bigint,
  ttlSeconds: number,
  client: string,
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await prisma.userSession.create({
    data: { tokenHash: hashToken(token), userId, expiresAt, client: client.slice(0, 300) },
  });
  // Expired sessions of anyone go with each sign-in: the table never holds more than the live ones for long.
  await prisma.userSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return { token, expiresAt };
}

/** The signed-in user of a session cookie, or null (unknown, expired, or the user is disabled). */
export async function sessionUser(prisma: PrismaClient, token: string): Promise<AppUser | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const session = await prisma.userSession.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  if (!session || session.expiresAt <= new Date() || session.user.disabled) return null;
  return session.user;
}

export async function deleteSession(prisma: PrismaClient, token: string): Promise<void> {
  await prisma.userSession.deleteMany({ where: { tokenHash: hashToken(token) } });
}

export async function deleteSessionsOf(prisma: PrismaClient, userId: bigint): Promise<void> {
  await prisma.userSession.deleteMany({ where: { userId } });
}

/**
 * On start: when PULSE_ADMIN_EMAIL and PULSE_ADMIN_PASSWORD are set and no user has that email,
 * create it as an admin. Never changes an existing user: the variables only open a new install.
 */
export async function ensureFirstAdmin(
  prisma: PrismaClient,
  email: string | undefined,
  password: string | undefined,
): Promise<'created' | 'exists' | 'not_configured'> {
  if (!email || !password) return 'not_configured';
  const existing = await prisma.appUser.findFirst({ where: { email: normaliseEmail(email) } });
  if (existing) return 'exists';
  await prisma.appUser
    .create({
      data: {
        email: normaliseEmail(email),
        name: 'Administrator',
        role: 'admin',
        passwordHash: await hashPassword(password),
      },
    })
    .catch((err: unknown) => {
      // Another web process created it at the same moment (unique index on lower(email)).
      if ((err as { code?: string }).code !== 'P2002') throw err;
    });
  return 'created';
}
