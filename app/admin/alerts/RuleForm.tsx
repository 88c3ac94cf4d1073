'use client';

// The form of an alert rule (new rule, edit rule): the fields its metric takes and no others
// (no threshold for low_stock, no level, window or history for the stock metrics), and the
// API's refusal shown under the field it names. The API is the one judge of a rule (the
// browser's own checks are off), so the page says exactly what the API would say to a script.
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { AdminApiError, HINT, INPUT, LABEL } from '@/app/admin/admin-ui';
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from '@/components/common/buttons';
import { cx } from '@/components/common/cx';
import {
  ANOMALY_LEVELS,
  RULE_METRICS,
  RULE_SCOPE_KINDS,
  type RuleMetric,
  type RuleScopeKind,
  SEVERITIES,
  type Severity,
} from '@/lib/contract/actions';
import { type AdminAlertRule, HISTORY_DAYS, METRIC_INFO, WINDOW_MINUTES } from '@/lib/contract/admin-alert-rules';
import type { FilterOptions } from '@/lib/contract/overview';
import { fieldsOf, LEVEL_WORDS, METRIC_HINTS, metricWords, SCOPE_VALUE_LABELS, SCOPE_WORDS } from './rule-words';

type AnomalyLevel = (typeof ANOMALY_LEVELS)[number];

/** The form's state: numbers as typed. */
export interface RuleFormValue {
  name: string;
  metric: RuleMetric;
  level: AnomalyLevel;
  scope_kind: RuleScopeKind;
  scope_value: string;
  threshold: string;
  window_minutes: string;
  history_days: string;
  severity: Severity;
  enabled: boolean;
}

export const NEW_RULE: RuleFormValue = {
  name: '',
  metric: 'on_hand',
  level: 'store',
  scope_kind: 'all',
  scope_value: '',
  threshold: '',
  window_minutes: String(WINDOW_MINUTES.default),
  history_days: String(HISTORY_DAYS.default),
  severity: 'warning',
  enabled: true,
};

export function formValueOf(rule: AdminAlertRule): RuleFormValue {
  return {
    name: rule.name,
    metric: rule.metric,
    level: rule.level === 'store_sku' ? 'store' : rule.level,
    scope_kind: rule.scope_kind,
    scope_value: rule.scope_value ?? '',
    threshold: rule.threshold === null ? '' : String(rule.threshold),
    window_minutes: String(rule.window_minutes),
    history_days: String(rule.history_days),
    severity: rule.severity,
    enabled: rule.enabled,
  };
}

/** A typed number, or null for an empty field (the API says what it needs). */
const numberOf = (text: string): number | null => (text.trim() === '' ? null : Number(text));

/**
 * The body the API gets: the fields the metric takes. A stock metric's level, and a low_stock
 * rule's absent threshold, are implied by the API; window and history stay as stored.
 */
export function ruleBody(value: RuleFormValue): Record<string, unknown> {
  const takes = fieldsOf(value.metric);
  return {
    name: value.name,
    metric: value.metric,
    ...(takes.level ? { level: value.level } : {}),
    scope_kind: value.scope_kind,
    scope_value: value.scope_kind === 'all' || value.scope_value.trim() === '' ? null : value.scope_value,
    threshold: takes.threshold ? numberOf(value.threshold) : null,
    ...(takes.window ? { window_minutes: numberOf(value.window_minutes) } : {}),
    ...(takes.history ? { history_days: numberOf(value.history_days) } : {}),
    severity: value.severity,
    enabled: value.enabled,
  };
}

interface Problem {
  param: string | null;
  message: string;
}

const SEVERITY_WORDS: Record<Severity, string> = {
  info: 'Info',
  warning: 'Warning',
  critical: 'Critical',
};

