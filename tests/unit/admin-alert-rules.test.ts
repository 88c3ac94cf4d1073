// The alert rules' contract: what a metric implies, the rules across fields the alert_rule
// table's CHECK constraints hold (each refusal names its field), and a patch checked whole.
import { describe, expect, it } from 'vitest';
import { fieldsOf, scopeWords, thresholdWords } from '@/app/admin/alerts/rule-words';
import type { AlertRuleSettings } from '@/lib/contract/admin-alert-rules';
import { applyPatch, parseAlertRuleId, parseAlertRulePatch, parseNewAlertRule } from '@/lib/web/admin-alert-rules';
import { paramOf } from '@/tests/support/param-error';

const ON_HAND = { name: 'Paris under 5', metric: 'on_hand', scope_kind: 'store', scope_value: 'PAR-01', threshold: 5 };
const ANOMALY = { name: 'Store revenue', metric: 'revenue_anomaly', level: 'store', threshold: 3.5 };

describe('parseNewAlertRule', () => {
  it('fills in the defaults and what a stock metric implies', () => {
    expect(parseNewAlertRule(ON_HAND)).toEqual({
      ...ON_HAND,
      level: 'store_sku',
      window_minutes: 60,
      history_days: 14,
      severity: 'warning',
      enabled: true,
    });
    expect(parseNewAlertRule({ name: ' Low ', metric: 'low_stock' })).toMatchObject({
      name: 'Low',
      level: 'store_sku',
      scope_kind: 'all',
      scope_value: null,
      threshold: null,
    });
  });

  it('lower-cases a region, as sales are counted', () => {
    const rule = parseNewAlertRule({ ...ANOMALY, scope_kind: 'region', scope_value: ' EU-West ' });
    expect(rule).toMatchObject({ level: 'store', scope_kind: 'region', scope_value: 'eu-west' });
    // Other values stay exact.
    expect(parseNewAlertRule({ ...ON_HAND, scope_kind: 'sku', scope_value: 'Sku-1' }).scope_value).toBe('Sku-1');
  });

  it.each([
    [{ ...ON_HAND, name: '' }, 'name'],
    [{ ...ON_HAND, name: 'x'.repeat(81) }, 'name'],
    [{ ...ON_HAND, name: 'a\u0000b' }, 'name'],
    [{ ...ON_HAND, metric: 'stock' }, 'metric'],
    [{ name: 'x', threshold: 5 }, 'metric'],
    [{ ...ON_HAND, level: 'store' }, 'level'],
    [{ ...ANOMALY, level: undefined }, 'level'],
    [{ ...ANOMALY, level: 'store_sku' }, 'level'],
    [{ ...ANOMALY, level: 'channel' }, 'level'],
    [{ ...ON_HAND, scope_kind: 'channel' }, 'scope_kind'],
    [{ ...ON_HAND, scope_value: undefined }, 'scope_value'],
    [{ ...ON_HAND, scope_value: null }, 'scope_value'],
    [{ ...ON_HAND, scope_value: '  ' }, 'scope_value'],
    [{ ...ON_HAND, scope_kind: 'all' }, 'scope_value'],
    [{ ...ON_HAND, threshold: 0 }, 'threshold'],
    [{ ...ON_HAND, threshold: -1 }, 'threshold'],
    [{ ...ON_HAND, threshold: '5' }, 'threshold'],
    [{ ...ON_HAND, threshold: undefined }, 'threshold'],
    [{ ...ON_HAND, threshold: null }, 'threshold'],
    [{ ...ANOMALY, threshold: undefined }, 'threshold'],
    [{ name: 'Low', metric: 'low_stock', threshold: 3 }, 'threshold'],
    [{ ...ON_HAND, window_minutes: 4 }, 'window_minutes'],
    [{ ...ON_HAND, window_minutes: 1441 }, 'window_minutes'],
    [{ ...ON_HAND, window_minutes: 7.5 }, 'window_minutes'],
    [{ ...ANOMALY, history_days: 2 }, 'history_days'],
    [{ ...ANOMALY, history_days: 91 }, 'history_days'],
    [{ ...ON_HAND, severity: 'fatal' }, 'severity'],
    [{ ...ON_HAND, enabled: 'yes' }, 'enabled'],
    [{ ...ON_HAND, open_alerts: 0 }, 'open_alerts'],
    [null, 'body'],
    [[], 'body'],
  ])('refuses %j naming %s', (body, param) => {
    expect(paramOf(() => parseNewAlertRule(body))).toBe(param);
  });

  it('says what is wrong and why', () => {
    expect(() => parseNewAlertRule({ name: 'Low', metric: 'low_stock', threshold: 3 })).toThrow(
      /^threshold must be null for low_stock/,
    );
    expect(() => parseNewAlertRule({ ...ON_HAND, threshold: undefined })).toThrow(
      /^threshold is required for on_hand: a number greater than 0 \(units\)/,
    );
    expect(() => parseNewAlertRule({ ...ANOMALY, level: undefined })).toThrow(/^level is required for revenue_anomaly/);
    expect(() => parseNewAlertRule({ ...ON_HAND, scope_value: null })).toThrow(
      /^scope_value is required when scope_kind is store: a store id/,
    );
    expect(() => parseNewAlertRule({ ...ON_HAND, window_minutes: 4 })).toThrow(/^window_minutes must be at least 5/);
  });
});

