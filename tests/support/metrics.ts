// Reads a process's /metrics (Prometheus text format) the way a scraper would.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = (value as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * Scrapes `url`; a web server's /metrics needs an admin session or the ops token in `headers`
 * (e.g. `await webClient(base).headers()`), a worker's is open.
 */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  if (!(res.headers.get('content-type') ?? '').startsWith('text/plain')) {
    throw new Error(`${url} is not in the Prometheus text format: ${res.headers.get('content-type')}`);
  }
  return parseMetrics(await res.text());
}

/** Sum of the samples named `name` whose labels include `labels` (0 when there are none). */
export function sum(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}

/** Samples named `name`, e.g. one per partition. */
export function all(samples: Sample[], name: string): Sample[] {
  return samples.filter((s) => s.name === name);
}
