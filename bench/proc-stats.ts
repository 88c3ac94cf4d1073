// Linux /proc readings: memory and CPU time of single processes, and machine-wide CPU use.
// Read-only and best-effort: a process that has exited reads as null.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export const CLOCK_TICKS = 100; // USER_HZ; 100 on every mainstream Linux build

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Resident set size now, bytes. */
export const rssBytes = (pid: number) => statusField(pid, 'VmRSS');
/** Peak resident set size since the process started ("high water mark"), bytes. */
export const peakRssBytes = (pid: number) => statusField(pid, 'VmHWM');

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may itself contain spaces).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime
  } catch {
    return null;
  }
}

export function sumCpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
}

export interface CpuSample {
  busy: number;
  total: number;
}

/** Machine-wide jiffies from /proc/stat; diff two samples for the busy share. */
export function machineCpu(): CpuSample | null {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const values = first.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

/** Share of all cores busy between two samples, 0..1. */
export function busyShare(a: CpuSample | null, b: CpuSample | null): number | null {
  if (!a || !b || b.total === a.total) return null;
  return (b.busy - a.busy) / (b.total - a.total);
}

/** Busy share of the machine over `ms`: other load makes every figure of the run slower. */
export async function backgroundLoad(ms = 1000): Promise<number | null> {
  const a = machineCpu();
  await new Promise((r) => setTimeout(r, ms));
  return busyShare(a, machineCpu());
}

export const cores = () => os.availableParallelism();

export function mib(bytes: number | null): string {
  return bytes === null ? '–' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
