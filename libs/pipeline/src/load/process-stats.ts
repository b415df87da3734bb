import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Sum of every `portcullis_consumer_lag` sample of a Prometheus text exposition (one instance:
 * the partitions it holds, every group), or `undefined` when the metric is absent.
 */
export function consumerLagOf(exposition: string): number | undefined {
  let sum: number | undefined;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith('portcullis_consumer_lag')) continue;
    const match = /^portcullis_consumer_lag(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match === null) continue;
    const value = Number(match[1]);
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** CPU time and resident memory of a process, from /proc. */
export interface ProcessSample {
  /** The process's own CPU (utime + stime). */
  readonly cpuSeconds: number;
  /** CPU of its children that exited and were waited for (cutime + cstime): the git processes a service or the git server spawns. */
  readonly childCpuSeconds: number;
  readonly rssBytes: number;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

/** `/proc/<pid>/stat` (utime + stime, cutime + cstime) and `/proc/<pid>/status` (VmRSS) → a sample; the fields after the `)` of the command name. */
export function parseProcStat(stat: string, status: string, ticks: number): ProcessSample {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 3 (state) is index 0: utime (14) is index 11, stime (15) 12, cutime (16) 13, cstime (17) 14.
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticks;
  const childCpuSeconds = (Number(fields[13]) + Number(fields[14])) / ticks;
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return { cpuSeconds, childCpuSeconds, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
}

/** The process's sample now; `undefined` once it has exited. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), readFileSync(`/proc/${pid}/status`, 'utf8'), ticksPerSecond());
  } catch {
    return undefined;
  }
}
