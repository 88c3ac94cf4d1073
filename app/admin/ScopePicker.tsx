'use client';
import { useId, useState } from 'react';
import { cx } from '@/components/common/cx';
import { HINT, INPUT } from './admin-ui';

/**
 * Values of one dimension (stores, regions, categories, channels): checkboxes for the known
 * ones, and a comma-separated field for others (a store that has not sold yet). None = all.
 */
export function ValuePicker({
  label,
  name,
  known,
  value,
  onChange,
}: {
  label: string;
  name: string;
  known: readonly string[];
  value: readonly string[];
  onChange: (next: string[]) => void;
}) {
  const otherId = useId();
  const extra = value.filter((v) => !known.includes(v));
  const [otherText, setOtherText] = useState(extra.join(', '));
  const toggle = (v: string) =>
    onChange(value.includes(v) ? value.filter((x) => x !== v) : [...value, v].sort((a, b) => a.localeCompare(b)));
  const setOthers = (text: string) => {
    setOtherText(text);
    const others = text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && !known.includes(s));
    onChange([...new Set([...value.filter((v) => known.includes(v)), ...others])]);
  };
  return (
    <fieldset className="min-w-0 rounded-lg border border-border px-3 pt-1 pb-3" data-testid={`picker-${name}`}>
      <legend className="px-1 text-xs font-medium text-foreground">
        {label}{' '}
        <span className="font-normal text-muted-foreground">
          {value.length === 0 ? '· all' : `· ${value.length} selected`}
        </span>
      </legend>
      {known.length > 0 && (
        <div className="flex max-h-32 flex-wrap gap-1.5 overflow-y-auto py-1">
          {known.map((v) => (
            <label
              key={v}
              className={cx(
                'inline-flex h-7 cursor-pointer items-center gap-1.5 rounded-full border px-2.5 text-xs',
                'has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-ring',
                value.includes(v)
                  ? 'border-accent/50 bg-accent-soft text-accent'
                  : 'border-border text-muted-foreground hover:text-foreground',
              )}
            >
              <input
                type="checkbox"
                className="sr-only"
                name={name}
                value={v}
                checked={value.includes(v)}
                onChange={() => toggle(v)}
              />
              {v}
            </label>
          ))}
        </div>
      )}
      <label htmlFor={otherId} className={cx(HINT, 'block')}>
        {known.length > 0 ? 'Others, comma-separated' : 'Comma-separated'}
      </label>
      <input
        id={otherId}
        data-testid={`picker-${name}-other`}
        value={otherText}
        onChange={(e) => setOthers(e.target.value)}
        className={INPUT}
        autoComplete="off"
      />
    </fieldset>
  );
}

/** "Stores S-1, S-2 · Category Shoes"; "Everything" when nothing is restricted. */
export function describeScope(parts: [string, readonly string[] | undefined][]): string {
  const shown = parts.filter(([, values]) => values && values.length > 0);
  if (shown.length === 0) return 'Everything';
  return shown.map(([label, values]) => `${label} ${values?.join(', ')}`).join(' · ');
}
