'use client';

// Admin → Webhooks: the hooks that receive every action (README "Webhooks"), their secrets
// (shown once, on creation or rotation), a test POST, and the delivery log with each try.
import { type FormEvent, useEffect, useState } from 'react';
import { AdminShell } from '@/app/admin/AdminShell';
import { HINT, LABEL, sendJson } from '@/app/admin/admin-ui';
import { CopyField } from '@/app/admin/embeds/EmbedsPage';
import { TextField } from '@/app/admin/form-fields';
import { LocalTime } from '@/app/admin/LocalTime';
import { Notice } from '@/app/admin/Notice';
import { useAdminChanges } from '@/app/admin/useAdminChanges';
import { BUTTON_DANGER, BUTTON_PRIMARY, BUTTON_SECONDARY } from '@/components/common/buttons';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { ACTION_TYPES, type ActionType, WEBHOOK_HEADERS } from '@/lib/contract/actions';
import type { AdminWebhook, AdminWebhookWithSecret, WebhookDeliveryRow } from '@/lib/contract/admin-webhooks';

const withoutSecret = ({ secret: _secret, ...hook }: AdminWebhookWithSecret): AdminWebhook => hook;

const describeTypes = (types: readonly string[]) => (types.length === 0 ? 'all action types' : types.join(', '));

function Badge({ tone, children, testId }: { tone: 'ok' | 'off' | 'bad'; children: string; testId?: string }) {
  return (
    <span
      data-testid={testId}
      className={cx(
        'rounded-full px-2 py-0.5 text-[11px] font-medium',
        tone === 'ok' && 'bg-success-soft text-success-foreground',
        tone === 'off' && 'bg-warning-soft text-warning-foreground',
        tone === 'bad' && 'bg-danger-soft text-danger-foreground',
      )}
    >
      {children}
    </span>
  );
}

/** Checkboxes of the action types; none ticked = all. */
function TypePicker({
  value,
  onChange,
  testId,
}: {
  value: ActionType[];
  onChange: (types: ActionType[]) => void;
  testId: string;
}) {
  const toggle = (type: ActionType, on: boolean) =>
    onChange(ACTION_TYPES.filter((t) => (t === type ? on : value.includes(t))));
  return (
    <fieldset data-testid={testId}>
      <legend className={LABEL}>Action types</legend>
      <div className="mt-1 grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
        {ACTION_TYPES.map((type) => (
          <label key={type} className="flex items-center gap-1.5 text-xs text-foreground">
            <input
              type="checkbox"
              value={type}
              checked={value.includes(type)}
              onChange={(e) => toggle(type, e.target.checked)}
              className="size-3.5 accent-accent"
            />
            <code className="font-mono">{type}</code>
          </label>
        ))}
      </div>
      <p className={HINT}>None ticked: every type.</p>
    </fieldset>
  );
}

/** The new secret, once: after creation or rotation. */
function FreshSecret({ hook, onDone }: { hook: AdminWebhookWithSecret; onDone: () => void }) {
  return (
    <div
      role="alert"
      data-testid="webhook-secret"
      className="flex flex-col gap-2 rounded-lg border border-warning/40 bg-warning-soft px-3 py-3 text-xs text-warning-foreground"
    >
      <p>
        <strong>Copy the signing secret of {hook.name} now: it is shown only once.</strong> The receiver checks{' '}
        <code className="font-mono">{WEBHOOK_HEADERS.signature}</code> with it (README "Webhooks").
      </p>
      <CopyField
        label={`Signing secret of ${hook.name}`}
        value={hook.secret}
        testId="webhook-secret-value"
        multiline={false}
      />
      <div>
        <button type="button" data-testid="webhook-secret-done" onClick={onDone} className={BUTTON_SECONDARY}>
          I have stored it
        </button>
      </div>
    </div>
  );
}

