// The alerts API's parameters and bodies (lib/web/alerts-params.ts): defaults, lists sorted and
// deduplicated, the store filter held to the scope, each refusal naming its parameter, snoozes
// bounded to 5 minutes … a week, and the live subscription's parameters giving the query back.
import { describe, expect, it } from 'vitest';
import { ALERTS_DEFAULT_LIMIT } from '@/lib/contract/alerts';
import {
  alertsInScope,
  alertsSearchParams,
  parseAlertId,
  parseAlertsQuery,
  parseDecisionBody,
  parseSnoozeBody,
} from '@/lib/web/alerts-params';
import { ScopeError } from '@/lib/web/auth/scope';
import { HttpError } from '@/lib/web/http-error';
import { ParamError } from '@/lib/web/overview-params';

const parse = (search: string) => parseAlertsQuery(new URLSearchParams(search));

function paramOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParamError) return err.param;
    throw err;
  }
  throw new Error('no ParamError');
}

describe('GET /api/v1/alerts parameters', () => {
  it('defaults to the open episodes of every kind, first page', () => {
    expect(parse('')).toEqual({
      kinds: [],
      severities: [],
      state: 'open',
      stores: [],
      skus: [],
      limit: ALERTS_DEFAULT_LIMIT,
      offset: 0,
    });
  });

  it('sorts and deduplicates lists, and round-trips through its search parameters', () => {
    const query = parse(
      'kind=restock&kind=low_stock&kind=restock&severity=critical&store=B&store=A&sku=X&state=all&limit=5&offset=10&other=1',
    );
    expect(query).toMatchObject({
      kinds: ['low_stock', 'restock'],
      stores: ['A', 'B'],
      state: 'all',
      limit: 5,
      offset: 10,
    });
    expect(parseAlertsQuery(alertsSearchParams(query))).toEqual(query);
    expect(alertsSearchParams(parse('')).toString()).toBe('');
  });

  it('names the parameter of every refusal', () => {
    expect(paramOf(() => parse('state=closed'))).toBe('state');
    expect(paramOf(() => parse('state=open&state=all'))).toBe('state');
    expect(paramOf(() => parse('kind=fire'))).toBe('kind');
    expect(paramOf(() => parse('severity=high'))).toBe('severity');
    expect(paramOf(() => parse('limit=0'))).toBe('limit');
    expect(paramOf(() => parse('limit=abc'))).toBe('limit');
    expect(paramOf(() => parse('offset=100001'))).toBe('offset');
    expect(paramOf(() => parse('store='))).toBe('store');
    expect(paramOf(() => parse(Array.from({ length: 51 }, (_, i) => `sku=S${i}`).join('&')))).toBe('sku');
  });

  it('holds the store filter to the scope', () => {
    expect(alertsInScope(parse(''), { store: ['B', 'A'] }).stores).toEqual(['A', 'B']);
    expect(alertsInScope(parse('store=A'), { store: ['A', 'B'] }).stores).toEqual(['A']);
    expect(() => alertsInScope(parse('store=C'), { store: ['A'] })).toThrow(ScopeError);
    expect(alertsInScope(parse('store=C'), {}).stores).toEqual(['C']);
  });

  it('knows only positive whole ids (anything else is not found)', () => {
    expect(parseAlertId('42')).toBe(42n);
    for (const id of ['0', '-1', 'abc', '1.5', '1'.repeat(19)]) expect(() => parseAlertId(id), id).toThrow(HttpError);
  });
});

describe('action bodies', () => {
  const now = Date.parse('2026-12-09T10:00:00Z');

  it('snoozes for 5 minutes to a week, by minutes or until an instant', () => {
    expect(parseSnoozeBody({ minutes: 15 }, now).toISOString()).toBe('2026-12-09T10:15:00.000Z');
    expect(parseSnoozeBody({ minutes: 10_080 }, now).toISOString()).toBe('2026-12-16T10:00:00.000Z');
    expect(parseSnoozeBody({ until: '2026-12-09T12:00:00+01:00' }, now).toISOString()).toBe('2026-12-09T11:00:00.000Z');
    expect(paramOf(() => parseSnoozeBody({ minutes: 4 }, now))).toBe('minutes');
    expect(paramOf(() => parseSnoozeBody({ minutes: 10_081 }, now))).toBe('minutes');
    expect(paramOf(() => parseSnoozeBody({ until: '2026-12-09T10:01:00Z' }, now))).toBe('until');
    expect(paramOf(() => parseSnoozeBody({ until: '2026-12-17T10:01:00Z' }, now))).toBe('until');
    expect(paramOf(() => parseSnoozeBody({}, now))).toBe('body');
    expect(paramOf(() => parseSnoozeBody({ minutes: 15, until: '2026-12-09T11:00:00Z' }, now))).toBe('body');
    expect(paramOf(() => parseSnoozeBody(null, now))).toBe('body');
  });

  it('takes an optional note of at most 500 characters, trimmed', () => {
    expect(parseDecisionBody({})).toEqual({});
    expect(parseDecisionBody({ note: '  ok  ' })).toEqual({ note: 'ok' });
    expect(parseDecisionBody({ note: '   ' })).toEqual({});
    expect(paramOf(() => parseDecisionBody({ note: 'x'.repeat(501) }))).toBe('note');
    expect(paramOf(() => parseDecisionBody({ note: 'a\u0000b' }))).toBe('note');
    expect(paramOf(() => parseDecisionBody({ decision: 'accepted' }))).toBe('decision');
  });
});
