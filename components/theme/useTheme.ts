'use client';

import { useLayoutEffect, useSyncExternalStore } from 'react';
import { DARK_QUERY, type ResolvedTheme, THEME_STORAGE_KEY, THEMES, type ThemePreference } from './theme';

// Where the choice lives when storage is unavailable (it then lasts for this page only).
let unstoredPreference: ThemePreference = 'system';

function readPreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(THEME_STORAGE_KEY);
    return (THEMES as readonly string[]).includes(stored ?? '') ? (stored as ThemePreference) : 'system';
  } catch {
    return unstoredPreference;
  }
}

function resolve(preference: ThemePreference): ResolvedTheme {
  if (preference !== 'system') return preference;
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

/** The same rule as THEME_SCRIPT: `.dark` for Tailwind's `dark:` variant, data-theme for tests and CSS. */
function apply(theme: ResolvedTheme): void {
  const root = document.documentElement;
  root.classList.toggle('dark', theme === 'dark');
  root.setAttribute('data-theme', theme);
}

const listeners = new Set<() => void>();

function update(): void {
  apply(resolve(readPreference()));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    // The system setting matters while the preference is "system"; another tab may change
    // the stored preference (the storage event fires only in the other tabs).
    window.matchMedia(DARK_QUERY).addEventListener('change', update);
    window.addEventListener('storage', update);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.matchMedia(DARK_QUERY).removeEventListener('change', update);
      window.removeEventListener('storage', update);
    }
  };
}

// One string snapshot, so useSyncExternalStore compares by value.
const snapshot = () => `${readPreference()}:${resolve(readPreference())}`;
// The server cannot know either: it renders "system", and hydration uses the same value
// before React switches to the real one (no mismatch in the switcher's <select>).
const serverSnapshot = () => 'system:light';

export function setThemePreference(preference: ThemePreference): void {
  try {
    localStorage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    unstoredPreference = preference;
  }
  update();
}

/** The stored preference and the theme it resolves to, following system changes live. */
export function useTheme(): { preference: ThemePreference; resolved: ResolvedTheme } {
  const [preference, resolved] = useSyncExternalStore(subscribe, snapshot, serverSnapshot).split(':') as [
    ThemePreference,
    ResolvedTheme,
  ];
  // In development React's Strict Mode remount resets <html> to its JSX attributes, dropping
  // what the inline script set; re-apply before paint (a no-op in production).
  useLayoutEffect(() => {
    apply(resolve(readPreference()));
  }, []);
  return { preference, resolved };
}
