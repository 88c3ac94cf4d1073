import { describe, expect, it } from 'vitest';
import { adminOf, parseBody } from '@/lib/web/auth/admin-input';
import { parseNewUser, parseUserId, parseUserPatch } from '@/lib/web/auth/admin-users';
import type { Principal } from '@/lib/web/auth/principal';
import { HttpError } from '@/lib/web/http-error';
import { paramOf } from '@/tests/support/param-error';

const GOOD = { email: ' Ana@Example.COM ', name: 'Ana', role: 'viewer', password: 'correct horse battery', scope: {} };

describe('parseNewUser', () => {
  it('lower-cases and trims the email, sorts and de-duplicates scope values', () => {
    const user = parseNewUser({ ...GOOD, scope: { stores: ['S2', 'S1', 'S2'], regions: [' North ', 'north'] } });
    expect(user.email).toBe('ana@example.com');
    expect(user.scope).toEqual({ stores: ['S1', 'S2'], regions: ['north'] });
  });

  it('defaults name and scope', () => {
    const { name: _n, scope: _s, ...rest } = GOOD;
    expect(parseNewUser(rest)).toMatchObject({ name: '', scope: {} });
  });

  it.each([
    [{ ...GOOD, email: 'not-an-email' }, 'email'],
    [{ ...GOOD, email: 42 }, 'email'],
    [{ ...GOOD, role: 'owner' }, 'role'],
    [{ ...GOOD, password: 'short' }, 'password'],
    [{ ...GOOD, password: 'x'.repeat(257) }, 'password'],
    [{ ...GOOD, name: 'a\u0000b' }, 'name'],
    [{ ...GOOD, scope: { stores: 'S1' } }, 'scope.stores'],
    [{ ...GOOD, scope: { stores: [''] } }, 'scope.stores'],
    [{ ...GOOD, scope: { channels: ['web'] } }, 'scope.channels'],
    [{ ...GOOD, admin: true }, 'admin'],
    [null, 'body'],
    [[], 'body'],
  ])('refuses %j naming %s', (body, param) => {
    expect(paramOf(() => parseNewUser(body))).toBe(param);
  });

  it('says why a password is refused', () => {
    expect(() => parseNewUser({ ...GOOD, password: 'short' })).toThrow(/at least 12 characters/);
  });
});

describe('parseUserPatch', () => {
  it('takes any subset of the fields', () => {
    expect(parseUserPatch({ disabled: true })).toEqual({ disabled: true });
    expect(parseUserPatch({ role: 'admin', scope: { categories: ['Toys'] } })).toEqual({
      role: 'admin',
      scope: { categories: ['Toys'] },
    });
  });

  it.each([
    [{}, 'body'],
    [{ disabled: 'yes' }, 'disabled'],
    [{ password: 'short' }, 'password'],
    [{ email: 'x@example.com' }, 'email'],
    [{ role: 'root' }, 'role'],
  ])('refuses %j naming %s', (body, param) => {
    expect(paramOf(() => parseUserPatch(body))).toBe(param);
  });
});

describe('parseUserId', () => {
  it('takes positive integers only', () => {
    expect(parseUserId('12')).toBe(12n);
    for (const bad of ['0', '-1', '1.5', 'abc', '01', '9'.repeat(19)]) {
      expect(paramOf(() => parseUserId(bad))).toBe('id');
    }
  });
});

describe('adminOf', () => {
  const user = (role: 'admin' | 'merchandiser' | 'viewer'): Principal => ({
    kind: 'user',
    userId: '1',
    email: 'a@example.com',
    name: '',
    role,
    scope: {},
  });

  it('admits admins and refuses everyone else with 403', () => {
    expect(adminOf(user('admin')).userId).toBe('1');
    for (const p of [user('viewer'), user('merchandiser'), { kind: 'ops' } as const, { kind: 'anonymous' } as const]) {
      expect(() => adminOf(p)).toThrow(HttpError);
    }
  });
});

describe('parseBody', () => {
  it('names nested fields in the message', async () => {
    const { z } = await import('zod');
    const schema = z.strictObject({ a: z.strictObject({ b: z.number() }) });
    expect(() => parseBody(schema, { a: { b: 'x' } })).toThrow(/^a\.b: /);
    expect(paramOf(() => parseBody(schema, { a: { b: 1, c: 2 } }))).toBe('a.c');
  });
});
