'use client';

// The labelled fields of the admin forms (new embed, new user, edit user): a label above the
// control, an optional hint below, in the admin pages' look (admin-ui.ts).
import { type InputHTMLAttributes, type ReactNode, useId } from 'react';
import { HINT, INPUT, LABEL } from './admin-ui';

/** A label and the control it names; `children` gets the control's id. */
export function Field({
  label,
  hint,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      {children(id)}
      {hint !== undefined && <p className={HINT}>{hint}</p>}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'className'>;

/** A text (email, password, date-time…) input field. */
export function TextField({
  label,
  hint,
  testId,
  value,
  onChange,
  ...input
}: InputProps & {
  label: ReactNode;
  hint?: ReactNode;
  testId?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint}>
      {(id) => (
        <input
          id={id}
          data-testid={testId}
          {...input}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          className={INPUT}
        />
      )}
    </Field>
  );
}

/** A select field; `children` are its options. */
export function SelectField({
  label,
  testId,
  value,
  onChange,
  children,
}: {
  label: ReactNode;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <Field label={label}>
      {(id) => (
        <select id={id} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} className={INPUT}>
          {children}
        </select>
      )}
    </Field>
  );
}
