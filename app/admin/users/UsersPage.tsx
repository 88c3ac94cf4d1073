'use client';

import { type FormEvent, Fragment, useId, useState } from 'react';
import { AdminShell } from '@/app/admin/AdminShell';
import { HINT, INPUT, LABEL, sendJson } from '@/app/admin/admin-ui';
import { SelectField, TextField } from '@/app/admin/form-fields';
import { LocalTime } from '@/app/admin/LocalTime';
import { Notice } from '@/app/admin/Notice';
import { describeScope, ValuePicker } from '@/app/admin/ScopePicker';
import { useAdminChanges } from '@/app/admin/useAdminChanges';
import { BUTTON_DANGER, BUTTON_PRIMARY, BUTTON_SECONDARY } from '@/components/common/buttons';
import { Card } from '@/components/common/Card';
import { cx } from '@/components/common/cx';
import { EmptyState } from '@/components/common/EmptyState';
import { type Column, TableHeader } from '@/components/common/TableHeader';
import { type AdminUser, MIN_PASSWORD_LENGTH } from '@/lib/contract/admin-users';
import type { FilterOptions } from '@/lib/contract/overview';

const ROLES = [
  { value: 'viewer', label: 'Viewer', hint: 'looks at dashboards' },
  { value: 'merchandiser', label: 'Merchandiser', hint: 'looks and exports CSV' },
  { value: 'admin', label: 'Admin', hint: 'everything, and this page' },
] as const;
type Role = (typeof ROLES)[number]['value'];

interface ScopeValue {
  stores: string[];
  regions: string[];
  categories: string[];
}

const NO_SCOPE: ScopeValue = { stores: [], regions: [], categories: [] };

const COLUMNS: readonly Column[] = [
  { key: 'user', label: 'User', className: 'pl-5' },
  { key: 'role', label: 'Role', className: 'pr-3' },
  { key: 'scope', label: 'Scope', className: 'pr-3' },
  { key: 'status', label: 'Status', className: 'pr-3' },
  { key: 'actions', label: 'Actions', align: 'right', className: 'pr-5' },
];

export interface UsersPageProps {
  initial: AdminUser[];
  options: FilterOptions;
  /** The signed-in admin: marked "you" in the list. */
  selfId: string;
}

