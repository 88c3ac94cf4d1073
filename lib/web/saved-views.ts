// A user's saved views (the filter bar's "Saved views", /api/v1/views*): bodies parsed with their
// contract (lib/contract/saved-views.ts), the query checked by the dashboard's own parsing and
// held to the user's scope, and the reads and writes behind them. Every read and write names the
// user: another user's view is not found (404), never shown or changed.
import type { PrismaClient, SavedView as SavedViewRow } from '@prisma/client';
import { MAX_SAVED_VIEWS, newSavedViewSchema, type SavedView, savedViewPatchSchema } from '@/lib/contract/saved-views';
import { parseBody } from '@/lib/web/auth/admin-input';
import { type Scope, ScopeError } from '@/lib/web/auth/scope';
import { HttpError } from '@/lib/web/http-error';
import { ParamError, QUERY_KEYS, toOverviewQuery, viewKey } from '@/lib/web/overview-params';
import { parseDashboardView } from '@/lib/web/search-params';

/**
 * The view's canonical query string (viewKey) once the dashboard would open it: known keys only,
 * every parameter valid as the dashboard's URL has it, and inside the user's scope (the
 * dashboard would refuse the link otherwise). Presets stay relative: a saved "last hour" is the
 * last hour whenever it is opened.
 */
export function checkViewQuery(raw: string, scope: Scope): string {
  const search = new URLSearchParams(raw.startsWith('?') ? raw.slice(1) : raw);
  for (const key of search.keys()) {
    if (!(QUERY_KEYS as readonly string[]).includes(key)) {
      throw new ParamError('query', `query: ${key} is not a view parameter (${QUERY_KEYS.join(', ')})`);
    }
  }
  try {
    parseDashboardView(search, scope);
    return viewKey(toOverviewQuery(search));
  } catch (err) {
    if (err instanceof ParamError || err instanceof ScopeError) {
      throw new ParamError(`query.${err.param}`, `query: ${err.message}`);
    }
    throw err;
  }
}

export function parseNewSavedView(body: unknown, scope: Scope): { name: string; query: string } {
  const input = parseBody(newSavedViewSchema, body);
  return { name: input.name, query: checkViewQuery(input.query, scope) };
}

export function parseSavedViewPatch(body: unknown, scope: Scope): { name?: string; query?: string } {
  const input = parseBody(savedViewPatchSchema, body);
  return {
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.query === undefined ? {} : { query: checkViewQuery(input.query, scope) }),
  };
}

/** Ids are opaque to the client: one that is not a positive integer names nothing (404). */
export function parseSavedViewId(id: string): bigint {
  if (!/^[1-9][0-9]{0,17}$/.test(id)) throw viewNotFound(id);
  return BigInt(id);
}

const viewNotFound = (id: string | bigint) => new HttpError(404, 'not_found', `no saved view ${id}`);
const nameTaken = (name: string) =>
  new HttpError(409, 'name_taken', `you already have a saved view named ${JSON.stringify(name)}`);
const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === 'P2002';

function toSavedView(row: SavedViewRow): SavedView {
  return {
    id: String(row.id),
    name: row.name,
    query: row.query,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The user's views by name (case-insensitive, as the menu lists them). */
export async function listSavedViews(prisma: PrismaClient, userId: bigint): Promise<SavedView[]> {
  const rows = await prisma.savedView.findMany({ where: { userId } });
  return rows
    .map(toSavedView)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.id < b.id ? -1 : 1));
}

export async function createSavedView(
  prisma: PrismaClient,
  userId: bigint,
  view: { name: string; query: string },
): Promise<SavedView> {
  try {
    return await prisma.$transaction(async (tx) => {
      // The user's row locked: two saves at once cannot both pass the count below.
      await tx.$queryRaw`SELECT id FROM app_user WHERE id = ${userId} FOR UPDATE`;
      const count = await tx.savedView.count({ where: { userId } });
      if (count >= MAX_SAVED_VIEWS) {
        throw new HttpError(
          409,
          'too_many_views',
          `you have ${MAX_SAVED_VIEWS} saved views, the most there may be: delete one first`,
        );
      }
      return toSavedView(await tx.savedView.create({ data: { userId, ...view } }));
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(view.name);
    throw err;
  }
}

export async function updateSavedView(
  prisma: PrismaClient,
  userId: bigint,
  id: bigint,
  patch: { name?: string; query?: string },
): Promise<SavedView> {
  try {
    const { count } = await prisma.savedView.updateMany({
      where: { id, userId },
      data: { ...patch, updatedAt: new Date() },
    });
    if (count === 0) throw viewNotFound(id);
  } catch (err) {
    if (isUniqueViolation(err) && patch.name !== undefined) throw nameTaken(patch.name);
    throw err;
  }
  const row = await prisma.savedView.findFirst({ where: { id, userId } });
  if (!row) throw viewNotFound(id);
  return toSavedView(row);
}

export async function deleteSavedView(prisma: PrismaClient, userId: bigint, id: bigint): Promise<void> {
  const { count } = await prisma.savedView.deleteMany({ where: { id, userId } });
  if (count === 0) throw viewNotFound(id);
}
