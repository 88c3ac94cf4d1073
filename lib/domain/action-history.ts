// Episodes from their history on retail.actions.v1 (README "Actions contract"): the replay of
// the actions (npm run replay -- --what actions, workers/replay/actions-replay.ts) reads the
// topic back and folds each episode's transitions into the row alert_episode holds. Pure: the
// decoding of one message, and the fold of a run of fresh (never seen) messages in topic order.
//
// Every message carries the episode as it stood after its transition (kind, rule, severity,
// subject, opened_at, cleared_at, details); what it does not carry is what its own type says:
// who acknowledged and when (alert.acknowledged), until when it is snoozed (alert.snoozed), the
// decision and who made it when (suggestion.accepted, suggestion.dismissed). The transition's
// time is the time written to the row (the application uses one clock reading for both).
import {
  ACTION_TYPES,
  type ActionMessage,
  type ActionType,
  EPISODE_KINDS,
  type EpisodeKind,
  SEVERITIES,
  type Severity,
} from '@/lib/contract/actions';

/** What an episode's transitions say about its alert_episode row (null: not said by these). */
export interface EpisodePatch {
  id: bigint;
  ruleId: bigint | null;
  kind: EpisodeKind;
  subjectKey: string;
  storeId: string | null;
  sku: string | null;
  region: string | null;
  category: string | null;
  severity: Severity;
  openedAt: Date;
  clearedAt: Date | null;
  details: Record<string, unknown>;
  acknowledgedAt: Date | null;
  acknowledgedBy: bigint | null;
  snoozedUntil: Date | null;
  decision: 'accepted' | 'dismissed' | null;
  decidedAt: Date | null;
  decidedBy: bigint | null;
  /** The latest transition's time. */
  updatedAt: Date;
}

export type ActionDecodeResult = { ok: true; message: ActionMessage } | { ok: false; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID = /^[1-9][0-9]{0,18}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Invalid extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(o: Record<string, unknown>, field: string, nullable: boolean): string | null {
  const v = o[field];
  if (v === null && nullable) return null;
  if (typeof v !== 'string' || v.length === 0) throw new Invalid(`${field} must be a non-empty string`);
  return v;
}

function time(o: Record<string, unknown>, field: string, nullable: boolean): string | null {
  const v = text(o, field, nullable);
  if (v !== null && !Number.isFinite(Date.parse(v))) throw new Invalid(`${field} is not a time: ${JSON.stringify(v)}`);
  return v;
}

function id(o: Record<string, unknown>, field: string, nullable: boolean): string | null {
  const v = text(o, field, nullable);
  if (v !== null && !ID.test(v)) throw new Invalid(`${field} must be a positive integer id (got ${JSON.stringify(v)})`);
  return v;
}

function oneOf<T extends string>(o: Record<string, unknown>, field: string, values: readonly T[]): T {
  const v = o[field];
  if (!(values as readonly unknown[]).includes(v)) throw new Invalid(`${field} must be one of ${values.join(', ')}`);
  return v as T;
}

/** An action message as the publisher wrote it, or why it is not one. Never throws. */
export function decodeActionMessage(value: Buffer | null): ActionDecodeResult {
  try {
    if (value === null) throw new Invalid('no value');
    const parsed: unknown = JSON.parse(utf8.decode(value));
    if (!isObject(parsed)) throw new Invalid('not a JSON object');
    if (parsed.schema !== 'retail.actions.v1') throw new Invalid('schema must be retail.actions.v1');
    const actionId = text(parsed, 'action_id', false) as string;
    if (!UUID.test(actionId)) throw new Invalid('action_id must be a UUID');
    const type = oneOf(parsed, 'type', ACTION_TYPES);
    time(parsed, 'occurred_at', false);
    const episode = parsed.episode;
    if (!isObject(episode)) throw new Invalid('episode must be an object');
    id(episode, 'id', false);
    oneOf(episode, 'kind', EPISODE_KINDS);
    id(episode, 'rule_id', true);
    oneOf(episode, 'severity', SEVERITIES);
    text(episode, 'subject_key', false);
    const subject = episode.subject;
    if (!isObject(subject)) throw new Invalid('episode.subject must be an object');
    for (const field of ['store_id', 'sku', 'region', 'category']) text(subject, field, true);
    time(episode, 'opened_at', false);
    time(episode, 'cleared_at', true);
    if (!isObject(episode.details)) throw new Invalid('episode.details must be an object');
    const actor = parsed.actor;
    if (actor !== null && !(isObject(actor) && id(actor, 'user_id', false) !== null)) {
      throw new Invalid('actor must be null or {user_id, email}');
    }
    if (needsActor(type) && actor === null) throw new Invalid(`${type} needs an actor`);
    if (type === 'alert.snoozed') time(parsed, 'snoozed_until', false);
    return { ok: true, message: parsed as unknown as ActionMessage };
  } catch (err) {
    const reason = err instanceof Invalid ? err.message : `not JSON: ${(err as Error).message}`;
    return { ok: false, reason };
  }
}

const needsActor = (type: ActionType) =>
  type === 'alert.acknowledged' || type === 'suggestion.accepted' || type === 'suggestion.dismissed';

/**
 * One patch per episode from `messages`, fresh ones in the order the topic holds them (one
 * episode's messages are on one partition, in the order they happened). A patch applies on top
 * of the row an earlier run left: its snapshot fields replace the row's, the others (null here)
 * keep what the row had.
 */
export function foldActions(messages: readonly ActionMessage[]): EpisodePatch[] {
  const patches = new Map<string, EpisodePatch>();
  for (const m of messages) {
    const e = m.episode;
    const at = new Date(m.occurred_at);
    const previous = patches.get(e.id);
    const patch: EpisodePatch = {
      id: BigInt(e.id),
      ruleId: e.rule_id === null ? null : BigInt(e.rule_id),
      kind: e.kind,
      subjectKey: e.subject_key,
      storeId: e.subject.store_id,
      sku: e.subject.sku,
      region: e.subject.region,
      category: e.subject.category,
      severity: e.severity,
      openedAt: new Date(e.opened_at),
      clearedAt: e.cleared_at === null ? null : new Date(e.cleared_at),
      details: e.details,
      acknowledgedAt: previous?.acknowledgedAt ?? null,
      acknowledgedBy: previous?.acknowledgedBy ?? null,
      snoozedUntil: previous?.snoozedUntil ?? null,
      decision: previous?.decision ?? null,
      decidedAt: previous?.decidedAt ?? null,
      decidedBy: previous?.decidedBy ?? null,
      updatedAt: previous && previous.updatedAt > at ? previous.updatedAt : at,
    };
    const actor = m.actor === null ? null : BigInt(m.actor.user_id);
    switch (m.type) {
      case 'alert.acknowledged':
        patch.acknowledgedAt = at;
        patch.acknowledgedBy = actor;
        break;
      case 'alert.snoozed':
        patch.snoozedUntil = new Date(m.snoozed_until as string);
        break;
      case 'suggestion.accepted':
      case 'suggestion.dismissed':
        patch.decision = m.type === 'suggestion.accepted' ? 'accepted' : 'dismissed';
        patch.decidedAt = at;
        patch.decidedBy = actor;
        break;
      default:
        break;
    }
    patches.set(e.id, patch);
  }
  return [...patches.values()];
}
