// The evaluator's diff (README "Actions contract", episode semantics): given the conditions that
// hold now among the subjects one pass looked at, and the episodes open among them, which
// episodes to open and which to clear. Pure: the actions worker (workers/actions/evaluate.ts)
// applies the result in one transaction; the unit tests drive it directly.

/** A condition that holds now: one (kind, rule, subject), with what the episode records. */
export interface Condition {
  kind: string;
  ruleId: bigint | null;
  subjectKey: string;
  storeId: string | null;
  sku: string | null;
  region: string | null;
  category: string | null;
  severity: string;
  details: Record<string, unknown>;
}

/** An open episode (cleared_at IS NULL) as the diff needs it. */
export interface OpenEpisode {
  id: bigint;
  kind: string;
  ruleId: bigint | null;
  subjectKey: string;
}

/** Identity of a condition episode: at most one open per key (alert_episode_open_key). */
export function episodeKey(e: { kind: string; ruleId: bigint | null; subjectKey: string }): string {
  return `${e.kind}\u0000${e.ruleId ?? 0n}\u0000${e.subjectKey}`;
}

export interface ConditionDiff {
  /** Conditions holding with no open episode: open one each. */
  toOpen: Condition[];
  /** Open episodes the pass looked at whose condition no longer holds: clear them. */
  toClear: OpenEpisode[];
}

/**
 * `evaluated` says which episodes the pass looked at (an incremental pass reads only the
 * subjects that changed): an open episode outside it is left alone, whatever `holding` says.
 * A condition listed twice counts once. Episodes that stay open are not touched (one action per
 * episode, not one per pass).
 */
export function diffConditions(
  holding: readonly Condition[],
  open: readonly OpenEpisode[],
  evaluated: (episode: OpenEpisode) => boolean,
): ConditionDiff {
  const openKeys = new Set(open.map(episodeKey));
  const holdingKeys = new Set<string>();
  const toOpen: Condition[] = [];
  for (const c of holding) {
    const key = episodeKey(c);
    if (holdingKeys.has(key)) continue;
    holdingKeys.add(key);
    if (!openKeys.has(key)) toOpen.push(c);
  }
  const toClear = open.filter((e) => evaluated(e) && !holdingKeys.has(episodeKey(e)));
  return { toOpen, toClear };
}