function CreateWebhook({ onCreated }: { onCreated: (hook: AdminWebhookWithSecret) => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<ActionType[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      const { webhook } = await sendJson<{ webhook: AdminWebhookWithSecret }>('POST', '/api/v1/admin/webhooks', {
        name,
        url,
        types,
      });
      onCreated(webhook);
      setName('');
      setUrl('');
      setTypes([]);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <Card
      title="New webhook"
      description="Pulse POSTs each action of the chosen types to the URL, signed with a secret it makes for the hook."
      data-testid="create-webhook"
    >
      <form onSubmit={submit} className="flex flex-col gap-3" aria-label="New webhook">
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField label="Name" testId="new-webhook-name" required maxLength={80} value={name} onChange={setName} />
          <TextField
            label="URL"
            testId="new-webhook-url"
            type="url"
            required
            placeholder="https://ordering.example.com/pulse"
            value={url}
            onChange={setUrl}
          />
        </div>
        <TypePicker value={types} onChange={setTypes} testId="new-webhook-types" />
        {error && (
          <p role="alert" data-testid="create-webhook-error" className="text-xs text-danger-foreground">
            {error}
          </p>
        )}
        <div>
          <button type="submit" data-testid="create-webhook-submit" disabled={sending} className={BUTTON_PRIMARY}>
            {sending ? 'Creating…' : 'Create webhook'}
          </button>
        </div>
      </form>
    </Card>
  );
}

function EditWebhook({
  hook,
  onSaved,
  onCancel,
}: {
  hook: AdminWebhook;
  onSaved: (hook: AdminWebhook) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(hook.name);
  const [url, setUrl] = useState(hook.url);
  const [types, setTypes] = useState<ActionType[]>(hook.types);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      const { webhook } = await sendJson<{ webhook: AdminWebhook }>('PATCH', `/api/v1/admin/webhooks/${hook.id}`, {
        name,
        url,
        types,
      });
      onSaved(webhook);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <form
      onSubmit={submit}
      aria-label={`Edit ${hook.name}`}
      data-testid="edit-webhook"
      className="flex flex-col gap-3 rounded-lg border border-border p-3"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name" testId="edit-webhook-name" required maxLength={80} value={name} onChange={setName} />
        <TextField label="URL" testId="edit-webhook-url" type="url" required value={url} onChange={setUrl} />
      </div>
      <TypePicker value={types} onChange={setTypes} testId="edit-webhook-types" />
      {error && (
        <p role="alert" className="text-xs text-danger-foreground">
          {error}
        </p>
      )}
      <div className="flex gap-1.5">
        <button type="submit" data-testid="edit-webhook-save" disabled={sending} className={BUTTON_PRIMARY}>
          Save
        </button>
        <button type="button" onClick={onCancel} className={BUTTON_SECONDARY}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const STATUS_TONE = { delivered: 'ok', pending: 'off', failed: 'bad' } as const;

function attemptText(a: WebhookDeliveryRow['attempt_log'][number]): string {
  const answer = a.status === null ? 'no answer' : `HTTP ${a.status}`;
  return `#${a.attempt} · ${answer}${a.error && a.status === null ? ` (${a.error})` : ''} · ${a.duration_ms} ms`;
}

/** The delivery log of one hook: its latest deliveries, each with every try. */
function DeliveryLog({ hook, generation }: { hook: AdminWebhook; generation: number }) {
  const [deliveries, setDeliveries] = useState<WebhookDeliveryRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` and `reloads` only say when to fetch again
  useEffect(() => {
    let current = true;
    sendJson<{ deliveries: WebhookDeliveryRow[] }>('GET', `/api/v1/admin/webhooks/${hook.id}/deliveries?limit=50`).then(
      ({ deliveries: rows }) => {
        if (!current) return;
        setDeliveries(rows);
        setError(null);
      },
      (err: unknown) => {
        if (current) setError((err as Error).message);
      },
    );
    return () => {
      current = false;
    };
  }, [hook.id, generation, reloads]);

  return (
    <div data-testid="delivery-log" className="flex flex-col gap-2 rounded-lg border border-border p-3">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-xs font-semibold">Delivery log of {hook.name} (latest 50)</h3>
        <button
          type="button"
          data-testid="delivery-log-refresh"
          onClick={() => setReloads((n) => n + 1)}
          className={BUTTON_SECONDARY}
        >
          Refresh
        </button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-danger-foreground">
          {error}
        </p>
      )}
      {deliveries === null ? (
        <p className={HINT}>Loading…</p>
      ) : deliveries.length === 0 ? (
        <p className={HINT}>No deliveries yet.</p>
      ) : (
        <ul className="flex flex-col divide-y divide-border">
          {deliveries.map((d) => (
            <li key={d.id} data-testid="delivery-row" data-status={d.status} className="py-1.5 text-xs">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-2">
                  <Badge tone={STATUS_TONE[d.status]} testId="delivery-status">
                    {d.status}
                  </Badge>
                  <code className="font-mono" data-testid="delivery-type">
                    {d.type}
                  </code>
                  <span className="text-muted-foreground">
                    {d.attempts} {d.attempts === 1 ? 'try' : 'tries'}
                    {d.last_status !== null && ` · last HTTP ${d.last_status}`} · <LocalTime iso={d.created_at} />
                    {d.next_attempt_at && (
                      <>
                        {' '}
                        · next try <LocalTime iso={d.next_attempt_at} />
                      </>
                    )}
                  </span>
                  {d.last_error && (
                    <span className="break-all text-danger-foreground" data-testid="delivery-error">
                      {d.last_error}
                    </span>
                  )}
                </summary>
                <p className="mt-1 text-muted-foreground">
                  Action id <code className="font-mono">{d.action_id}</code>
                </p>
                <ol className="mt-1 flex flex-col gap-0.5 pl-4" data-testid="delivery-attempts">
                  {d.attempt_log.map((a) => (
                    <li key={a.attempt} className="list-disc">
                      <LocalTime iso={a.at} /> · {attemptText(a)}
                      {a.error && a.status !== null && <span className="break-all"> · {a.error}</span>}
                    </li>
                  ))}
                </ol>
              </details>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export interface WebhooksPageProps {
  initial: AdminWebhook[];
  maxAttempts: number;
  timeoutMs: number;
}

export function WebhooksPage({ initial, maxAttempts, timeoutMs }: WebhooksPageProps) {
  const [hooks, setHooks] = useState(initial);
  const [fresh, setFresh] = useState<AdminWebhookWithSecret | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [logOpen, setLogOpen] = useState<Record<string, number>>({});
  const { notice, setNotice, busy, run } = useAdminChanges();

  const replace = (hook: AdminWebhook) => setHooks((cur) => cur.map((h) => (h.id === hook.id ? hook : h)));
  const refreshLog = (id: string) => setLogOpen((cur) => (id in cur ? { ...cur, [id]: (cur[id] ?? 0) + 1 } : cur));

  const setEnabled = (hook: AdminWebhook, enabled: boolean) =>
    run(hook.id, async () => {
      const { webhook } = await sendJson<{ webhook: AdminWebhook }>('PATCH', `/api/v1/admin/webhooks/${hook.id}`, {
        enabled,
      });
      replace(webhook);
      return enabled ? `${hook.name} receives actions again.` : `${hook.name} is disabled: its deliveries wait.`;
    });

  const rotate = (hook: AdminWebhook) => {
    if (!window.confirm(`Give ${hook.name} a new secret? The receiver must switch to it: the old one stops now.`))
      return;
    void run(hook.id, async () => {
      const { webhook } = await sendJson<{ webhook: AdminWebhookWithSecret }>(
        'POST',
        `/api/v1/admin/webhooks/${hook.id}/rotate-secret`,
      );
      replace(withoutSecret(webhook));
      setFresh(webhook);
      return `${hook.name} has a new secret.`;
    });
  };

  const test = (hook: AdminWebhook) =>
    run(hook.id, async () => {
      const { delivery } = await sendJson<{ delivery: WebhookDeliveryRow }>(
        'POST',
        `/api/v1/admin/webhooks/${hook.id}/test`,
      );
      refreshLog(hook.id);
      // The list's counts include the test now.
      const { webhooks } = await sendJson<{ webhooks: AdminWebhook[] }>('GET', '/api/v1/admin/webhooks');
      setHooks(webhooks);
      if (delivery.status !== 'delivered') throw new Error(`Test to ${hook.name} failed: ${delivery.last_error}`);
      return `Test delivered to ${hook.name} (HTTP ${delivery.last_status}).`;
    });

  const remove = (hook: AdminWebhook) => {
    if (!window.confirm(`Delete the webhook ${hook.name} and its delivery log?`)) return;
    void run(hook.id, async () => {
      await sendJson('DELETE', `/api/v1/admin/webhooks/${hook.id}`);
      setHooks((cur) => cur.filter((h) => h.id !== hook.id));
      return `${hook.name} was deleted.`;
    });
  };

  const toggleLog = (id: string) =>
    setLogOpen((cur) => {
      if (id in cur) {
        const { [id]: _closed, ...rest } = cur;
        return rest;
      }
      return { ...cur, [id]: 0 };
    });

  return (
    <AdminShell
      current="webhooks"
      title="Webhooks"
      description={`Every alert and suggestion transition is POSTed to the hooks whose types match, signed (HMAC-SHA256). Failures are retried with growing delays, up to ${maxAttempts} tries of at most ${timeoutMs / 1000} s each; receivers drop an ${WEBHOOK_HEADERS.actionId} they have seen.`}
    >
      <CreateWebhook
        onCreated={(hook) => {
          setHooks((cur) => [...cur, withoutSecret(hook)]);
          setFresh(hook);
          setNotice({ kind: 'ok', text: `${hook.name} was created: copy its secret now.` });
        }}
      />
      {fresh && <FreshSecret hook={fresh} onDone={() => setFresh(null)} />}
      <Notice notice={notice} testId="webhooks-notice" />

      <Card
        title="All webhooks"
        description={`${hooks.length} ${hooks.length === 1 ? 'webhook' : 'webhooks'}`}
        data-testid="webhooks"
      >
        {hooks.length === 0 ? (
          <EmptyState title="No webhooks yet" hint="Create one above to send the actions to another system." />
        ) : (
          <ul className="-mx-5 -mb-5 border-t border-border">
            {hooks.map((hook) => (
              <li
                key={hook.id}
                data-testid="webhook-row"
                data-webhook-id={hook.id}
                className="flex flex-col gap-2 border-b border-border px-5 py-3 last:border-b-0"
              >
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0">
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-medium text-foreground text-sm">{hook.name}</span>
                      <Badge tone={hook.enabled ? 'ok' : 'off'} testId="webhook-state">
                        {hook.enabled ? 'Enabled' : 'Disabled'}
                      </Badge>
                    </div>
                    <p className="mt-0.5 text-xs break-all text-muted-foreground">
                      <code className="font-mono">{hook.url}</code>
                    </p>
                    <p className="text-xs text-muted-foreground" data-testid="webhook-summary">
                      Sends {describeTypes(hook.types)} · {hook.deliveries.delivered} delivered,{' '}
                      {hook.deliveries.pending} pending, {hook.deliveries.failed} failed
                      {hook.last_delivery_at && (
                        <>
                          {' '}
                          · latest <LocalTime iso={hook.last_delivery_at} />
                        </>
                      )}
                    </p>
                  </div>
                  <div className="flex flex-wrap gap-1.5">
                    <button
                      type="button"
                      data-testid="webhook-test"
                      disabled={busy === hook.id}
                      onClick={() => void test(hook)}
                      className={BUTTON_SECONDARY}
                    >
                      Send test
                    </button>
                    <button
                      type="button"
                      data-testid="webhook-log"
                      aria-expanded={hook.id in logOpen}
                      onClick={() => toggleLog(hook.id)}
                      className={BUTTON_SECONDARY}
                    >
                      Delivery log
                    </button>
                    <button
                      type="button"
                      data-testid="webhook-edit"
                      onClick={() => setEditing(editing === hook.id ? null : hook.id)}
                      className={BUTTON_SECONDARY}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      data-testid="webhook-enable"
                      disabled={busy === hook.id}
                      onClick={() => void setEnabled(hook, !hook.enabled)}
                      className={BUTTON_SECONDARY}
                    >
                      {hook.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <button
                      type="button"
                      data-testid="webhook-rotate"
                      disabled={busy === hook.id}
                      onClick={() => rotate(hook)}
                      className={BUTTON_SECONDARY}
                    >
                      Rotate secret
                    </button>
                    <button
                      type="button"
                      data-testid="webhook-delete"
                      disabled={busy === hook.id}
                      onClick={() => remove(hook)}
                      className={BUTTON_DANGER}
                    >
                      Delete
                    </button>
                  </div>
                </div>
                {editing === hook.id && (
                  <EditWebhook
                    hook={hook}
                    onCancel={() => setEditing(null)}
                    onSaved={(saved) => {
                      replace(saved);
                      setEditing(null);
                      setNotice({ kind: 'ok', text: `${saved.name} was saved.` });
                    }}
                  />
                )}
                {hook.id in logOpen && <DeliveryLog hook={hook} generation={logOpen[hook.id] ?? 0} />}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </AdminShell>
  );
}