/** A labelled control with its hint and the API's refusal of it; `children` gets the control's props. */
function RuleField({
  label,
  hint,
  error,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint !== undefined ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className="min-w-0">
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      {children({
        id,
        ...(error ? { 'aria-invalid': true } : {}),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      })}
      {hint !== undefined && (
        <p id={hintId} className={HINT}>
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} role="alert" data-testid="rule-field-error" className="mt-1 text-xs text-danger-foreground">
          {error}
        </p>
      )}
    </div>
  );
}

export function RuleForm({
  initial,
  options,
  testId,
  label,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: RuleFormValue;
  options: FilterOptions;
  /** Prefix of the controls' test ids (`new-rule`, `edit-rule`). */
  testId: string;
  label: string;
  submitLabel: string;
  /** Sends the body; throws the API's refusal (shown under its field). A new-rule form (no onCancel) is reset after. */
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel?: () => void;
}) {
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sending, setSending] = useState(false);
  const takes = fieldsOf(value.metric);
  const set = <K extends keyof RuleFormValue>(key: K, next: RuleFormValue[K]) => {
    setValue((cur) => ({ ...cur, [key]: next }));
    if (problem?.param === key) setProblem(null);
  };

  const shown = new Set<string>(['name', 'metric', 'scope_kind', 'severity', 'enabled']);
  if (value.scope_kind !== 'all') shown.add('scope_value');
  if (takes.level) shown.add('level');
  if (takes.threshold) shown.add('threshold');
  if (takes.window) shown.add('window_minutes');
  if (takes.history) shown.add('history_days');
  const errorOf = (param: string) => (problem?.param === param ? problem.message : undefined);
  // A refusal of a field the form does not show (or of the body) shows above the buttons.
  const formError = problem && (problem.param === null || !shown.has(problem.param)) ? problem.message : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    try {
      await onSubmit(ruleBody(value));
      if (!onCancel) setValue(initial);
    } catch (err) {
      setProblem({ param: err instanceof AdminApiError ? (err.param ?? null) : null, message: (err as Error).message });
    } finally {
      setSending(false);
    }
  };

  const known = knownValues(options, value.scope_kind);
  const listId = useId();
  const unit = METRIC_INFO[value.metric].unit;

  return (
    <form onSubmit={submit} noValidate aria-label={label} data-testid={testId} className="flex flex-col gap-3">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <RuleField label="Name" error={errorOf('name')}>
          {(props) => (
            <input
              {...props}
              data-testid={`${testId}-name`}
              autoComplete="off"
              maxLength={80}
              value={value.name}
              onChange={(e) => set('name', e.target.value)}
              className={INPUT}
            />
          )}
        </RuleField>
        <div className="sm:col-span-1 lg:col-span-3">
          <RuleField label="Metric" hint={METRIC_HINTS[value.metric]} error={errorOf('metric')}>
            {(props) => (
              <select
                {...props}
                data-testid={`${testId}-metric`}
                value={value.metric}
                onChange={(e) => set('metric', e.target.value as RuleMetric)}
                className={INPUT}
              >
                {RULE_METRICS.map((m) => (
                  <option key={m} value={m}>
                    {metricWords(m)}
                  </option>
                ))}
              </select>
            )}
          </RuleField>
        </div>
        {takes.level && (
          <RuleField label="Computed per" error={errorOf('level')}>
            {(props) => (
              <select
                {...props}
                data-testid={`${testId}-level`}
                value={value.level}
                onChange={(e) => set('level', e.target.value as AnomalyLevel)}
                className={INPUT}
              >
                {ANOMALY_LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {LEVEL_WORDS[l]}
                  </option>
                ))}
              </select>
            )}
          </RuleField>
        )}
        <RuleField label="Scope" error={errorOf('scope_kind')}>
          {(props) => (
            <select
              {...props}
              data-testid={`${testId}-scope-kind`}
              value={value.scope_kind}
              onChange={(e) => set('scope_kind', e.target.value as RuleScopeKind)}
              className={INPUT}
            >
              {RULE_SCOPE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {SCOPE_WORDS[k]}
                </option>
              ))}
            </select>
          )}
        </RuleField>
        {value.scope_kind !== 'all' && (
          <RuleField label={SCOPE_VALUE_LABELS[value.scope_kind]} error={errorOf('scope_value')}>
            {(props) => (
              <>
                <input
                  {...props}
                  data-testid={`${testId}-scope-value`}
                  autoComplete="off"
                  list={known.length > 0 ? listId : undefined}
                  value={value.scope_value}
                  onChange={(e) => set('scope_value', e.target.value)}
                  className={INPUT}
                />
                {known.length > 0 && (
                  <datalist id={listId}>
                    {known.map((v) => (
                      <option key={v} value={v} />
                    ))}
                  </datalist>
                )}
              </>
            )}
          </RuleField>
        )}
        {takes.threshold && (
          <RuleField
            label={unit === 'z' ? 'Threshold (robust z)' : `Threshold (${unit})`}
            hint={
              unit === 'z'
                ? 'Spike or drop at this |z| or beyond; 3.5 is a usual start.'
                : `Alert below this many ${unit}.`
            }
            error={errorOf('threshold')}
          >
            {(props) => (
              <input
                {...props}
                data-testid={`${testId}-threshold`}
                type="number"
                inputMode="decimal"
                step="any"
                min={0}
                value={value.threshold}
                onChange={(e) => set('threshold', e.target.value)}
                className={INPUT}
              />
            )}
          </RuleField>
        )}
        {takes.window && (
          <RuleField
            label="Window (minutes)"
            hint={`${WINDOW_MINUTES.min}–${WINDOW_MINUTES.max}: the closed window compared.`}
            error={errorOf('window_minutes')}
          >
            {(props) => (
              <input
                {...props}
                data-testid={`${testId}-window`}
                type="number"
                inputMode="numeric"
                step={1}
                min={WINDOW_MINUTES.min}
                max={WINDOW_MINUTES.max}
                value={value.window_minutes}
                onChange={(e) => set('window_minutes', e.target.value)}
                className={INPUT}
              />
            )}
          </RuleField>
        )}
        {takes.history && (
          <RuleField
            label="History (days)"
            hint={`${HISTORY_DAYS.min}–${HISTORY_DAYS.max} previous days of the same window.`}
            error={errorOf('history_days')}
          >
            {(props) => (
              <input
                {...props}
                data-testid={`${testId}-history`}
                type="number"
                inputMode="numeric"
                step={1}
                min={HISTORY_DAYS.min}
                max={HISTORY_DAYS.max}
                value={value.history_days}
                onChange={(e) => set('history_days', e.target.value)}
                className={INPUT}
              />
            )}
          </RuleField>
        )}
        <RuleField label="Severity" error={errorOf('severity')}>
          {(props) => (
            <select
              {...props}
              data-testid={`${testId}-severity`}
              value={value.severity}
              onChange={(e) => set('severity', e.target.value as Severity)}
              className={INPUT}
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY_WORDS[s]}
                </option>
              ))}
            </select>
          )}
        </RuleField>
      </div>
      <label className="inline-flex items-center gap-2 text-[13px] text-foreground">
        <input
          type="checkbox"
          data-testid={`${testId}-enabled`}
          checked={value.enabled}
          onChange={(e) => set('enabled', e.target.checked)}
          className="size-4 accent-foreground"
        />
        Enabled
      </label>
      {formError && (
        <p role="alert" data-testid={`${testId}-error`} className="text-xs text-danger-foreground">
          {formError}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="submit" data-testid={`${testId}-submit`} disabled={sending} className={BUTTON_PRIMARY}>
          {sending ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel} className={cx(BUTTON_SECONDARY)}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** The values the data knows for a scope kind (stores, regions, categories); SKUs are typed. */
function knownValues(options: FilterOptions, kind: RuleScopeKind): string[] {
  if (kind === 'store') return options.stores.map((s) => s.id);
  if (kind === 'region') return options.regions;
  if (kind === 'category') return options.categories;
  return [];
}
