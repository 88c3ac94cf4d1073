// The enabled alert rules (alert_rule, README "Actions contract") as the actions evaluator reads
// them at the start of each pass: an edit takes effect on the next pass.
import type { Prisma, PrismaClient } from '@prisma/client';

type Db = PrismaClient | Prisma.TransactionClient;

/** An alert_rule row as the evaluator reads it. */
export interface AlertRule {
  id: bigint;
  name: string;
  metric: string;
  level: string;
  scopeKind: string;
  scopeValue: string | null;
  threshold: number | null;
  windowMinutes: number;
  historyDays: number;
  severity: string;
  updatedAt: Date;
}

/** The enabled rules, by id. */
export async function getEnabledRules(prisma: Db): Promise<AlertRule[]> {
  const rows = await prisma.$queryRaw<
    {
      id: bigint;
      name: string;
      metric: string;
      level: string;
      scope_kind: string;
      scope_value: string | null;
      threshold: number | null;
      window_minutes: number;
      history_days: number;
      severity: string;
      updated_at: Date;
    }[]
  >`
    SELECT id, name, metric, level, scope_kind, scope_value, threshold, window_minutes, history_days, severity, updated_at
    FROM alert_rule WHERE enabled ORDER BY id`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    metric: r.metric,
    level: r.level,
    scopeKind: r.scope_kind,
    scopeValue: r.scope_value,
    threshold: r.threshold,
    windowMinutes: r.window_minutes,
    historyDays: r.history_days,
    severity: r.severity,
    updatedAt: r.updated_at,
  }));
}
