// The evaluator's diff (lib/domain/action-conditions.ts): conditions that hold against open
// episodes, within what a pass looked at — one episode per condition, cleared once.
import { describe, expect, it } from 'vitest';
import { type Condition, diffConditions, episodeKey, type OpenEpisode } from '@/lib/domain/action-conditions';

const condition = (kind: string, ruleId: bigint | null, subjectKey: string): Condition => ({
  kind,
  ruleId,
  subjectKey,
  storeId: null,
  sku: null,
  region: null,
  category: null,
  severity: 'warning',
  details: {},
});
const episode = (id: number, kind: string, ruleId: bigint | null, subjectKey: string): OpenEpisode => ({
  id: BigInt(id),
  kind,
  ruleId,
  subjectKey,
});
const all = () => true;

describe('diffConditions', () => {
  it('opens conditions without an open episode and leaves those with one alone', () => {
    const holding = [condition('low_stock', 1n, 'S1|A'), condition('low_stock', 1n, 'S1|B')];
    const open = [episode(10, 'low_stock', 1n, 'S1|A')];
    const diff = diffConditions(holding, open, all);
    expect(diff.toOpen.map((c) => c.subjectKey)).toEqual(['S1|B']);
    expect(diff.toClear).toEqual([]);
  });

  it('clears open episodes whose condition no longer holds', () => {
    const open = [episode(10, 'low_stock', 1n, 'S1|A'), episode(11, 'restock', null, 'S1|A')];
    const diff = diffConditions([condition('restock', null, 'S1|A')], open, all);
    expect(diff.toClear.map((e) => e.id)).toEqual([10n]);
    expect(diff.toOpen).toEqual([]);
  });

  it('tells rules, kinds and subjects apart (a suggestion has no rule: rule 0)', () => {
    const open = [episode(1, 'low_stock', 1n, 'S1|A')];
    const diff = diffConditions(
      [condition('low_stock', 2n, 'S1|A'), condition('restock', null, 'S1|A'), condition('low_stock', 1n, 'S2|A')],
      open,
      all,
    );
    expect(diff.toOpen).toHaveLength(3);
    expect(diff.toClear.map((e) => e.id)).toEqual([1n]);
    expect(episodeKey(condition('restock', null, 'x'))).toBe(
      episodeKey({ kind: 'restock', ruleId: 0n, subjectKey: 'x' }),
    );
  });

  it('leaves episodes outside the pass alone (an incremental pass)', () => {
    const open = [episode(1, 'low_stock', 1n, 'S1|A'), episode(2, 'low_stock', 1n, 'S9|Z')];
    const diff = diffConditions([], open, (e) => e.subjectKey === 'S1|A');
    expect(diff.toClear.map((e) => e.id)).toEqual([1n]);
  });

  it('opens a condition listed twice once', () => {
    const diff = diffConditions([condition('markdown', null, 'S1|A'), condition('markdown', null, 'S1|A')], [], all);
    expect(diff.toOpen).toHaveLength(1);
  });

  it('does nothing when nothing changed: one action per episode, not per pass', () => {
    const holding = [condition('sales_anomaly', 3n, 'store=S1')];
    const open = [episode(5, 'sales_anomaly', 3n, 'store=S1')];
    expect(diffConditions(holding, open, all)).toEqual({ toOpen: [], toClear: [] });
  });
});