describe('a patch, checked on the whole rule it makes', () => {
  const stored: AlertRuleSettings = {
    name: 'Paris under 5',
    metric: 'on_hand',
    level: 'store_sku',
    scope_kind: 'store',
    scope_value: 'PAR-01',
    threshold: 5,
    window_minutes: 60,
    history_days: 14,
    severity: 'warning',
    enabled: true,
  };
  const apply = (body: unknown) => applyPatch(stored, parseAlertRulePatch(body));

  it('changes what it names and keeps the rest', () => {
    expect(apply({ threshold: 8, enabled: false })).toEqual({ ...stored, threshold: 8, enabled: false });
  });

  it('derives what a new metric or scope implies, and asks for what it cannot', () => {
    expect(apply({ metric: 'low_stock' })).toMatchObject({ metric: 'low_stock', threshold: null });
    expect(apply({ scope_kind: 'all' })).toMatchObject({ scope_kind: 'all', scope_value: null });
    expect(apply({ scope_kind: 'region', scope_value: 'EU' })).toMatchObject({ scope_value: 'eu' });
    // Units are not days: a new unit needs a new threshold.
    expect(paramOf(() => apply({ metric: 'days_of_cover' }))).toBe('threshold');
    expect(apply({ metric: 'days_of_cover', threshold: 2 })).toMatchObject({ metric: 'days_of_cover', threshold: 2 });
    // A stock rule becoming an anomaly rule needs its level; a store id is not a region.
    expect(paramOf(() => apply({ metric: 'orders_anomaly', threshold: 3 }))).toBe('level');
    expect(apply({ metric: 'orders_anomaly', threshold: 3, level: 'category' })).toMatchObject({
      level: 'category',
      scope_value: 'PAR-01',
    });
    expect(paramOf(() => apply({ scope_kind: 'region' }))).toBe('scope_value');
    expect(paramOf(() => apply({ threshold: null }))).toBe('threshold');
    expect(paramOf(() => apply({ level: 'store' }))).toBe('level');
  });

  it.each([
    [{}, 'body'],
    [{ enabled: 'no' }, 'enabled'],
    [{ name: '' }, 'name'],
    [{ id: '3' }, 'id'],
  ])('refuses %j naming %s', (body, param) => {
    expect(paramOf(() => parseAlertRulePatch(body))).toBe(param);
  });
});

describe('parseAlertRuleId', () => {
  it('takes positive integers only', () => {
    expect(parseAlertRuleId('3')).toBe(3n);
    for (const bad of ['0', '-1', '1.5', 'abc', '01', '9'.repeat(19)]) {
      expect(paramOf(() => parseAlertRuleId(bad))).toBe('id');
    }
  });
});

describe('how Admin → Alerts words a rule', () => {
  it('gives the threshold its unit', () => {
    expect(thresholdWords({ metric: 'on_hand', threshold: 5 })).toBe('< 5 units');
    expect(thresholdWords({ metric: 'on_hand', threshold: 1 })).toBe('< 1 unit');
    expect(thresholdWords({ metric: 'days_of_cover', threshold: 2.5 })).toBe('< 2.5 days');
    expect(thresholdWords({ metric: 'revenue_anomaly', threshold: 3.5 })).toBe('|z| ≥ 3.5');
    expect(thresholdWords({ metric: 'low_stock', threshold: null })).toBe('Inventory rule');
  });

  it('names the scope', () => {
    expect(scopeWords({ scope_kind: 'all', scope_value: null })).toBe('Everywhere');
    expect(scopeWords({ scope_kind: 'store', scope_value: 'PAR-01' })).toBe('Store PAR-01');
    expect(scopeWords({ scope_kind: 'sku', scope_value: 'SKU-1' })).toBe('SKU SKU-1');
  });

  it('shows the fields a metric takes', () => {
    expect(fieldsOf('low_stock')).toEqual({ level: false, threshold: false, window: false, history: false });
    expect(fieldsOf('on_hand')).toEqual({ level: false, threshold: true, window: false, history: false });
    expect(fieldsOf('orders_anomaly')).toEqual({ level: true, threshold: true, window: true, history: true });
  });
});
