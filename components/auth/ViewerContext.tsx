'use client';
// Who is looking at the page, for the chrome (the header's user menu, admin links). The server
// decides access on every request; this only shapes what is shown.
import { createContext, type ReactNode, useContext } from 'react';

export interface Viewer {
  email: string;
  name: string;
  role: 'admin' | 'merchandiser' | 'viewer';
  /** The scope in words ("Stores S-1, S-2 · Category Shoes"); empty when unrestricted. */
  scope: string;
}

const ViewerContext = createContext<Viewer | null>(null);

export function ViewerProvider({ viewer, children }: { viewer: Viewer | null; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

/** The signed-in user, or null (sign-in page, embeds). */
export function useViewer(): Viewer | null {
  return useContext(ViewerContext);
}
