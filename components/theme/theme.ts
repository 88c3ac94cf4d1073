// Theme constants shared by the root layout (server) and the theme switcher (client).

export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEMES)[number];
export type ResolvedTheme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'pulse-theme';
export const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * Runs in <head> while the HTML is parsed, before the first paint and long before React
 * hydrates, so a stored or system dark theme never flashes light. useTheme.ts applies the
 * same rule afterwards; keep the two in step. Storage may throw (disabled, sandboxed).
 */
export const THEME_SCRIPT = `(function(){var p;try{p=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)})}catch(e){}var d=p==="dark"||(p!=="light"&&window.matchMedia(${JSON.stringify(DARK_QUERY)}).matches);var r=document.documentElement;r.classList.toggle("dark",d);r.setAttribute("data-theme",d?"dark":"light")})()`;
