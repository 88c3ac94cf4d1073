'use client';

import { useRouter } from 'next/navigation';
import { type KeyboardEvent, useEffect, useId, useState } from 'react';
import { productHref } from '@/components/common/Breadcrumbs';
import { cx } from '@/components/common/cx';
import { fetchJson } from '@/components/hooks/fetch-json';
import type { ProductSearch as Found, ProductMatch } from '@/lib/contract/product-search';
import type { OverviewQuery } from '@/lib/web/overview-params';

/** Typing pauses this long before a search: one request per word typed, not per key. */
const DEBOUNCE_MS = 250;

type Results = { q: string; products: ProductMatch[] } | { q: string; error: string };

/** Products matching `q` (debounced); null while `q` is blank or its answer is on its way. */
function useProductSearch(q: string): Results | null {
  const [results, setResults] = useState<Results | null>(null);
  const term = q.trim();
  useEffect(() => {
    if (term === '') return setResults(null);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetchJson<Found>(`/api/v1/products?q=${encodeURIComponent(term)}`, controller.signal)
        .then(({ products }) => setResults({ q: term, products }))
        .catch((err: Error) => {
          if (!controller.signal.aborted) setResults({ q: term, error: err.message });
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [term]);
  return results?.q === term ? results : null;
}

/**
 * The header's product search: a combobox finding products by SKU or name (within the viewer's
 * categories, GET /api/v1/products); choosing one opens its page in the current view (range,
 * zone, filters). ↑/↓ move through the suggestions, Enter opens, Escape clears.
 */
export function ProductSearch({ query, className }: { query: OverviewQuery; className?: string }) {
  const router = useRouter();
  const id = useId();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const results = useProductSearch(q);
  const products = results && 'products' in results ? results.products : [];
  const shown = open && q.trim() !== '';

  const choose = (product: ProductMatch) => {
    setOpen(false);
    setQ('');
    router.push(productHref(product.sku, query));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      if (products.length > 0) setActive((active + step + products.length) % products.length);
    } else if (event.key === 'Enter') {
      const product = products[Math.min(active, products.length - 1)];
      if (shown && product) {
        event.preventDefault();
        choose(product);
      }
    } else if (event.key === 'Escape' && (open || q !== '')) {
      // The page's own Escape (leaving TV mode) must not also fire.
      event.preventDefault();
      event.stopPropagation();
      if (open) setOpen(false);
      else setQ('');
    }
  };

  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-option-${i}`;
  return (
    <div className={cx('relative', className)}>
      <label htmlFor={`${id}-input`} className="sr-only">
        Find a product by SKU or name
      </label>
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="pointer-events-none absolute top-1/2 left-2 size-3.5 -translate-y-1/2 text-muted-foreground"
      >
        <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
        <path d="M10.5 10.5L14 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
      <input
        id={`${id}-input`}
        data-testid="product-search"
        type="search"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        placeholder="SKU or product"
        aria-expanded={shown}
        aria-controls={shown ? listId : undefined}
        aria-autocomplete="list"
        aria-activedescendant={shown && products.length > 0 ? optionId(active) : undefined}
        value={q}
        onChange={(event) => {
          setQ(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        // A choice with the mouse keeps the focus here (onPointerDown below), so leaving is Tab or a click elsewhere.
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        className="h-8 w-full rounded-lg border border-border bg-card pr-2 pl-7 text-[13px] text-foreground placeholder:text-muted-foreground hover:border-border-strong focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
      />
      {shown && (
        <div className="absolute top-full right-0 z-20 mt-1 w-72 max-w-[calc(100vw-2rem)] rounded-lg border border-border bg-card p-1 shadow-lg">
          <div id={listId} role="listbox" aria-label="Products found" data-testid="product-search-results">
            {products.map((p, i) => (
              // Chosen with the mouse here, with Enter in the input (aria-activedescendant).
              // biome-ignore lint/a11y/useKeyWithClickEvents: the input handles the keyboard
              <div
                key={p.sku}
                id={optionId(i)}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                data-sku={p.sku}
                onPointerDown={(event) => event.preventDefault()}
                onMouseEnter={() => setActive(i)}
                onClick={() => choose(p)}
                className={cx(
                  'flex cursor-pointer flex-col rounded-md px-2 py-1.5 text-[13px]',
                  i === active && 'bg-muted',
                )}
              >
                <span className="truncate font-medium text-foreground">{p.name}</span>
                <span className="truncate text-xs text-muted-foreground">
                  <span className="font-mono">{p.sku}</span> · {p.category}
                </span>
              </div>
            ))}
          </div>
          {results === null ? (
            <p className="px-2 py-1.5 text-xs text-muted-foreground">Searching…</p>
          ) : 'error' in results ? (
            <p role="alert" className="px-2 py-1.5 text-xs text-danger-foreground">
              {results.error}
            </p>
          ) : products.length === 0 ? (
            <p role="status" className="px-2 py-1.5 text-xs text-muted-foreground">
              No product matches “{results.q}”.
            </p>
          ) : null}
        </div>
      )}
    </div>
  );
}
