import type { Metadata } from 'next';
import localFont from 'next/font/local';
import type { ReactNode } from 'react';
import { ViewerProvider } from '@/components/auth/ViewerContext';
import { THEME_SCRIPT } from '@/components/theme/theme';
import { pagePrincipal } from '@/lib/web/auth/request';
import { viewerOf } from '@/lib/web/auth/viewer';
import './globals.css';

// Self-hosted from the npm package: the app must build and run without reaching Google Fonts.
const inter = localFont({
  src: '../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  weight: '100 900',
  style: 'normal',
  display: 'swap',
  variable: '--font-inter',
});

// Inline so the app needs no static asset for it (and browsers stop asking for /favicon.ico).
const ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#18181b"/>' +
    '<path d="M3 12h3.5l2.5-6 4 12 3-8 1.5 2H21" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
)}`;

export const metadata: Metadata = {
  title: 'Pulse — live retail analytics',
  description: 'Real-time sales, products and customer mix across stores and channels.',
  icons: { icon: ICON },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const principal = await pagePrincipal();
  const viewer = viewerOf(principal);
  // An embed has the theme its admin chose for the portal, not the viewer's choice.
  const embedTheme = principal.kind === 'embed' ? principal.theme : null;
  return (
    // The theme script changes <html>'s class and data-theme before React hydrates: React must
    // keep the DOM's values rather than report them (suppressHydrationWarning is one level deep).
    <html
      lang="en"
      className={embedTheme === 'dark' ? `${inter.variable} dark` : inter.variable}
      data-theme={embedTheme ?? undefined}
      suppressHydrationWarning
    >
      <head>
        {embedTheme === null && (
          // biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user input
          <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
        )}
      </head>
      <body className="min-h-screen font-sans">
        <ViewerProvider viewer={viewer}>{children}</ViewerProvider>
      </body>
    </html>
  );
}
