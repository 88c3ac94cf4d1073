// Pure access logic: scopes narrow and never widen, the route table's matching and decisions,
// passwords (scrypt) and the signed principal header.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '@/lib/contract/admin-users';
import { authorize, matchRoute, ROUTE_RULES, takesBody } from '@/lib/web/auth/access-rules';
import { hashPassword, verifyPassword } from '@/lib/web/auth/password';
import {
  decodePrincipal,
  type EmbedPrincipal,
  encodePrincipal,
  type Principal,
  setPrincipalKey,
  type UserPrincipal,
} from '@/lib/web/auth/principal';
import { applyScope, intersectScopes, ScopeError, scopeFilterOptions } from '@/lib/web/auth/scope';
import { safeNext } from '@/lib/web/auth/sign-in-paths';
import { describeScope } from '@/lib/web/auth/viewer';

const user = (role: UserPrincipal['role'], scope: UserPrincipal['scope'] = {}): UserPrincipal => ({
  kind: 'user',
  userId: '1',
  email: 'a@b.c',
  name: '',
  role,
  scope,
});

const embed: EmbedPrincipal = {
  kind: 'embed',
  embedId: 'emb_1',
  name: 'Portal',
  view: 'dashboard',
  target: null,
  scope: { region: ['eu'] },
  defaults: {},
  theme: 'light',
  accent: null,
  links: 'embed',
  token: 'x.y.z',
  expiresAt: '2030-01-01T00:00:00Z',
};

describe('applyScope', () => {
  const scope = { store: ['A', 'B'], category: ['Shoes'] };

  it('takes the whole scope when the view has no filter', () => {
    expect(applyScope({ range: '1h' }, scope)).toEqual({ range: '1h', store: ['A', 'B'], category: ['Shoes'] });
  });

  it('keeps a filter inside the scope (narrowing)', () => {
    expect(applyScope({ store: ['B'] }, scope).store).toEqual(['B']);
  });

  it('refuses any value outside the scope, naming it', () => {
    expect(() => applyScope({ store: ['A', 'C'] }, scope)).toThrow(ScopeError);
    expect(() => applyScope({ category: 'Bags' }, scope)).toThrow(/category "Bags" is outside your scope/);
  });

  it('leaves unscoped dimensions and an empty scope alone', () => {
    expect(applyScope({ region: ['eu'], channel: ['web'] }, scope)).toMatchObject({ region: ['eu'], channel: ['web'] });
    expect(applyScope({ store: ['Z'] }, {})).toEqual({ store: ['Z'] });
  });

  it('treats empty values as no filter (store= means the whole scope, not everything)', () => {
    expect(applyScope({ store: [''] }, scope).store).toEqual(['A', 'B']);
  });
});

describe('intersectScopes', () => {
  it('narrows a lock with a token’s filters and never widens it', () => {
    expect(intersectScopes({ region: ['eu', 'us'] }, { region: ['eu'], store: ['P'] })).toEqual({
      region: ['eu'],
      store: ['P'],
    });
    expect(() => intersectScopes({ region: ['eu'] }, { region: ['us'] })).toThrow(ScopeError);
  });
});

describe('scopeFilterOptions', () => {
  it('lists only the scope’s stores, regions and categories', () => {
    const options = {
      stores: [
        { id: 'P', region: 'eu' },
        { id: 'N', region: 'us' },
      ],
      regions: ['eu', 'us'],
      channels: ['web', 'app'] as ('web' | 'app')[],
      categories: ['Bags', 'Shoes'],
    };
    expect(scopeFilterOptions(options, { region: ['eu'], category: ['Shoes'] })).toEqual({
      stores: [{ id: 'P', region: 'eu' }],
      regions: ['eu'],
      channels: ['web', 'app'],
      categories: ['Shoes'],
    });
    expect(scopeFilterOptions(options, { store: ['N'] }).regions).toEqual(['us']);
  });
});

