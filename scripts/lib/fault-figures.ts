// The fault suite's figures: each scenario writes a JSON file of what it did and what it
// compared (tests/faults/harness.ts recordFigures); the run ends with one line adding them up.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { root } from './processes';

/** Where tests/faults/harness.ts (FIGURES_DIR) writes them. */
const figuresDir = path.join(root, '.pulse', 'test-results', 'faults');

type Figures = Record<string, number | string>;

export async function readFigures(): Promise<Figures[]> {
  if (!existsSync(figuresDir)) return [];
  const files = (await readdir(figuresDir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(figuresDir, f), 'utf8')) as Figures));
}

/** The line quoted in release notes: what was done to the system and how many numbers differed. */
export function summaryLine(all: Figures[]): string {
  const sum = (key: string) => all.reduce((n, f) => n + (typeof f[key] === 'number' ? (f[key] as number) : 0), 0);
  const n = (key: string) => sum(key).toLocaleString('en-US');
  const mode = (key: string) => all.find((f) => typeof f[key] === 'string')?.[key] ?? '?';
  return (
    `Fault tests: ${n('messagesProduced')} messages produced (${n('distinctEvents')} distinct events counted, ` +
    `${n('duplicates')} duplicates, ${n('refunds')} refunds ${mode('refundsAre')}, ${n('late')} late, ` +
    `${n('future')} far-future ${mode('futureEventsAre')}, ${n('malformed')} malformed), ` +
    `${n('kills')} worker SIGKILLs, ${n('brokerRestarts')} broker restarts, ` +
    `${n('pgConnectionCuts')} PostgreSQL connection cuts (${n('pgOutages')} of them refusing connections for 8 s), ` +
    `${n('fuzzPayloads')} fuzzed payloads; ${n('valuesCompared')} values compared, differences: ${n('differences')}`
  );
}
