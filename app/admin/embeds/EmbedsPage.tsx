'use client';

import { type FormEvent, useId, useState } from 'react';
import { AdminShell } from '@/app/admin/AdminShell';
import { copyText, HINT, INPUT, LABEL, sendJson } from '@/app/admin/admin-ui';
import { Field, SelectField, TextField } from '@/app/admin/form-fields';
import { LocalTime } from '@/app/admin/LocalTime';
import { Notice } from '@/app/admin/Notice';
import { describeScope, ValuePicker } from '@/app/admin/ScopePicker';
import { useAdminChanges } from '@/app/admin/useAdminChanges';
import { BUTTON_DANGER, BUTTON_PRIMARY, BUTTON_SECONDARY } from '@/components/common/buttons';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { useIsClient } from '@/components/hooks/useIsClient';
import type { AdminEmbed, AdminEmbedKey, NewEmbedKey } from '@/lib/contract/admin-embeds';
import type { FilterOptions } from '@/lib/contract/overview';
import { ALL_PRESETS } from '@/lib/web/overview-params';

const VIEWS = [
  { value: 'dashboard', label: 'Dashboard' },
  { value: 'product', label: 'One product' },
  { value: 'store', label: 'One store' },
] as const;
type View = (typeof VIEWS)[number]['value'];
const LOCK_DIMENSIONS = ['store', 'region', 'channel', 'category'] as const;
type LockValue = Record<(typeof LOCK_DIMENSIONS)[number], string[]>;
const NO_LOCK: LockValue = { store: [], region: [], channel: [], category: [] };

/** The iframe a portal puts in its page; the portal's backend mints the token (README "Embedding in your portal"). */
export function iframeSnippet(origin: string, embed: Pick<AdminEmbed, 'id' | 'name'>): string {
  const title = embed.name.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  return `<iframe src="${origin}/embed/${embed.id}?token=TOKEN_FROM_YOUR_BACKEND" title="${title}" width="100%" height="720" style="border:0" loading="lazy"></iframe>`;
}

function status(embed: AdminEmbed, now: number): { label: string; tone: 'ok' | 'off' } {
  if (embed.revoked_at) return { label: 'Revoked', tone: 'off' };
  if (embed.expires_at && Date.parse(embed.expires_at) <= now) return { label: 'Expired', tone: 'off' };
  return { label: 'Active', tone: 'ok' };
}

export interface EmbedsPageProps {
  initialEmbeds: AdminEmbed[];
  initialKeys: AdminEmbedKey[];
  options: FilterOptions;
  audience: string;
  maxTtlSeconds: number;
}

