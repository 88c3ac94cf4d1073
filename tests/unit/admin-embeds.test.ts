import { describe, expect, it } from 'vitest';
import {
  checkDefaults,
  EMBED_ID,
  KEY_ID,
  newEmbedId,
  newKeyId,
  parseEmbedId,
  parseEmbedPatch,
  parseKeyId,
  parseNewEmbed,
} from '@/lib/web/auth/admin-embeds';
import { paramOf } from '@/tests/support/param-error';

const NOW = new Date('2026-12-06T00:00:00Z');

describe('parseNewEmbed', () => {
  it('fills the defaults of a minimal dashboard embed', () => {
    expect(parseNewEmbed({ name: 'Portal', view: 'dashboard' }, NOW)).toEqual({
      name: 'Portal',
      view: 'dashboard',
      target: null,
      locked: {},
      defaults: {},
      theme: 'light',
      accent: null,
      links: 'embed',
      expires_at: null,
    });
  });

  it('keeps every field of a full product embed', () => {
    const embed = parseNewEmbed(
      {
        name: 'Store portal',
        view: 'product',
        target: 'SKU-1',
        locked: { store: ['S2', 'S1', 'S1'], channel: ['web'] },
        defaults: { range: '24h', tz: 'Europe/Paris', store: 'S1' },
        theme: 'dark',
        accent: '#FF0066',
        links: 'new_tab',
        expires_at: '2027-01-01T00:00:00Z',
      },
      NOW,
    );
    expect(embed.locked).toEqual({ store: ['S1', 'S2'], channel: ['web'] });
    expect(embed.defaults).toEqual({ range: '24h', tz: 'Europe/Paris', store: ['S1'] });
    expect(embed.accent).toBe('#ff0066');
    expect(embed.expires_at?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it.each([
    [{ view: 'dashboard' }, 'name'],
    [{ name: '', view: 'dashboard' }, 'name'],
    [{ name: 'x', view: 'map' }, 'view'],
    [{ name: 'x', view: 'product' }, 'target'],
    [{ name: 'x', view: 'store', target: '' }, 'target'],
    [{ name: 'x', view: 'dashboard', target: 'S1' }, 'target'],
    [{ name: 'x', view: 'store', target: 'S3', locked: { store: ['S1'] } }, 'target'],
    [{ name: 'x', view: 'dashboard', locked: { stores: ['S1'] } }, 'locked.stores'],
    [{ name: 'x', view: 'dashboard', locked: { store: 'S1' } }, 'locked.store'],
    [{ name: 'x', view: 'dashboard', defaults: { range: '2y' } }, 'defaults.range'],
    [{ name: 'x', view: 'dashboard', defaults: { tz: 'Mars/Base' } }, 'defaults.tz'],
    [{ name: 'x', view: 'dashboard', defaults: { colour: 'red' } }, 'defaults.colour'],
    [{ name: 'x', view: 'dashboard', locked: { store: ['S1'] }, defaults: { store: 'S2' } }, 'defaults.store'],
    [{ name: 'x', view: 'dashboard', theme: 'blue' }, 'theme'],
    [{ name: 'x', view: 'dashboard', accent: 'red' }, 'accent'],
    [{ name: 'x', view: 'dashboard', accent: '#fff' }, 'accent'],
    [{ name: 'x', view: 'dashboard', links: 'popup' }, 'links'],
    [{ name: 'x', view: 'dashboard', expires_at: 'tomorrow' }, 'expires_at'],
    [{ name: 'x', view: 'dashboard', expires_at: '2026-01-01T00:00:00Z' }, 'expires_at'],
    [{ name: 'x', view: 'dashboard', id: 'emb_mine' }, 'id'],
    ['nope', 'body'],
  ])('refuses %j naming %s', (body, param) => {
    expect(paramOf(() => parseNewEmbed(body, NOW))).toBe(param);
  });
});

describe('parseEmbedPatch', () => {
  it('takes revoked and single fields; keeps raw defaults for checking against the merged lock', () => {
    expect(parseEmbedPatch({ revoked: true })).toEqual({ revoked: true });
    expect(parseEmbedPatch({ defaults: { range: '7d' }, accent: null })).toEqual({
      accent: null,
      rawDefaults: { range: '7d' },
    });
  });

  it.each([
    [{}, 'body'],
    [{ revoked: 'yes' }, 'revoked'],
    [{ view: 'map' }, 'view'],
    [{ created_by: '1' }, 'created_by'],
  ])('refuses %j naming %s', (body, param) => {
    expect(paramOf(() => parseEmbedPatch(body))).toBe(param);
  });
});

describe('checkDefaults', () => {
  it('accepts defaults inside the lock', () => {
    expect(checkDefaults({ category: ['Toys'] }, { category: ['Toys', 'Games'] })).toEqual({ category: ['Toys'] });
  });

  it('takes the comparison as a view parameter like any other', () => {
    expect(checkDefaults({ range: 'today', compare: 'last_week' }, {})).toEqual({
      range: 'today',
      compare: 'last_week',
    });
    expect(() => checkDefaults({ compare: 'last_year' }, {})).toThrow(
      expect.objectContaining({ param: 'defaults.compare', message: expect.stringMatching(/compare must be one of/) }),
    );
  });
});

describe('ids', () => {
  it('makes url-safe random ids and checks them', () => {
    const ids = new Set(Array.from({ length: 200 }, newEmbedId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(EMBED_ID);
    expect(newKeyId()).toMatch(KEY_ID);
    expect(parseEmbedId('emb_abcdefgh23')).toBe('emb_abcdefgh23');
    // Not of our making: names nothing (404), like an id that was removed.
    for (const bad of ['emb_ABC', 'emb_none', '../x']) expect(() => parseEmbedId(bad)).toThrow(/no embed/);
    expect(() => parseKeyId('none')).toThrow(expect.objectContaining({ status: 404 }));
  });
});
