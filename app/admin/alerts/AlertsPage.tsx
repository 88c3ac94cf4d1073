'use client';

// Admin → Alerts: the alert rules the actions worker evaluates. Create one, change it, switch it
// on or off (a disabled rule raises nothing and its open alerts are cleared), delete it (the API
// refuses while it has open alerts: disable first). Every change goes through the admin API.
import { Fragment, useState } from 'react';
import { AdminShell } from '@/app/admin/AdminShell';
import { sendJson } from '@/app/admin/admin-ui';
import { Notice } from '@/app/admin/Notice';
import { useAdminChanges } from '@/app/admin/useAdminChanges';
import { BUTTON_DANGER, BUTTON_SECONDARY } from '@/components/common/buttons';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { type Column, TableHeader } from '@/components/common/TableHeader';
import type { Severity } from '@/lib/contract/actions';
import { type AdminAlertRule, isAnomalyMetric } from '@/lib/contract/admin-alert-rules';
import type { FilterOptions } from '@/lib/contract/overview';
import { formValueOf, NEW_RULE, RuleForm } from './RuleForm';
import { LEVEL_WORDS, metricWords, scopeWords, thresholdWords } from './rule-words';

const COLUMNS: readonly Column[] = [
  { key: 'name', label: 'Rule', className: 'pl-5 pr-3' },
  { key: 'metric', label: 'Metric', className: 'pr-3' },
  { key: 'level', label: 'Level', className: 'pr-3' },
  { key: 'scope', label: 'Scope', className: 'pr-3' },
  { key: 'threshold', label: 'Threshold', className: 'pr-3' },
  { key: 'window', label: 'Window', className: 'pr-3' },
  { key: 'history', label: 'History', className: 'pr-3' },
  { key: 'severity', label: 'Severity', className: 'pr-3' },
  { key: 'enabled', label: 'Enabled', className: 'pr-3' },
  { key: 'actions', label: 'Actions', align: 'right', className: 'pr-5' },
];

const SEVERITY_LOOK: Record<Severity, { label: string; className: string }> = {
  info: { label: 'Info', className: 'bg-muted text-foreground' },
  warning: { label: 'Warning', className: 'bg-warning-soft text-warning-foreground' },
  critical: { label: 'Critical', className: 'bg-danger-soft text-danger-foreground' },
};

export interface AlertsPageProps {
  initial: AdminAlertRule[];
  options: FilterOptions;
}

