// Summary of a V8 .cpuprofile (written by the worker under --profile): self time per
// function and per origin (project file, npm package, Node internals, GC/idle), so the
// report says where a worker's CPU goes without opening DevTools.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  /** Sampled CPU time (idle excluded); shares below are of this. */
  cpuSeconds: number;
  byOrigin: { origin: string; share: number }[];
  topFunctions: { fn: string; share: number }[];
}

function origin(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return 'node internals';
  const local = url.match(/\/work\/[^/]+\/((?:lib|workers|scripts)\/[^?]+)/) ?? url.match(/((?:lib|workers)\/[^?]+)$/);
  if (local) return local[1] as string;
  return path.basename(url);
}

const NOT_CPU = new Set(['(idle)', '(program)']);

/**
 * Summarises the busiest profile in `dir`. Why "busiest": tsx runs its module loader on a
 * second thread, and each thread writes its own .cpuprofile.
 */
export async function summarizeProfile(dir: string): Promise<ProfileSummary | null> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.cpuprofile'));
  let best: ProfileSummary | null = null;
  let bestBusy = -1;
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
    const { summary, busyUs } = summarizeOne(profile, path.join(dir, file));
    if (busyUs > bestBusy) {
      best = summary;
      bestBusy = busyUs;
    }
  }
  return best;
}

function summarizeOne(profile: CpuProfile, file: string): { summary: ProfileSummary; busyUs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node: sum of the time deltas of the samples that landed on it.
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || NOT_CPU.has(node.callFrame.functionName)) continue;
    busy += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const o = origin(url, functionName);
    origins.set(o, (origins.get(o) ?? 0) + us);
    // tsx-compiled project files report generated-code lines: only package lines mean anything.
    const line = url.includes('node_modules') ? `:${lineNumber + 1}` : '';
    const fn = `${functionName || '(anonymous)'} ${o}${line}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  // Shares of CPU time (idle excluded), not of wall time.
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => [k, v / (busy || 1)] as const);
  return {
    busyUs: busy,
    summary: {
      file,
      seconds: (profile.endTime - profile.startTime) / 1e6,
      cpuSeconds: busy / 1e6,
      byOrigin: top(origins, 12).map(([o, share]) => ({ origin: o, share })),
      topFunctions: top(functions, 15).map(([fn, share]) => ({ fn, share })),
    },
  };
}
