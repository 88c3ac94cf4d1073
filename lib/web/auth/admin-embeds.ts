// Administration of embeds and their signing keys (Admin → Embeds): the API's bodies parsed
// with their contract (lib/contract/admin-embeds.ts) and checked across fields, and the reads
// and writes behind them. A key's secret leaves Pulse once, in the answer
// that creates it; removing a key stops every token signed with it (rotation: add a key, move
// the portal to it, remove the old one).
import { randomBytes } from 'node:crypto';
import type { Embed, EmbedKey, Prisma, PrismaClient } from '@prisma/client';
import { type EmbedView, type Lock, toLock } from '@/lib/contract/access';
import {
  type AdminEmbed,
  type AdminEmbedKey,
  embedPatchSchema,
  type NewEmbedKey,
  newEmbedSchema,
} from '@/lib/contract/admin-embeds';
import { HttpError } from '@/lib/web/http-error';
import {
  type OverviewQuery,
  ParamError,
  parseOverviewQuery,
  QUERY_KEYS,
  toOverviewQuery,
} from '@/lib/web/overview-params';
import { parseBody } from './admin-input';
import { embedLook } from './embed-tokens';
import { applyScope, ScopeError } from './scope';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `length` random base32 characters (lower case: URL- and copy-safe). */
export function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += BASE32[byte & 31];
  return out;
}

export const newEmbedId = () => `emb_${randomBase32(10)}`;
export const newKeyId = () => `key_${randomBase32(10)}`;
export const EMBED_ID = /^emb_[a-z2-7]{10}$/;
export const KEY_ID = /^key_[a-z2-7]{10}$/;
export const KEY_BYTES = 32;

export interface EmbedSettings {
  name: string;
  view: EmbedView;
  target: string | null;
  locked: Lock;
  defaults: OverviewQuery;
  theme: 'light' | 'dark';
  accent: string | null;
  links: 'embed' | 'new_tab';
  expires_at: Date | null;
}

export type EmbedPatch = Partial<EmbedSettings> & { revoked?: boolean };

/**
 * The defaults as a view query: known keys only, valid (parseOverviewQuery's rules) and inside
 * the lock, since the embed could never show a view outside it.
 */
export function checkDefaults(raw: Record<string, unknown>, locked: Lock): OverviewQuery {
  const unknown = Object.keys(raw).find((k) => !(QUERY_KEYS as readonly string[]).includes(k));
  if (unknown !== undefined) {
    throw new ParamError(
      `defaults.${unknown}`,
      `defaults.${unknown} is not a view parameter (${QUERY_KEYS.join(', ')})`,
    );
  }
  try {
    const query = toOverviewQuery(raw);
    parseOverviewQuery(query);
    applyScope(query, locked);
    return query;
  } catch (err) {
    if (err instanceof ParamError || err instanceof ScopeError) {
      throw new ParamError(
        `defaults.${err.param}`,
        `defaults: ${err.message.replace('your scope', 'the locked filters')}`,
      );
    }
    throw err;
  }
}

/** The rules across fields: a product or store embed names its target, a dashboard none. */
export function checkSettings(settings: EmbedSettings, now = new Date()): EmbedSettings {
  if (settings.view !== 'dashboard' && settings.target === null) {
    throw new ParamError(
      'target',
      `a ${settings.view} embed needs a target (the ${settings.view === 'product' ? 'SKU' : 'store id'})`,
    );
  }
  if (settings.view === 'dashboard' && settings.target !== null) {
    throw new ParamError('target', 'a dashboard embed takes no target');
  }
  if (settings.view === 'store' && settings.target !== null && !allowsValue(settings.locked.store, settings.target)) {
    throw new ParamError('target', 'the target store lies outside the locked stores');
  }
  if (settings.expires_at !== null && settings.expires_at <= now) {
    throw new ParamError('expires_at', 'expires_at must lie in the future');
  }
  return settings;
}

const allowsValue = (list: string[] | undefined, value: string) => !list || list.length === 0 || list.includes(value);

export function parseNewEmbed(body: unknown, now = new Date()): EmbedSettings {
  const input = parseBody(newEmbedSchema, body);
  return checkSettings({ ...input, defaults: checkDefaults(input.defaults, input.locked) }, now);
}

export function parseEmbedPatch(body: unknown): EmbedPatch & { rawDefaults?: Record<string, unknown> } {
  const { defaults, ...rest } = parseBody(embedPatchSchema, body);
  return defaults === undefined ? rest : { ...rest, rawDefaults: defaults };
}

