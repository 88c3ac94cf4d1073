import { describe, expect, it } from 'vitest';
import { MAX_VIEW_NAME } from '@/lib/contract/saved-views';
import { ParamError } from '@/lib/web/overview-params';
import { checkViewQuery, parseNewSavedView, parseSavedViewId, parseSavedViewPatch } from '@/lib/web/saved-views';

function paramError(run: () => unknown): ParamError {
  try {
    run();
  } catch (err) {
    if (err instanceof ParamError) return err;
    throw err;
  }
  throw new Error('no ParamError');
}

describe('saved views', () => {
  it('store the canonical query string the dashboard would open', () => {
    expect(checkViewQuery('?store=B&range=7d&store=A&store=B&region=EU-West', {})).toBe(
      'range=7d&store=A&store=B&region=eu-west',
    );
    expect(checkViewQuery('', {})).toBe('');
    expect(checkViewQuery('from=2026-03-01T09:00:00Z&to=2026-03-01T12:00:00Z&compare=last_week', {})).toBe(
      'from=2026-03-01T09%3A00%3A00Z&to=2026-03-01T12%3A00%3A00Z&compare=last_week',
    );
  });

  it('refuse what the dashboard refuses, naming the parameter', () => {
    expect(paramError(() => checkViewQuery('range=2h', {})).param).toBe('query.range');
    expect(paramError(() => checkViewQuery('compare=last_year', {})).param).toBe('query.compare');
    expect(paramError(() => checkViewQuery('range=1h&range=4h', {})).message).toMatch(/range may be given only once/);
    const unknown = paramError(() => checkViewQuery('range=1h&tv=1', {}));
    expect(unknown.param).toBe('query');
    expect(unknown.message).toMatch(/tv is not a view parameter/);
  });

  it('refuse filters outside the user’s scope with a 400 that names them', () => {
    const err = paramError(() => checkViewQuery('region=us', { region: ['eu'] }));
    expect(err.param).toBe('query.region');
    expect(checkViewQuery('region=eu', { region: ['eu'] })).toBe('region=eu');
  });

  it('check names: trimmed, not empty, bounded, no control characters', () => {
    expect(parseNewSavedView({ name: '  EU week ', query: 'range=7d' }, {})).toEqual({
      name: 'EU week',
      query: 'range=7d',
    });
    expect(paramError(() => parseNewSavedView({ name: ' ', query: '' }, {})).message).toMatch(/name must not be empty/);
    expect(paramError(() => parseNewSavedView({ name: 'x'.repeat(MAX_VIEW_NAME + 1), query: '' }, {})).param).toBe(
      'name',
    );
    expect(paramError(() => parseNewSavedView({ name: 'a\u0007b', query: '' }, {})).param).toBe('name');
    expect(paramError(() => parseNewSavedView({ name: 'a' }, {})).param).toBe('query');
    expect(paramError(() => parseSavedViewPatch({}, {})).message).toMatch(/changes nothing/);
    expect(parseSavedViewPatch({ name: 'b' }, {})).toEqual({ name: 'b' });
  });

  it('answer 404 for ids that are not ours to make', () => {
    expect(parseSavedViewId('42')).toBe(42n);
    for (const id of ['0', '-1', 'abc', '1'.repeat(30)]) expect(() => parseSavedViewId(id)).toThrow(/no saved view/);
  });
});
