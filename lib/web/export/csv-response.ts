import { toCsv } from './csv';
import { aboutRows, type Table, type ViewAbout } from './tiles';

/**
 * A tile's CSV as a download, its view named above the table, the file named after the tile and
 * the start of its range (`pulse-kpis-2026-03-01T0500.csv`).
 */
export function csvResponse(name: string, title: string, table: Table, view: ViewAbout): Response {
  const stamp = view.range.from.slice(0, 16).replaceAll(':', '');
  return new Response(toCsv(table.header, table.rows, aboutRows(title, view)), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}-${stamp}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