// Ids are opaque: one that is not of our making names nothing (404), like a removed one.
export function parseEmbedId(id: string): string {
  if (!EMBED_ID.test(id)) throw embedNotFound(id);
  return id;
}

export function parseKeyId(kid: string): string {
  if (!KEY_ID.test(kid)) throw keyNotFound(kid);
  return kid;
}

const embedNotFound = (id: string) => new HttpError(404, 'not_found', `no embed ${JSON.stringify(id)}`);
const keyNotFound = (kid: string) => new HttpError(404, 'not_found', `no signing key ${JSON.stringify(kid)}`);

function settingsOf(embed: Embed): EmbedSettings {
  return { ...embedLook(embed), locked: toLock(embed.locked), expires_at: embed.expiresAt };
}

function toAdminEmbed(embed: Embed): AdminEmbed {
  const settings = settingsOf(embed);
  return {
    id: embed.id,
    ...settings,
    defaults: { ...settings.defaults },
    expires_at: embed.expiresAt?.toISOString() ?? null,
    revoked_at: embed.revokedAt?.toISOString() ?? null,
    created_by: embed.createdBy?.toString() ?? null,
    created_at: embed.createdAt.toISOString(),
  };
}

const columns = (s: EmbedSettings) => ({
  name: s.name,
  view: s.view,
  target: s.target,
  locked: s.locked as Prisma.InputJsonObject,
  defaults: s.defaults as Prisma.InputJsonObject,
  theme: s.theme,
  accent: s.accent,
  links: s.links,
  expiresAt: s.expires_at,
});

export async function listEmbeds(prisma: PrismaClient): Promise<AdminEmbed[]> {
  const embeds = await prisma.embed.findMany({ orderBy: { createdAt: 'desc' } });
  return embeds.map(toAdminEmbed);
}

export async function createEmbed(
  prisma: PrismaClient,
  settings: EmbedSettings,
  createdBy: bigint,
): Promise<AdminEmbed> {
  const embed = await prisma.embed.create({ data: { id: newEmbedId(), ...columns(settings), createdBy } });
  return toAdminEmbed(embed);
}

export async function updateEmbed(
  prisma: PrismaClient,
  id: string,
  patch: ReturnType<typeof parseEmbedPatch>,
  now = new Date(),
): Promise<AdminEmbed> {
  const current = await prisma.embed.findUnique({ where: { id } });
  if (!current) throw embedNotFound(id);
  const { revoked, rawDefaults, ...changes } = patch;
  const before = settingsOf(current);
  const merged: EmbedSettings = { ...before, ...changes };
  merged.defaults = checkDefaults((rawDefaults ?? before.defaults) as Record<string, unknown>, merged.locked);
  // An expiry already past may stay as it is; a new one must lie ahead.
  checkSettings(changes.expires_at === undefined ? { ...merged, expires_at: null } : merged, now);
  const revokedAt = revoked === undefined ? undefined : revoked ? (current.revokedAt ?? now) : null;
  const embed = await prisma.embed.update({ where: { id }, data: { ...columns(merged), revokedAt } });
  return toAdminEmbed(embed);
}

export async function deleteEmbed(prisma: PrismaClient, id: string): Promise<void> {
  const { count } = await prisma.embed.deleteMany({ where: { id } });
  if (count === 0) throw embedNotFound(id);
}

const keyRow = (key: Pick<EmbedKey, 'kid' | 'createdAt'>): AdminEmbedKey => ({
  kid: key.kid,
  created_at: key.createdAt.toISOString(),
});

export async function listEmbedKeys(prisma: PrismaClient): Promise<AdminEmbedKey[]> {
  const keys = await prisma.embedKey.findMany({
    select: { kid: true, createdAt: true },
    orderBy: { createdAt: 'desc' },
  });
  return keys.map(keyRow);
}

export async function createEmbedKey(prisma: PrismaClient): Promise<NewEmbedKey> {
  const secret = randomBytes(KEY_BYTES);
  const key = await prisma.embedKey.create({
    data: { kid: newKeyId(), secret: new Uint8Array(secret) },
    select: { kid: true, createdAt: true },
  });
  return { ...keyRow(key), secret: secret.toString('base64url') };
}

export async function deleteEmbedKey(prisma: PrismaClient, kid: string): Promise<void> {
  const { count } = await prisma.embedKey.deleteMany({ where: { kid } });
  if (count === 0) throw keyNotFound(kid);
}
