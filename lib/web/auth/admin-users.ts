// Administration of users (Admin → Users): the API's bodies parsed with their contract
// (lib/contract/admin-users.ts), and the reads and writes behind them. A change applies to the user's next request (every request reads its
// session's user); disabling a user or setting their password also ends their sessions.
import type { AppUser, PrismaClient } from '@prisma/client';
import { ROLES, type Role } from '@/lib/contract/access';
import {
  type AdminUser,
  type NewUserInput,
  newUserSchema,
  type UserPatch,
  userPatchSchema,
} from '@/lib/contract/admin-users';
import { HttpError } from '@/lib/web/http-error';
import { ParamError } from '@/lib/web/overview-params';
import { parseBody } from './admin-input';
import { hashPassword } from './password';

export function parseNewUser(body: unknown): NewUserInput {
  return parseBody(newUserSchema, body);
}

export function parseUserPatch(body: unknown): UserPatch {
  return parseBody(userPatchSchema, body);
}

/** A user id from the path: a positive integer. */
export function parseUserId(id: string): bigint {
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw new ParamError('id', 'id must be a user id (a positive integer)');
  return BigInt(id);
}

function toAdminUser(user: AppUser, sessions: number): AdminUser {
  return {
    id: user.id.toString(),
    email: user.email,
    name: user.name,
    role: (ROLES as readonly string[]).includes(user.role) ? (user.role as Role) : 'viewer',
    scope: { stores: user.scopeStores, regions: user.scopeRegions, categories: user.scopeCategories },
    disabled: user.disabled,
    created_at: user.createdAt.toISOString(),
    has_password: user.passwordHash !== null,
    oidc: user.oidcSubject !== null,
    sessions,
  };
}

export async function listUsers(prisma: PrismaClient): Promise<AdminUser[]> {
  const [users, counts] = await Promise.all([
    prisma.appUser.findMany({ orderBy: { id: 'asc' } }),
    prisma.userSession.groupBy({ by: ['userId'], where: { expiresAt: { gt: new Date() } }, _count: true }),
  ]);
  const live = new Map(counts.map((c) => [c.userId, c._count]));
  return users.map((u) => toAdminUser(u, live.get(u.id) ?? 0));
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === 'P2002';

const duplicate = (email: string) => new HttpError(409, 'email_taken', `a user with the email ${email} already exists`);

export async function createUser(prisma: PrismaClient, input: NewUserInput): Promise<AdminUser> {
  if (await prisma.appUser.findFirst({ where: { email: input.email }, select: { id: true } })) {
    throw duplicate(input.email);
  }
  try {
    const user = await prisma.appUser.create({
      data: {
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(input.password),
        scopeStores: input.scope.stores ?? [],
        scopeRegions: input.scope.regions ?? [],
        scopeCategories: input.scope.categories ?? [],
      },
    });
    return toAdminUser(user, 0);
  } catch (err) {
    // Created by another request between the check and the insert (unique index on lower(email)).
    if (isUniqueViolation(err)) throw duplicate(input.email);
    throw err;
  }
}

const notFound = (id: bigint) => new HttpError(404, 'not_found', `no user ${id}`);

// Why a lock: two admins demoting each other at once would each see the other still an admin
// and leave none. Changes that can remove an admin take this transaction lock first.
const ADMIN_LOCK = 0x70756c73; // 'puls'

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

async function refuseLastAdmin(tx: Tx, user: AppUser, what: string): Promise<void> {
  if (user.role !== 'admin' || user.disabled) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_LOCK}::bigint)`;
  const others = await tx.appUser.count({ where: { role: 'admin', disabled: false, id: { not: user.id } } });
  if (others === 0) {
    throw new HttpError(
      409,
      'last_admin',
      `${user.email} is the last enabled admin and cannot be ${what}: make another admin first`,
    );
  }
}

export async function updateUser(prisma: PrismaClient, id: bigint, patch: UserPatch): Promise<AdminUser> {
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  const user = await prisma.$transaction(async (tx) => {
    const current = await tx.appUser.findUnique({ where: { id } });
    if (!current) throw notFound(id);
    if (patch.role !== undefined && patch.role !== 'admin') await refuseLastAdmin(tx, current, 'demoted');
    if (patch.disabled === true) await refuseLastAdmin(tx, current, 'disabled');
    const updated = await tx.appUser.update({
      where: { id },
      data: {
        name: patch.name,
        role: patch.role,
        disabled: patch.disabled,
        passwordHash,
        scopeStores: patch.scope ? (patch.scope.stores ?? []) : undefined,
        scopeRegions: patch.scope ? (patch.scope.regions ?? []) : undefined,
        scopeCategories: patch.scope ? (patch.scope.categories ?? []) : undefined,
        updatedAt: new Date(),
      },
    });
    // A disabled user is refused on their next request anyway; deleting the sessions makes
    // it stick if they are enabled again. A new password ends every session the old one opened.
    if (patch.disabled === true || passwordHash !== undefined) {
      await tx.userSession.deleteMany({ where: { userId: id } });
    }
    return updated;
  });
  const sessions = await prisma.userSession.count({ where: { userId: id, expiresAt: { gt: new Date() } } });
  return toAdminUser(user, sessions);
}

export async function deleteUser(prisma: PrismaClient, id: bigint): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const current = await tx.appUser.findUnique({ where: { id } });
    if (!current) throw notFound(id);
    await refuseLastAdmin(tx, current, 'deleted');
    // Sessions go with the user (ON DELETE CASCADE).
    await tx.appUser.delete({ where: { id } });
  });
}
