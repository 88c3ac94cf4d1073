// Episodes from their history on the actions topic (lib/domain/action-history.ts): which
// messages are Pulse's, and how one episode's transitions fold into its row.
import { describe, expect, it } from 'vitest';
import type { ActionMessage, ActionType } from '@/lib/contract/actions';
import { decodeActionMessage, foldActions } from '@/lib/domain/action-history';

const OPENED_AT = '2026-12-07T10:00:00.000Z';
let n = 0;

function message(type: ActionType, at: string, change: Partial<ActionMessage> = {}, episodeId = '41'): ActionMessage {
  n += 1;
  return {
    schema: 'retail.actions.v1',
    action_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type,
    occurred_at: at,
    episode: {
      id: episodeId,
      kind: type.startsWith('suggestion') ? 'restock' : 'low_stock',
      rule_id: type.startsWith('suggestion') ? null : '1',
      rule_name: type.startsWith('suggestion') ? null : 'Low stock',
      severity: 'warning',
      subject_key: 'NYC-01|SKU-1',
      subject: { store_id: 'NYC-01', sku: 'SKU-1', region: null, category: null },
      opened_at: OPENED_AT,
      cleared_at: type.endsWith('cleared') ? at : null,
      details: { on_hand: 2, reorder_point: 10 },
    },
    actor: null,
    ...change,
  };
}

const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));
const ACTOR = { user_id: '7', email: 'merch@pulse.test' };

describe('decodeActionMessage', () => {
  it('accepts what the publisher writes', () => {
    const m = message('alert.snoozed', '2026-12-07T11:00:00.000Z', {
      actor: ACTOR,
      snoozed_until: '2026-12-08T11:00:00.000Z',
    });
    expect(decodeActionMessage(bytes(m))).toEqual({ ok: true, message: m });
  });

  it.each([
    ['no value', null, /no value/],
    ['not JSON', Buffer.from('{"schema":'), /not JSON/],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe]), /not JSON/],
    ['another schema', bytes({ ...message('alert.opened', OPENED_AT), schema: 'retail.sales.v1' }), /schema/],
    ['an action id that is no UUID', bytes({ ...message('alert.opened', OPENED_AT), action_id: 'x-1' }), /action_id/],
    ['an unknown type', bytes({ ...message('alert.opened', OPENED_AT), type: 'alert.escalated' }), /type must be/],
    [
      'no subject key',
      bytes(
        (({ subject_key: _, ...episode }) => ({ ...message('alert.opened', OPENED_AT), episode }))(
          message('alert.opened', OPENED_AT).episode,
        ),
      ),
      /subject_key/,
    ],
    [
      'an episode id that is no id',
      bytes({
        ...message('alert.opened', OPENED_AT),
        episode: { ...message('alert.opened', OPENED_AT).episode, id: '-3' },
      }),
      /episode|id must be/,
    ],
    ['a time that is none', bytes({ ...message('alert.opened', OPENED_AT), occurred_at: 'yesterday' }), /occurred_at/],
    ['an acknowledgement without actor', bytes(message('alert.acknowledged', OPENED_AT)), /needs an actor/],
    ['a snooze without until', bytes(message('alert.snoozed', OPENED_AT, { actor: ACTOR })), /snoozed_until/],
  ])('rejects %s', (_, value, reason) => {
    const decoded = decodeActionMessage(value as Buffer | null);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });
});

describe('foldActions', () => {
  it('folds an alert: the latest snapshot, who acknowledged when, the latest snooze', () => {
    const [patch, ...rest] = foldActions([
      message('alert.opened', OPENED_AT),
      message('alert.acknowledged', '2026-12-07T10:05:00.000Z', { actor: ACTOR }),
      message('alert.snoozed', '2026-12-07T10:06:00.000Z', { actor: ACTOR, snoozed_until: '2026-12-07T12:00:00.000Z' }),
      message('alert.snoozed', '2026-12-07T10:07:00.000Z', { actor: ACTOR, snoozed_until: '2026-12-07T18:00:00.000Z' }),
      message('alert.cleared', '2026-12-07T10:30:00.000Z'),
    ]);
    expect(rest).toEqual([]);
    expect(patch).toMatchObject({
      id: 41n,
      ruleId: 1n,
      kind: 'low_stock',
      subjectKey: 'NYC-01|SKU-1',
      storeId: 'NYC-01',
      openedAt: new Date(OPENED_AT),
      clearedAt: new Date('2026-12-07T10:30:00.000Z'),
      acknowledgedAt: new Date('2026-12-07T10:05:00.000Z'),
      acknowledgedBy: 7n,
      snoozedUntil: new Date('2026-12-07T18:00:00.000Z'),
      decision: null,
      updatedAt: new Date('2026-12-07T10:30:00.000Z'),
    });
  });

  it('folds a suggestion’s decision, and leaves what a run does not say null (the row keeps it)', () => {
    const [decided, opened] = foldActions([
      message('suggestion.opened', OPENED_AT, {}, '5'),
      message('suggestion.dismissed', '2026-12-07T10:09:00.000Z', { actor: ACTOR, note: 'seasonal' }, '5'),
      message('suggestion.opened', OPENED_AT, {}, '6'),
    ]);
    expect(decided).toMatchObject({ id: 5n, ruleId: null, decision: 'dismissed', decidedBy: 7n, clearedAt: null });
    expect(decided?.decidedAt).toEqual(new Date('2026-12-07T10:09:00.000Z'));
    expect(opened).toMatchObject({ id: 6n, decision: null, decidedAt: null, acknowledgedAt: null, snoozedUntil: null });
  });
});