export function UsersPage({ initial, options, selfId }: UsersPageProps) {
  const [users, setUsers] = useState(initial);
  const [open, setOpen] = useState<{ id: string; panel: 'edit' | 'password' } | null>(null);
  const { notice, setNotice, busy, run } = useAdminChanges();

  const replace = (user: AdminUser) => setUsers((cur) => cur.map((u) => (u.id === user.id ? user : u)));

  const patch = (user: AdminUser, body: Record<string, unknown>, done: string) =>
    run(user.id, async () => {
      const { user: updated } = await sendJson<{ user: AdminUser }>('PATCH', `/api/v1/admin/users/${user.id}`, body);
      replace(updated);
      return done;
    });

  const remove = (user: AdminUser) => {
    if (!window.confirm(`Delete ${user.email}? They are signed out at once and cannot sign in again.`)) return;
    void run(user.id, async () => {
      await sendJson('DELETE', `/api/v1/admin/users/${user.id}`);
      setUsers((cur) => cur.filter((u) => u.id !== user.id));
      return `${user.email} was deleted.`;
    });
  };

  return (
    <AdminShell
      current="users"
      title="Users"
      description="Who may sign in, with which role, and which stores, regions and categories they see. Changes apply to their next request."
    >
      <CreateUser
        options={options}
        onCreated={(user) => {
          setUsers((cur) => [...cur, user]);
          setNotice({ kind: 'ok', text: `${user.email} was created.` });
        }}
      />

      <Notice notice={notice} testId="users-notice" />

      <Card
        title="All users"
        description={`${users.length} ${users.length === 1 ? 'user' : 'users'}`}
        data-testid="users"
      >
        {users.length === 0 ? (
          <EmptyState title="No users" hint="Create the first one above." />
        ) : (
          <div className="-mx-5 -mb-5 overflow-x-auto border-t border-border">
            <table className="w-full min-w-[760px] text-[13px]">
              <caption className="sr-only">Users, oldest first</caption>
              <TableHeader sticky={false} columns={COLUMNS} />
              <tbody>
                {users.map((user) => (
                  <Fragment key={user.id}>
                    <tr
                      data-testid="user-row"
                      data-email={user.email}
                      className={cx('border-b border-border align-top', user.disabled && 'text-muted-foreground')}
                    >
                      <td className="py-2.5 pl-5">
                        <div className="font-medium text-foreground">
                          {user.name || user.email}
                          {user.id === selfId && (
                            <span className="ml-1.5 rounded-full bg-muted px-1.5 text-[11px] font-normal">you</span>
                          )}
                        </div>
                        <div className="text-xs text-muted-foreground">
                          {user.email}
                          {user.oidc && ' · single sign-on'}
                          {!user.has_password && ' · no password'}
                        </div>
                      </td>
                      <td className="py-2.5 pr-3" data-testid="user-role">
                        {ROLES.find((r) => r.value === user.role)?.label ?? user.role}
                      </td>
                      <td className="max-w-[280px] py-2.5 pr-3 text-xs break-words" data-testid="user-scope">
                        {describeScope([
                          ['Stores', user.scope.stores],
                          ['Regions', user.scope.regions],
                          ['Categories', user.scope.categories],
                        ])}
                      </td>
                      <td className="py-2.5 pr-3 text-xs" data-testid="user-status">
                        <span
                          className={cx(
                            'inline-flex rounded-full px-2 py-0.5 font-medium',
                            user.disabled
                              ? 'bg-warning-soft text-warning-foreground'
                              : 'bg-success-soft text-success-foreground',
                          )}
                        >
                          {user.disabled ? 'Disabled' : 'Active'}
                        </span>
                        <div className="mt-1 text-muted-foreground">
                          {user.sessions} {user.sessions === 1 ? 'session' : 'sessions'} · since{' '}
                          <LocalTime iso={user.created_at} />
                        </div>
                      </td>
                      <td className="py-2.5 pr-5">
                        <div className="flex flex-wrap justify-end gap-1.5">
                          <button
                            type="button"
                            data-testid="user-edit"
                            aria-expanded={open?.id === user.id && open.panel === 'edit'}
                            onClick={() =>
                              setOpen(
                                open?.id === user.id && open.panel === 'edit' ? null : { id: user.id, panel: 'edit' },
                              )
                            }
                            className={BUTTON_SECONDARY}
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            data-testid="user-password"
                            aria-expanded={open?.id === user.id && open.panel === 'password'}
                            onClick={() =>
                              setOpen(
                                open?.id === user.id && open.panel === 'password'
                                  ? null
                                  : { id: user.id, panel: 'password' },
                              )
                            }
                            className={BUTTON_SECONDARY}
                          >
                            Reset password
                          </button>
                          <button
                            type="button"
                            data-testid="user-toggle-disabled"
                            disabled={busy === user.id}
                            onClick={() =>
                              void patch(
                                user,
                                { disabled: !user.disabled },
                                user.disabled
                                  ? `${user.email} may sign in again.`
                                  : `${user.email} is disabled and was signed out.`,
                              )
                            }
                            className={BUTTON_SECONDARY}
                          >
                            {user.disabled ? 'Enable' : 'Disable'}
                          </button>
                          <button
                            type="button"
                            data-testid="user-delete"
                            disabled={busy === user.id}
                            onClick={() => remove(user)}
                            className={BUTTON_DANGER}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    </tr>
                    {open?.id === user.id && (
                      <tr className="border-b border-border bg-muted/40">
                        <td colSpan={5} className="px-5 py-4">
                          {open.panel === 'edit' ? (
                            <EditUser
                              user={user}
                              options={options}
                              busy={busy === user.id}
                              onCancel={() => setOpen(null)}
                              onSave={async (body) => {
                                if (await patch(user, body, `${user.email} was updated.`)) setOpen(null);
                              }}
                            />
                          ) : (
                            <ResetPassword
                              user={user}
                              busy={busy === user.id}
                              onCancel={() => setOpen(null)}
                              onSave={async (password) => {
                                const ok = await patch(
                                  user,
                                  { password },
                                  `The password of ${user.email} was changed; their sessions were ended.`,
                                );
                                if (ok) setOpen(null);
                              }}
                            />
                          )}
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

function RoleField({ value, onChange }: { value: Role; onChange: (role: Role) => void }) {
  return (
    <SelectField label="Role" testId="role-select" value={value} onChange={(v) => onChange(v as Role)}>
      {ROLES.map((r) => (
        <option key={r.value} value={r.value}>
          {r.label} — {r.hint}
        </option>
      ))}
    </SelectField>
  );
}

function ScopeFields({
  options,
  value,
  onChange,
}: {
  options: FilterOptions;
  value: ScopeValue;
  onChange: (next: ScopeValue) => void;
}) {
  return (
    <div className="grid gap-3 md:grid-cols-3">
      <ValuePicker
        label="Stores"
        name="stores"
        known={options.stores.map((s) => s.id)}
        value={value.stores}
        onChange={(stores) => onChange({ ...value, stores })}
      />
      <ValuePicker
        label="Regions"
        name="regions"
        known={options.regions}
        value={value.regions}
        onChange={(regions) => onChange({ ...value, regions })}
      />
      <ValuePicker
        label="Categories"
        name="categories"
        known={options.categories}
        value={value.categories}
        onChange={(categories) => onChange({ ...value, categories })}
      />
    </div>
  );
}

function CreateUser({ options, onCreated }: { options: FilterOptions; onCreated: (user: AdminUser) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [scope, setScope] = useState<ScopeValue>(NO_SCOPE);
  const [generation, setGeneration] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      const { user } = await sendJson<{ user: AdminUser }>('POST', '/api/v1/admin/users', {
        email,
        name,
        role,
        password,
        scope,
      });
      onCreated(user);
      setEmail('');
      setName('');
      setRole('viewer');
      setPassword('');
      setScope(NO_SCOPE);
      setGeneration((g) => g + 1);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <Card
      title="New user"
      description="They sign in with this email and password. An empty scope shows everything."
      data-testid="create-user"
    >
      <form onSubmit={submit} className="flex flex-col gap-3" aria-label="New user">
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <TextField
            label="Email"
            testId="new-user-email"
            type="email"
            required
            autoComplete="off"
            value={email}
            onChange={setEmail}
          />
          <TextField label="Name" testId="new-user-name" autoComplete="off" value={name} onChange={setName} />
          <RoleField value={role} onChange={setRole} />
          <TextField
            label="Password"
            hint={<>At least {MIN_PASSWORD_LENGTH} characters.</>}
            testId="new-user-password"
            type="password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            autoComplete="new-password"
            value={password}
            onChange={setPassword}
          />
        </div>
        <ScopeFields key={generation} options={options} value={scope} onChange={setScope} />
        {error && (
          <p role="alert" data-testid="create-user-error" className="text-xs text-danger-foreground">
            {error}
          </p>
        )}
        <div>
          <button type="submit" data-testid="create-user-submit" disabled={sending} className={BUTTON_PRIMARY}>
            {sending ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
    </Card>
  );
}

function EditUser({
  user,
  options,
  busy,
  onCancel,
  onSave,
}: {
  user: AdminUser;
  options: FilterOptions;
  busy: boolean;
  onCancel: () => void;
  onSave: (body: { name: string; role: Role; scope: ScopeValue }) => Promise<void>;
}) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const [scope, setScope] = useState<ScopeValue>(user.scope);
  return (
    <form
      aria-label={`Edit ${user.email}`}
      data-testid="edit-user"
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave({ name, role, scope });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name" value={name} onChange={setName} />
        <RoleField value={role} onChange={setRole} />
      </div>
      <ScopeFields options={options} value={scope} onChange={setScope} />
      <div className="flex gap-2">
        <button type="submit" data-testid="edit-user-save" disabled={busy} className={BUTTON_PRIMARY}>
          Save
        </button>
        <button type="button" onClick={onCancel} className={BUTTON_SECONDARY}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ResetPassword({
  user,
  busy,
  onCancel,
  onSave,
}: {
  user: AdminUser;
  busy: boolean;
  onCancel: () => void;
  onSave: (password: string) => Promise<void>;
}) {
  const id = useId();
  const [password, setPassword] = useState('');
  return (
    <form
      aria-label={`New password for ${user.email}`}
      data-testid="reset-password"
      className="flex flex-col gap-2 sm:max-w-md"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(password);
      }}
    >
      <label htmlFor={id} className={LABEL}>
        New password for {user.email}
      </label>
      <input
        id={id}
        data-testid="reset-password-input"
        type="password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        className={INPUT}
      />
      <p className={HINT}>Every session of this user ends: they sign in again with the new password.</p>
      <div className="flex gap-2">
        <button type="submit" data-testid="reset-password-save" disabled={busy} className={BUTTON_PRIMARY}>
          Set password
        </button>
        <button type="button" onClick={onCancel} className={BUTTON_SECONDARY}>
          Cancel
        </button>
      </div>
    </form>
  );
}