export function EmbedsPage({ initialEmbeds, initialKeys, options, audience, maxTtlSeconds }: EmbedsPageProps) {
  const [embeds, setEmbeds] = useState(initialEmbeds);
  const { notice, setNotice, busy, run } = useAdminChanges();
  const isClient = useIsClient();
  const origin = isClient ? window.location.origin : 'https://pulse.example.com';

  const setRevoked = (embed: AdminEmbed, revoked: boolean) =>
    run(embed.id, async () => {
      const { embed: updated } = await sendJson<{ embed: AdminEmbed }>('PATCH', `/api/v1/admin/embeds/${embed.id}`, {
        revoked,
      });
      setEmbeds((cur) => cur.map((e) => (e.id === updated.id ? updated : e)));
      return revoked ? `${embed.name} is revoked: its tokens no longer open it.` : `${embed.name} works again.`;
    });

  const remove = (embed: AdminEmbed) => {
    if (!window.confirm(`Delete the embed ${embed.name}? Portals showing it get an error.`)) return;
    void run(embed.id, async () => {
      await sendJson('DELETE', `/api/v1/admin/embeds/${embed.id}`);
      setEmbeds((cur) => cur.filter((e) => e.id !== embed.id));
      return `${embed.name} was deleted.`;
    });
  };

  const now = Date.now();
  return (
    <AdminShell
      current="embeds"
      title="Embeds"
      description="Views partner portals show in an iframe. A portal's backend signs a short-lived token with a signing key below; the embed's locked filters always apply."
    >
      <CreateEmbed
        options={options}
        onCreated={(embed) => {
          setEmbeds((cur) => [embed, ...cur]);
          setNotice({ kind: 'ok', text: `${embed.name} was created: copy its iframe below.` });
        }}
      />

      <Notice notice={notice} testId="embeds-notice" />

      <Card
        title="All embeds"
        description={`${embeds.length} ${embeds.length === 1 ? 'embed' : 'embeds'}, newest first`}
        data-testid="embeds"
      >
        {embeds.length === 0 ? (
          <EmptyState title="No embeds yet" hint="Create one above, then give its iframe to the portal." />
        ) : (
          <ul className="-mx-5 -mb-5 border-t border-border">
            {embeds.map((embed) => {
              const state = status(embed, now);
              return (
                <li
                  key={embed.id}
                  data-testid="embed-row"
                  data-embed-id={embed.id}
                  className="flex flex-col gap-2 border-b border-border px-5 py-3 last:border-b-0"
                >
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <div className="min-w-0">
                      <div className="flex flex-wrap items-center gap-2">
                        <span className="font-medium text-foreground text-sm">{embed.name}</span>
                        <span
                          data-testid="embed-status"
                          className={cx(
                            'rounded-full px-2 py-0.5 text-[11px] font-medium',
                            state.tone === 'ok'
                              ? 'bg-success-soft text-success-foreground'
                              : 'bg-warning-soft text-warning-foreground',
                          )}
                        >
                          {state.label}
                        </span>
                        {embed.accent && (
                          <span
                            role="img"
                            aria-label={`Accent ${embed.accent}`}
                            className="size-3 rounded-full border border-border"
                            style={{ backgroundColor: embed.accent }}
                          />
                        )}
                      </div>
                      <p className="mt-0.5 text-xs break-words text-muted-foreground">
                        <code className="font-mono">{embed.id}</code> ·{' '}
                        {VIEWS.find((v) => v.value === embed.view)?.label}
                        {embed.target && ` ${embed.target}`} · {embed.theme} · links{' '}
                        {embed.links === 'new_tab' ? 'open Pulse in a new tab' : 'stay in the embed'}
                        {embed.expires_at && (
                          <>
                            {' '}
                            · until <LocalTime iso={embed.expires_at} />
                          </>
                        )}
                      </p>
                      <p className="text-xs break-words text-muted-foreground">
                        Locked:{' '}
                        {describeScope([
                          ['Stores', embed.locked.store],
                          ['Regions', embed.locked.region],
                          ['Channels', embed.locked.channel],
                          ['Categories', embed.locked.category],
                        ])}
                      </p>
                    </div>
                    <div className="flex flex-wrap gap-1.5">
                      <button
                        type="button"
                        data-testid="embed-revoke"
                        disabled={busy === embed.id}
                        onClick={() => void setRevoked(embed, !embed.revoked_at)}
                        className={BUTTON_SECONDARY}
                      >
                        {embed.revoked_at ? 'Restore' : 'Revoke'}
                      </button>
                      <button
                        type="button"
                        data-testid="embed-delete"
                        disabled={busy === embed.id}
                        onClick={() => remove(embed)}
                        className={BUTTON_DANGER}
                      >
                        Delete
                      </button>
                    </div>
                  </div>
                  <CopyField
                    label={`iframe for ${embed.name}`}
                    value={iframeSnippet(origin, embed)}
                    testId="embed-snippet"
                  />
                </li>
              );
            })}
          </ul>
        )}
      </Card>

      <SigningKeys initial={initialKeys} audience={audience} maxTtlSeconds={maxTtlSeconds} />
    </AdminShell>
  );
}

/** Read-only text with a Copy button (falls back to selecting the text for Ctrl+C). */
export function CopyField({
  label,
  value,
  testId,
  multiline = true,
}: {
  label: string;
  value: string;
  testId: string;
  multiline?: boolean;
}) {
  const id = useId();
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    const ok = await copyText(value);
    setCopied(ok);
    if (!ok) (document.getElementById(id) as HTMLTextAreaElement | HTMLInputElement | null)?.select();
    setTimeout(() => setCopied(null), 2500);
  };
  const field =
    'block w-full min-w-0 rounded-lg border border-border bg-muted px-3 py-2 font-mono text-xs text-foreground';
  return (
    <div className="flex flex-col gap-1.5 sm:flex-row sm:items-start">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      {multiline ? (
        <textarea id={id} data-testid={testId} readOnly rows={2} value={value} className={cx(field, 'resize-y')} />
      ) : (
        <input id={id} data-testid={testId} readOnly value={value} className={field} />
      )}
      <button type="button" data-testid={`${testId}-copy`} onClick={() => void copy()} className={BUTTON_SECONDARY}>
        <span aria-live="polite">{copied === true ? 'Copied' : copied === false ? 'Press Ctrl+C' : 'Copy'}</span>
      </button>
    </div>
  );
}

