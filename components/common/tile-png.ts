// A tile as a PNG image for slides, drawn in the browser without a library: its title, range and
// as-of, its charts (Recharts' SVG, serialised with the computed colours and drawn to a canvas)
// and its rows (a table's, a legend's or the key figures') as a plain table.

/** What the image says above the tile's figures. */
export interface TileCaption {
  title: string;
  /** "1 Mar 2026, 09:31 – 10:31 (Europe/Paris)". */
  range: string;
  /** "as of 10:30:12", or null before the first count. */
  asOf: string | null;
}

const SCALE = 2;
const PAD = 24;
const ROW_HEIGHT = 22;
const MAX_COLUMN = 320;
/** Recharts surfaces at least this tall are charts; smaller ones are the key figures' sparklines. */
const MIN_CHART_HEIGHT = 80;
/** The computed properties an SVG needs once outside the page's style sheets (colours come from CSS variables). */
const SVG_STYLE = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stop-color',
  'stop-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
];

const visible = (el: Element) => el.getClientRects().length > 0;

/** The text a sighted reader sees in `el`: screen-reader-only text left out, white space collapsed. */
function shownText(el: Element): string {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let text = '';
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement?.closest('.sr-only')) text += `${node.textContent ?? ''} `;
  }
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The tile's rows as cells: a table's rows, else a list's items (legends), else its inner
 * sections (the key figures); each cell the text of one child element.
 */
export function tileRows(tile: HTMLElement): string[][] {
  for (const selector of ['tr', 'li', 'section']) {
    const rows = [...tile.querySelectorAll(selector)].filter(visible);
    if (rows.length === 0) continue;
    return rows
      .map((row) => [...row.children].filter(visible).map(shownText).filter(Boolean))
      .filter((cells) => cells.length > 0);
  }
  return [];
}

/** `svg` with the computed style of every element written inline, sized as on screen. */
function standaloneSvg(svg: SVGSVGElement, width: number, height: number): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((original, i) => {
    const computed = getComputedStyle(original);
    const style = SVG_STYLE.map((p) => `${p}:${computed.getPropertyValue(p)}`).join(';');
    copies[i]?.setAttribute('style', style);
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  return new XMLSerializer().serializeToString(clone);
}

interface Chart {
  image: HTMLImageElement;
  width: number;
  height: number;
}

async function chartImage(svg: SVGSVGElement): Promise<Chart> {
  const { width, height } = svg.getBoundingClientRect();
  const blob = new Blob([standaloneSvg(svg, width, height)], { type: 'image/svg+xml;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return { image, width, height };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The first opaque background colour from `el` up (a tile's card, else the page's). */
function backgroundOf(el: Element | null): string {
  for (let node = el; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour && colour !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(colour)) return colour;
  }
  return '#ffffff';
}

const NUMERIC = /^[^A-Za-z]*\d[^A-Za-z]*$/;

/** The tile drawn as a PNG: caption, charts, then rows. */
export async function tilePng(tile: HTMLElement, caption: TileCaption): Promise<Blob> {
  const charts = await Promise.all(
    [...tile.querySelectorAll<SVGSVGElement>('svg.recharts-surface')]
      .filter((svg) => visible(svg) && svg.getBoundingClientRect().height >= MIN_CHART_HEIGHT)
      .map(chartImage),
  );
  const rows = tileRows(tile);
  const style = getComputedStyle(tile);
  const font = style.fontFamily || 'sans-serif';
  const ink = style.color;
  const muted = getComputedStyle(document.documentElement).getPropertyValue('--muted-foreground').trim() || ink;

  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw images');
  ctx.font = `13px ${font}`;
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.min(MAX_COLUMN, Math.max(...rows.map((r) => ctx.measureText(r[c] ?? '').width))),
  );
  const tableWidth = widths.reduce((sum, w) => sum + w + 16, 0);
  const width = Math.ceil(
    Math.max(480, tile.getBoundingClientRect().width, tableWidth + 2 * PAD, ...charts.map((c) => c.width + 2 * PAD)),
  );
  const height = Math.ceil(
    PAD + 52 + charts.reduce((sum, c) => sum + c.height + 12, 0) + rows.length * ROW_HEIGHT + PAD,
  );

  canvas.width = width * SCALE;
  canvas.height = height * SCALE;
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = backgroundOf(tile);
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'top';

  ctx.fillStyle = ink;
  ctx.font = `600 16px ${font}`;
  ctx.fillText(caption.title, PAD, PAD);
  ctx.fillStyle = muted;
  ctx.font = `12px ${font}`;
  ctx.fillText([caption.range, caption.asOf].filter(Boolean).join(' · '), PAD, PAD + 24);

  let y = PAD + 52;
  for (const chart of charts) {
    ctx.drawImage(chart.image, PAD, y, chart.width, chart.height);
    y += chart.height + 12;
  }
  ctx.font = `13px ${font}`;
  ctx.fillStyle = ink;
  for (const row of rows) {
    let x = PAD;
    row.forEach((cell, c) => {
      const w = widths[c] ?? 0;
      const right = c > 0 && NUMERIC.test(cell);
      ctx.textAlign = right ? 'right' : 'left';
      ctx.fillText(cell, right ? x + w : x, y + 4, w);
      x += w + 16;
    });
    y += ROW_HEIGHT;
  }

  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The image could not be made'))), 'image/png'),
  );
}

/** Save `blob` as a file named `filename` (the browser's download). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // Revoked a while later, not at once: the browser may read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