describe('access rules', () => {
  it('matches patterns with decoded parameters and wildcards', () => {
    expect(matchRoute('/products/A%2FB')).toMatchObject({ rule: { path: '/products/:sku' }, params: { sku: 'A/B' } });
    expect(matchRoute('/_next/static/chunks/x.js')?.rule.path).toBe('/_next/static/*');
    expect(matchRoute('/api/v1/overview/')?.rule.path).toBe('/api/v1/overview');
    expect(matchRoute('/nothing/here')).toBeNull();
  });

  it('has one rule per path pattern', () => {
    const paths = ROUTE_RULES.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('knows which routes take a body', () => {
    expect(takesBody(matchRoute('/api/v1/auth/signin'), 'POST')).toBe(true);
    expect(takesBody(matchRoute('/api/v1/overview'), 'POST')).toBe(false);
    expect(takesBody(matchRoute('/nothing'), 'POST')).toBe(false);
  });

  const rule = (path: string) => {
    const match = matchRoute(path);
    if (!match) throw new Error(`no rule for ${path}`);
    return match;
  };
  const decide = (path: string, who: Principal) => {
    const { rule: r, params } = rule(path);
    return authorize(r, who, params);
  };

  it('lets readers read, exporters export and admins administer', () => {
    expect(decide('/api/v1/overview', user('viewer')).ok).toBe(true);
    expect(decide('/api/v1/export', user('viewer'))).toMatchObject({ ok: false, status: 403 });
    expect(decide('/api/v1/export', user('merchandiser')).ok).toBe(true);
    expect(decide('/admin/users', user('merchandiser'))).toMatchObject({ ok: false, status: 403 });
    expect(decide('/admin/users', user('admin')).ok).toBe(true);
    expect(decide('/', { kind: 'anonymous' })).toMatchObject({ ok: false, status: 401 });
    expect(decide('/signin', { kind: 'anonymous' }).ok).toBe(true);
  });

  it('gives the ops token ops routes only', () => {
    expect(decide('/metrics', { kind: 'ops' }).ok).toBe(true);
    expect(decide('/api/v1/dead-letters', { kind: 'ops' }).ok).toBe(true);
    expect(decide('/api/v1/overview', { kind: 'ops' })).toMatchObject({ ok: false, status: 403 });
    expect(decide('/ops/dead-letters', { kind: 'ops' })).toMatchObject({ ok: false, status: 403 });
  });

  it('gives an embed token its own embed and the readers’ routes marked for embeds', () => {
    expect(decide('/embed/emb_1', embed).ok).toBe(true);
    expect(decide('/embed/emb_2', embed)).toMatchObject({ ok: false, status: 403 });
    expect(decide('/api/v1/overview', embed).ok).toBe(true);
    expect(decide('/api/v1/export', embed)).toMatchObject({ ok: false, status: 403 });
    expect(decide('/', embed)).toMatchObject({ ok: false, status: 403 });
    // No embed shows stock: its page and API refuse an embed token.
    expect(decide('/inventory', embed)).toMatchObject({ ok: false, status: 403 });
    expect(decide('/api/v1/inventory', embed)).toMatchObject({ ok: false, status: 403 });
    expect(decide('/embed/emb_1', user('admin'))).toMatchObject({ ok: false, status: 401 });
    // Nor alerts: their list and actions refuse an embed token.
    expect(decide('/api/v1/alerts', embed)).toMatchObject({ ok: false, status: 403 });
    expect(decide('/api/v1/alerts/1/acknowledge', embed)).toMatchObject({ ok: false, status: 403 });
  });

  it('lets every reader list alerts and admins and merchandisers act on them', () => {
    for (const role of ['viewer', 'merchandiser', 'admin'] as const) {
      expect(decide('/api/v1/alerts', user(role)).ok).toBe(true);
    }
    for (const action of ['acknowledge', 'snooze', 'accept', 'dismiss']) {
      const path = `/api/v1/alerts/42/${action}`;
      expect(decide(path, user('viewer')), path).toMatchObject({ ok: false, status: 403 });
      expect(decide(path, user('merchandiser')).ok, path).toBe(true);
      expect(decide(path, user('admin')).ok, path).toBe(true);
      expect(decide(path, { kind: 'ops' }), path).toMatchObject({ ok: false, status: 403 });
      expect(takesBody(matchRoute(path), 'POST'), path).toBe(true);
    }
  });
});

describe('passwords', () => {
  it('hashes with scrypt and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$65536\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('asks for 12 to 256 characters', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem('long enough pass')).toBeNull();
  });
});

describe('principal header', () => {
  it('round-trips what the server signed and refuses anything else', () => {
    setPrincipalKey(randomBytes(32));
    const header = encodePrincipal(user('admin'));
    expect(decodePrincipal(header)).toEqual(user('admin'));
    const [body] = header.split('.');
    const forged = `${Buffer.from(JSON.stringify(user('admin', {}))).toString('base64url')}.${'A'.repeat(43)}`;
    expect(decodePrincipal(forged)).toEqual({ kind: 'anonymous' });
    expect(decodePrincipal(`${body}.`)).toEqual({ kind: 'anonymous' });
    expect(decodePrincipal(undefined)).toEqual({ kind: 'anonymous' });
    setPrincipalKey(randomBytes(32)); // another process, or a restart
    expect(decodePrincipal(header)).toEqual({ kind: 'anonymous' });
  });
});

describe('sign-in redirects and scope labels', () => {
  it('returns to paths of this site only', () => {
    expect(safeNext('/stores/A?range=1h')).toBe('/stores/A?range=1h');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });

  it('describes a scope in words', () => {
    expect(describeScope({ store: ['A', 'B'], category: ['Shoes'] })).toBe('Stores A, B · Categories Shoes');
    expect(describeScope({})).toBe('');
  });
});