function CreateEmbed({ options, onCreated }: { options: FilterOptions; onCreated: (embed: AdminEmbed) => void }) {
  const accentId = useId();
  const [name, setName] = useState('');
  const [view, setView] = useState<View>('dashboard');
  const [target, setTarget] = useState('');
  const [locked, setLocked] = useState<LockValue>(NO_LOCK);
  const [range, setRange] = useState('');
  const [tz, setTz] = useState('');
  const [theme, setTheme] = useState<'light' | 'dark'>('light');
  const [useAccent, setUseAccent] = useState(false);
  const [accent, setAccent] = useState('#2563eb');
  const [links, setLinks] = useState<'embed' | 'new_tab'>('embed');
  const [expires, setExpires] = useState('');
  const [generation, setGeneration] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      const lock = Object.fromEntries(Object.entries(locked).filter(([, v]) => v.length > 0));
      const defaults: Record<string, string> = {};
      if (range) defaults.range = range;
      if (tz.trim()) defaults.tz = tz.trim();
      const { embed } = await sendJson<{ embed: AdminEmbed }>('POST', '/api/v1/admin/embeds', {
        name,
        view,
        target: view === 'dashboard' ? null : target,
        locked: lock,
        defaults,
        theme,
        accent: useAccent ? accent : null,
        links,
        // datetime-local is the browser's local time; the API takes an instant.
        expires_at: expires ? new Date(expires).toISOString() : null,
      });
      onCreated(embed);
      setName('');
      setTarget('');
      setLocked(NO_LOCK);
      setExpires('');
      setGeneration((g) => g + 1);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  const pick = (dimension: keyof LockValue) => (values: string[]) =>
    setLocked((cur) => ({ ...cur, [dimension]: values }));

  return (
    <Card
      title="New embed"
      description="Locked filters can never be left by the portal's viewers; tokens may narrow them further."
      data-testid="create-embed"
    >
      <form onSubmit={submit} className="flex flex-col gap-3" aria-label="New embed">
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <TextField label="Name" testId="new-embed-name" required maxLength={100} value={name} onChange={setName} />
          <SelectField label="View" testId="new-embed-view" value={view} onChange={(v) => setView(v as View)}>
            {VIEWS.map((v) => (
              <option key={v.value} value={v.value}>
                {v.label}
              </option>
            ))}
          </SelectField>
          {view !== 'dashboard' && (
            <Field label={view === 'product' ? 'SKU' : 'Store'}>
              {(id) => (
                <>
                  <input
                    id={id}
                    data-testid="new-embed-target"
                    required
                    list={view === 'store' ? `${id}-stores` : undefined}
                    value={target}
                    onChange={(e) => setTarget(e.target.value)}
                    className={INPUT}
                  />
                  {view === 'store' && (
                    <datalist id={`${id}-stores`}>
                      {options.stores.map((s) => (
                        <option key={s.id} value={s.id} />
                      ))}
                    </datalist>
                  )}
                </>
              )}
            </Field>
          )}
          <TextField
            label={
              <>
                Expires <span className="font-normal text-muted-foreground">(optional)</span>
              </>
            }
            testId="new-embed-expires"
            type="datetime-local"
            value={expires}
            onChange={setExpires}
          />
        </div>

        <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-4" key={generation}>
          <ValuePicker
            label="Locked stores"
            name="lock-store"
            known={options.stores.map((s) => s.id)}
            value={locked.store}
            onChange={pick('store')}
          />
          <ValuePicker
            label="Locked regions"
            name="lock-region"
            known={options.regions}
            value={locked.region}
            onChange={pick('region')}
          />
          <ValuePicker
            label="Locked channels"
            name="lock-channel"
            known={options.channels}
            value={locked.channel}
            onChange={pick('channel')}
          />
          <ValuePicker
            label="Locked categories"
            name="lock-category"
            known={options.categories}
            value={locked.category}
            onChange={pick('category')}
          />
        </div>

        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
          <SelectField label="Opens with range" testId="new-embed-range" value={range} onChange={setRange}>
            <option value="">Default</option>
            {ALL_PRESETS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </SelectField>
          <TextField label="Time zone" testId="new-embed-tz" placeholder="UTC" value={tz} onChange={setTz} />
          <SelectField
            label="Theme"
            testId="new-embed-theme"
            value={theme}
            onChange={(v) => setTheme(v as 'light' | 'dark')}
          >
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </SelectField>
          <div>
            <span className={LABEL}>Accent</span>
            <div className="mt-1 flex h-9 items-center gap-2">
              <label className="flex items-center gap-1.5 text-xs text-muted-foreground">
                <input
                  type="checkbox"
                  data-testid="new-embed-use-accent"
                  checked={useAccent}
                  onChange={(e) => setUseAccent(e.target.checked)}
                  className="size-3.5 accent-accent"
                />
                Custom
              </label>
              <label htmlFor={accentId} className="sr-only">
                Accent colour
              </label>
              <input
                id={accentId}
                data-testid="new-embed-accent"
                type="color"
                disabled={!useAccent}
                value={accent}
                onChange={(e) => setAccent(e.target.value)}
                className="h-8 w-12 cursor-pointer rounded border border-border bg-background disabled:cursor-not-allowed disabled:opacity-40"
              />
            </div>
          </div>
          <SelectField
            label="Links"
            testId="new-embed-links"
            value={links}
            onChange={(v) => setLinks(v as 'embed' | 'new_tab')}
          >
            <option value="embed">Stay in the embed</option>
            <option value="new_tab">Open Pulse in a new tab</option>
          </SelectField>
        </div>

        {error && (
          <p role="alert" data-testid="create-embed-error" className="text-xs text-danger-foreground">
            {error}
          </p>
        )}
        <div>
          <button type="submit" data-testid="create-embed-submit" disabled={sending} className={BUTTON_PRIMARY}>
            {sending ? 'Creating…' : 'Create embed'}
          </button>
        </div>
      </form>
    </Card>
  );
}

function SigningKeys({
  initial,
  audience,
  maxTtlSeconds,
}: {
  initial: AdminEmbedKey[];
  audience: string;
  maxTtlSeconds: number;
}) {
  const [keys, setKeys] = useState(initial);
  const [fresh, setFresh] = useState<NewEmbedKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const create = async () => {
    setBusy('new');
    setError(null);
    try {
      const { key } = await sendJson<{ key: NewEmbedKey }>('POST', '/api/v1/admin/embed-keys');
      setFresh(key);
      setKeys((cur) => [{ kid: key.kid, created_at: key.created_at }, ...cur]);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (kid: string) => {
    if (!window.confirm(`Remove the signing key ${kid}? Every token signed with it stops working at once.`)) return;
    setBusy(kid);
    setError(null);
    try {
      await sendJson('DELETE', `/api/v1/admin/embed-keys/${kid}`);
      setKeys((cur) => cur.filter((k) => k.kid !== kid));
      if (fresh?.kid === kid) setFresh(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      title="Signing keys"
      description={
        <>
          Portals sign embed tokens with a key (JWT HS256, header <code className="font-mono">kid</code>, claims{' '}
          <code className="font-mono">sub</code> = embed id, <code className="font-mono">aud</code> ={' '}
          <code className="font-mono">{audience}</code>, at most {maxTtlSeconds} s between{' '}
          <code className="font-mono">iat</code> and <code className="font-mono">exp</code>). To rotate: add a key, move
          the portal to it, remove the old one.
        </>
      }
      data-testid="signing-keys"
      action={
        <button
          type="button"
          data-testid="create-key"
          disabled={busy !== null}
          onClick={() => void create()}
          className={BUTTON_PRIMARY}
        >
          New key
        </button>
      }
    >
      {fresh && (
        <div
          role="alert"
          data-testid="new-key"
          className="mb-3 flex flex-col gap-2 rounded-lg border border-warning/40 bg-warning-soft px-3 py-3 text-xs text-warning-foreground"
        >
          <p>
            <strong>Copy this secret now: it is shown only once.</strong> Store it in the portal's backend (never in a
            browser). Key id <code className="font-mono">{fresh.kid}</code>.
          </p>
          <CopyField
            label="Secret of the new key (base64url)"
            value={fresh.secret}
            testId="new-key-secret"
            multiline={false}
          />
          <div>
            <button
              type="button"
              data-testid="new-key-done"
              onClick={() => setFresh(null)}
              className={BUTTON_SECONDARY}
            >
              I have stored it
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="mb-3 text-xs text-danger-foreground">
          {error}
        </p>
      )}
      {keys.length === 0 ? (
        <EmptyState title="No signing keys" hint="Embeds open only with a token signed by a key: make one." />
      ) : (
        <ul className="-mx-5 -mb-5 border-t border-border">
          {keys.map((key) => (
            <li
              key={key.kid}
              data-testid="key-row"
              data-kid={key.kid}
              className="flex flex-wrap items-center justify-between gap-2 border-b border-border px-5 py-2.5 last:border-b-0"
            >
              <span className="min-w-0 text-[13px]">
                <code className="font-mono">{key.kid}</code>
                <span className={cx(HINT, 'ml-2 inline')}>
                  created <LocalTime iso={key.created_at} />
                </span>
              </span>
              <button
                type="button"
                data-testid="key-remove"
                disabled={busy === key.kid}
                onClick={() => void remove(key.kid)}
                className={BUTTON_DANGER}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
