// Document titles of the view pages. Pulse's own pages carry the brand; embeds, framed in a
// portal, do not: the title is what a screen reader announces on every navigation (Next's route
// announcer), and an embed shows no Pulse chrome.
import type { Metadata } from 'next';

/** A dynamic segment as text (Next hands it over percent-encoded; a malformed one stays as it is). */
function segmentText(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const titled = (text: string, embed: boolean): Metadata => ({ title: embed ? text : `${text} — Pulse` });

export const productTitle = (sku: string, embed = false) => titled(segmentText(sku), embed);
export const storeTitle = (id: string, embed = false) => titled(`Store ${segmentText(id)}`, embed);
/** An embed's own view (dashboard, product or store as the embed was made). */
export const EMBED_TITLE: Metadata = { title: 'Sales' };
/** The inventory page (Pulse's own pages only: it has no embed). */
export const INVENTORY_TITLE: Metadata = { title: 'Inventory — Pulse' };
/** The alerts page (Pulse's own pages only: it has no embed). */
export const ALERTS_TITLE: Metadata = { title: 'Alerts — Pulse' };
