'use client';

import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { cx } from '@/components/common/cx';

export interface MultiSelectOption {
  value: string;
  /** Shown text; defaults to the value. */
  label?: string;
  /** Heading the option is listed under (stores under their region); also searched. */
  group?: string;
}

/**
 * A searchable multi-select: a button ("All stores", "NYC-01", "3 stores") opening a popover
 * with a search field, "Select matching" / "Clear", and a list of checkable options.
 *
 * The choice is applied when the popover closes ("Done", the button, a click or Tab outside),
 * as ONE change: the page writes one URL per change, so Back steps through views, not through
 * every click in the list. Escape cancels: the popover closes and the applied choice stays.
 *
 * Keyboard: in the search field, typing filters, ↓ moves into the list and Enter toggles the
 * first match. In the list (a listbox with aria-multiselectable, the active option tracked
 * by aria-activedescendant), ↑/↓/Home/End move, Space or Enter toggles, typing goes back to
 * the search field, ↑ on the first option too. Escape discards the draft and returns focus to
 * the button.
 */
export function MultiSelect({
  label,
  noun,
  testId,
  options,
  selected,
  onChange,
}: {
  /** Accessible name of the control, e.g. "Store". */
  label: string;
  /** Singular and plural for the button: ["store", "stores"] → "All stores", "3 stores". */
  noun: readonly [string, string];
  testId: string;
  options: readonly MultiSelectOption[];
  /** The applied values. */
  selected: readonly string[];
  /** Called once when the popover closes with a different selection (sorted values). */
  onChange: (values: string[]) => void;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<ReadonlySet<string>>(() => new Set(selected));
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  // A value in the URL that the options do not (yet) list stays visible and removable.
  const all = useMemo((): MultiSelectOption[] => {
    const known = new Set(options.map((o) => o.value));
    return [...options, ...selected.filter((v) => !known.has(v)).map((value) => ({ value }))];
  }, [options, selected]);
  const labelOf = (o: MultiSelectOption) => o.label ?? o.value;
  const matches = useMemo(() => {
    const needle = search.trim().toLowerCase();
    if (!needle) return all;
    return all.filter((o) =>
      [o.value, o.label ?? '', o.group ?? ''].some((text) => text.toLowerCase().includes(needle)),
    );
  }, [all, search]);

  const optionId = (index: number) => `${id}-option-${index}`;
  const activeIndex = Math.min(active, matches.length - 1);

  const openPopover = () => {
    setDraft(new Set(selected));
    setSearch('');
    setActive(0);
    setOpen(true);
  };

  // Latest values for the document listener registered while open. The draft is dropped on
  // cancel and rebuilt from the applied values when the popover opens again.
  const closeRef = useRef<(returnFocus: boolean, apply?: boolean) => void>(() => {});
  closeRef.current = (returnFocus: boolean, apply = true) => {
    if (!open) return;
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
    if (!apply) return;
    const next = [...draft].sort();
    const current = [...new Set(selected)].sort();
    if (next.length !== current.length || next.some((v, i) => v !== current[i])) onChange(next);
  };

  useEffect(() => {
    if (!open) return;
    inputRef.current?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) closeRef.current(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  useEffect(() => {
    if (open && activeIndex >= 0) document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: 'nearest' });
  });

  const toggle = (value: string) =>
    setDraft((prev) => {
      const next = new Set(prev);
      if (next.has(value)) next.delete(value);
      else next.add(value);
      return next;
    });

  const onPopoverKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      // Handled here: the page's own Escape (leaving TV mode) must not also fire.
      event.preventDefault();
      event.stopPropagation();
      closeRef.current(true, false);
    }
  };

  const onInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && matches.length > 0) {
      event.preventDefault();
      setActive(0);
      listRef.current?.focus();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const first = matches[0];
      if (first) toggle(first.value);
    }
  };

  const onListKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const last = matches.length - 1;
    const move = (index: number) => {
      event.preventDefault();
      setActive(Math.max(0, Math.min(last, index)));
    };
    switch (event.key) {
      case 'ArrowDown':
        return move(activeIndex + 1);
      case 'ArrowUp':
        if (activeIndex <= 0) {
          event.preventDefault();
          inputRef.current?.focus();
          return;
        }
        return move(activeIndex - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(last);
      case ' ':
      case 'Enter': {
        event.preventDefault();
        const option = matches[activeIndex];
        if (option) toggle(option.value);
        return;
      }
      default:
        // Type to search: a printable key goes to the search field.
        if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
          event.preventDefault();
          setSearch((s) => s + event.key);
          setActive(0);
          inputRef.current?.focus();
        }
    }
  };

  const applied = [...new Set(selected)];
  const only = applied.length === 1 ? all.find((o) => o.value === applied[0]) : undefined;
  const summary =
    applied.length === 0
      ? `All ${noun[1]}`
      : applied.length === 1
        ? only
          ? labelOf(only)
          : applied[0]
        : `${applied.length} ${noun[1]}`;
  const draftCount = draft.size;

  // Options under their group headings, in the order given (groups in order of first appearance).
  const groups: { group: string | undefined; items: { option: MultiSelectOption; index: number }[] }[] = [];
  matches.forEach((option, index) => {
    const last = groups[groups.length - 1];
    if (last && last.group === option.group) last.items.push({ option, index });
    else groups.push({ group: option.group, items: [{ option, index }] });
  });

  const small =
    'h-7 rounded-md px-2 text-xs font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring';
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: focus leaving the whole control (Tab) closes the popover
    <div
      ref={rootRef}
      className="relative"
      onBlur={(event) => {
        // Tabbing out of the control closes (and applies) like a click outside.
        if (open && !rootRef.current?.contains(event.relatedTarget as Node | null) && event.relatedTarget !== null) {
          closeRef.current(false);
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        data-testid={testId}
        data-count={applied.length}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label={`${label}: ${summary}`}
        title={
          applied.length > 1
            ? applied.map((v) => labelOf(all.find((o) => o.value === v) ?? { value: v })).join(', ')
            : undefined
        }
        onClick={() => (open ? closeRef.current(false) : openPopover())}
        className={cx(
          'inline-flex h-8 max-w-44 items-center gap-1.5 rounded-lg border bg-card py-0 pr-2 pl-2.5 text-[13px] transition-colors',
          'hover:border-border-strong focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
          applied.length > 0
            ? 'border-accent/40 bg-accent-soft font-medium text-accent'
            : 'border-border text-foreground',
        )}
      >
        <span className="truncate">{summary}</span>
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          className={cx('size-3.5 shrink-0', applied.length > 0 ? 'text-accent' : 'text-muted-foreground')}
        >
          <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
      </button>

      {open && (
        <div
          role="dialog"
          aria-label={`Choose ${noun[1]}`}
          data-testid={`${testId}-popover`}
          onKeyDown={onPopoverKeyDown}
          className="absolute top-full right-0 z-40 mt-1 flex w-64 flex-col gap-2 rounded-xl border border-border bg-card p-2 text-card-foreground shadow-lg"
        >
          <input
            ref={inputRef}
            type="search"
            aria-label={`Search ${noun[1]}`}
            aria-controls={`${id}-list`}
            data-testid={`${testId}-search`}
            placeholder={`Search ${noun[1]}…`}
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              setActive(0);
            }}
            onKeyDown={onInputKeyDown}
            className="h-8 w-full rounded-md border border-border bg-background px-2 text-[13px] text-foreground placeholder:text-subtle-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
          />
          <div className="flex items-center gap-1 text-muted-foreground">
            <button
              type="button"
              data-testid={`${testId}-select-matching`}
              disabled={matches.length === 0}
              onClick={() => setDraft((prev) => new Set([...prev, ...matches.map((o) => o.value)]))}
              className={cx(small, 'hover:bg-muted hover:text-foreground disabled:opacity-50')}
            >
              {search.trim() ? 'Select matching' : 'Select all'}
            </button>
            <button
              type="button"
              data-testid={`${testId}-clear`}
              disabled={draftCount === 0}
              onClick={() => setDraft(new Set())}
              className={cx(small, 'hover:bg-muted hover:text-foreground disabled:opacity-50')}
            >
              Clear
            </button>
            <span className="ml-auto text-[11px]" aria-live="polite">
              {draftCount === 0 ? `All ${noun[1]}` : `${draftCount} selected`}
            </span>
          </div>
          {matches.length === 0 ? (
            <p className="px-2 py-3 text-center text-xs text-muted-foreground">No {noun[1]} match.</p>
          ) : (
            <div
              ref={listRef}
              id={`${id}-list`}
              role="listbox"
              aria-multiselectable="true"
              aria-label={label}
              aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
              tabIndex={0}
              data-testid={`${testId}-list`}
              onKeyDown={onListKeyDown}
              className="max-h-64 overflow-y-auto rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              {groups.map(({ group, items }) => {
                const rows = items.map(({ option, index }) => {
                  const checked = draft.has(option.value);
                  return (
                    // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keyboard (aria-activedescendant)
                    <div
                      key={option.value}
                      id={optionId(index)}
                      role="option"
                      tabIndex={-1}
                      aria-selected={checked}
                      data-value={option.value}
                      data-active={index === activeIndex || undefined}
                      onPointerDown={(event) => event.preventDefault()} // keep focus where it is
                      onClick={() => {
                        setActive(index);
                        toggle(option.value);
                      }}
                      className={cx(
                        'flex cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-[13px]',
                        index === activeIndex ? 'bg-muted text-foreground' : 'text-foreground',
                      )}
                    >
                      <span
                        aria-hidden="true"
                        className={cx(
                          'inline-flex size-4 shrink-0 items-center justify-center rounded border',
                          checked ? 'border-accent bg-accent text-accent-foreground' : 'border-border-strong',
                        )}
                      >
                        {checked && (
                          <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3">
                            <path
                              d="M3.5 8.5l3 3 6-7"
                              fill="none"
                              stroke="currentColor"
                              strokeWidth="2"
                              strokeLinecap="round"
                              strokeLinejoin="round"
                            />
                          </svg>
                        )}
                      </span>
                      <span className="truncate">{labelOf(option)}</span>
                    </div>
                  );
                });
                if (group === undefined) return rows;
                // Options in a group are consecutive, so its first option names it uniquely.
                const headingId = `${optionId(items[0]?.index ?? 0)}-group`;
                return (
                  // biome-ignore lint/a11y/useSemanticElements: a listbox group, not a form fieldset
                  <div key={headingId} role="group" aria-labelledby={headingId}>
                    <div
                      id={headingId}
                      className="px-2 pt-2 pb-1 text-[11px] font-medium tracking-wide text-muted-foreground uppercase"
                    >
                      {group}
                    </div>
                    {rows}
                  </div>
                );
              })}
            </div>
          )}
          <div className="flex justify-end">
            <button
              type="button"
              data-testid={`${testId}-done`}
              onClick={() => closeRef.current(true)}
              className={cx(small, 'bg-foreground text-background hover:opacity-90')}
            >
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