export function AlertsPage({ initial, options }: AlertsPageProps) {
  const [rules, setRules] = useState(initial);
  const [editing, setEditing] = useState<string | null>(null);
  const { notice, setNotice, busy, run } = useAdminChanges();

  const replace = (rule: AdminAlertRule) => setRules((cur) => cur.map((r) => (r.id === rule.id ? rule : r)));

  const patch = async (rule: AdminAlertRule, body: Record<string, unknown>) => {
    const { rule: updated } = await sendJson<{ rule: AdminAlertRule }>(
      'PATCH',
      `/api/v1/admin/alert-rules/${rule.id}`,
      body,
    );
    replace(updated);
    return updated;
  };

  const toggle = (rule: AdminAlertRule) =>
    run(rule.id, async () => {
      const updated = await patch(rule, { enabled: !rule.enabled });
      return updated.enabled
        ? `${updated.name} is enabled.`
        : `${updated.name} is disabled: it raises nothing, and its open alerts are cleared.`;
    });

  const remove = (rule: AdminAlertRule) => {
    if (!window.confirm(`Delete the alert rule ${rule.name}? This cannot be undone.`)) return;
    void run(rule.id, async () => {
      await sendJson('DELETE', `/api/v1/admin/alert-rules/${rule.id}`);
      setRules((cur) => cur.filter((r) => r.id !== rule.id));
      return `${rule.name} was deleted.`;
    });
  };

  return (
    <AdminShell
      current="alerts"
      title="Alert rules"
      description="What raises an alert: low or short stock per store × SKU, and spikes or drops of revenue or orders. The actions worker applies a change on its next evaluation."
    >
      <Card
        title="New rule"
        description="Stock rules watch each store × SKU; anomaly rules compare the last closed window with the same window on previous days."
        data-testid="create-rule"
      >
        <RuleForm
          initial={NEW_RULE}
          options={options}
          testId="new-rule"
          label="New alert rule"
          submitLabel="Create rule"
          onSubmit={async (body) => {
            const { rule } = await sendJson<{ rule: AdminAlertRule }>('POST', '/api/v1/admin/alert-rules', body);
            setRules((cur) => [...cur, rule]);
            setNotice({ kind: 'ok', text: `${rule.name} was created.` });
          }}
        />
      </Card>

      <Notice notice={notice} testId="rules-notice" />

      <Card
        title="All rules"
        description={`${rules.length} ${rules.length === 1 ? 'rule' : 'rules'}, oldest first`}
        data-testid="rules"
      >
        {rules.length === 0 ? (
          <EmptyState title="No alert rules" hint="Nothing raises an alert. Create a rule above." />
        ) : (
          <div className="relative -mx-5 -mb-5 overflow-x-auto border-t border-border">
            <table className="w-full min-w-[1040px] text-[13px]">
              <caption className="sr-only">Alert rules, oldest first</caption>
              <TableHeader sticky={false} columns={COLUMNS} />
              <tbody>
                {rules.map((rule) => (
                  <Fragment key={rule.id}>
                    <RuleRow
                      rule={rule}
                      busy={busy === rule.id}
                      editing={editing === rule.id}
                      onEdit={() => setEditing(editing === rule.id ? null : rule.id)}
                      onToggle={() => void toggle(rule)}
                      onDelete={() => remove(rule)}
                    />
                    {editing === rule.id && (
                      <tr className="border-b border-border bg-muted/40">
                        <td colSpan={COLUMNS.length} className="px-5 py-4">
                          <RuleForm
                            initial={formValueOf(rule)}
                            options={options}
                            testId="edit-rule"
                            label={`Edit ${rule.name}`}
                            submitLabel="Save"
                            onCancel={() => setEditing(null)}
                            onSubmit={async (body) => {
                              const updated = await patch(rule, body);
                              setEditing(null);
                              setNotice({ kind: 'ok', text: `${updated.name} was updated.` });
                            }}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </AdminShell>
  );
}

function RuleRow({
  rule,
  busy,
  editing,
  onEdit,
  onToggle,
  onDelete,
}: {
  rule: AdminAlertRule;
  busy: boolean;
  editing: boolean;
  onEdit: () => void;
  onToggle: () => void;
  onDelete: () => void;
}) {
  const anomaly = isAnomalyMetric(rule.metric);
  const severity = SEVERITY_LOOK[rule.severity];
  return (
    <tr
      data-testid="rule-row"
      data-rule-id={rule.id}
      data-name={rule.name}
      className={cx('border-b border-border align-top', !rule.enabled && 'text-muted-foreground')}
    >
      <td className="py-2.5 pr-3 pl-5">
        <div className="font-medium break-words text-foreground">{rule.name}</div>
        {rule.open_alerts > 0 && (
          <div className="text-xs text-muted-foreground" data-testid="rule-open-alerts">
            {rule.open_alerts} open {rule.open_alerts === 1 ? 'alert' : 'alerts'}
          </div>
        )}
      </td>
      <td className="py-2.5 pr-3" data-testid="rule-metric">
        {metricWords(rule.metric)}
      </td>
      <td className="py-2.5 pr-3" data-testid="rule-level">
        {LEVEL_WORDS[rule.level]}
      </td>
      <td className="max-w-[200px] py-2.5 pr-3 break-words" data-testid="rule-scope">
        {scopeWords(rule)}
      </td>
      <td className="py-2.5 pr-3 whitespace-nowrap tabular-nums" data-testid="rule-threshold">
        {thresholdWords(rule)}
      </td>
      <td className="py-2.5 pr-3 whitespace-nowrap tabular-nums" data-testid="rule-window">
        {anomaly ? `${rule.window_minutes} min` : <NotUsed />}
      </td>
      <td className="py-2.5 pr-3 whitespace-nowrap tabular-nums" data-testid="rule-history">
        {anomaly ? `${rule.history_days} days` : <NotUsed />}
      </td>
      <td className="py-2.5 pr-3 text-xs" data-testid="rule-severity">
        <span className={cx('inline-flex rounded-full px-2 py-0.5 font-medium', severity.className)}>
          {severity.label}
        </span>
      </td>
      <td className="py-2.5 pr-3">
        <button
          type="button"
          role="switch"
          aria-checked={rule.enabled}
          aria-label={`${rule.name} enabled`}
          data-testid="rule-enabled"
          disabled={busy}
          onClick={onToggle}
          className={cx(
            'relative inline-flex h-5 w-9 shrink-0 items-center rounded-full border transition-colors',
            'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring disabled:opacity-50',
            rule.enabled ? 'border-foreground bg-foreground' : 'border-border-strong bg-muted',
          )}
        >
          <span
            aria-hidden="true"
            className={cx(
              'inline-block size-3.5 rounded-full transition-transform',
              rule.enabled ? 'translate-x-[18px] bg-background' : 'translate-x-0.5 bg-muted-foreground',
            )}
          />
        </button>
      </td>
      <td className="py-2.5 pr-5">
        <div className="flex flex-wrap justify-end gap-1.5">
          <button
            type="button"
            data-testid="rule-edit"
            aria-expanded={editing}
            onClick={onEdit}
            className={BUTTON_SECONDARY}
          >
            Edit
          </button>
          <button type="button" data-testid="rule-delete" disabled={busy} onClick={onDelete} className={BUTTON_DANGER}>
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

/**
 * A field the rule's metric does not use (window and history of a stock rule). Its words for
 * screen readers are absolutely placed: the table's scroll box is `relative` so that they stay
 * inside it rather than widen the page on a phone.
 */
function NotUsed() {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="sr-only">not used</span>
    </>
  );
}
