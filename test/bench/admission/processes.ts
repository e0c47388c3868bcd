// Memory and CPU of the processes of admission.bench.ts (Linux /proc): the resident set of a service,
// and the test bed's servers (children of this process) by name, to read their CPU time.
import { readFileSync, readdirSync } from 'node:fs';
import { processUsage } from '../harness/proc';

/** Resident set size now and at its peak (VmRSS, VmHWM of /proc/<pid>/status), in MiB; NaN where /proc is not available. */
export function residentMiB(pid: number): { rss_mib: number; peak_rss_mib: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    const mib = (k: number): number => Math.round((k / 1024) * 10) / 10;
    return { rss_mib: mib(kib('VmRSS')), peak_rss_mib: mib(kib('VmHWM')) };
  } catch {
    return { rss_mib: Number.NaN, peak_rss_mib: Number.NaN };
  }
}

const BED_SERVERS = ['nats-server', 'ferretdb', 'mongod', 'kube-apiserver', 'etcd'] as const;

/** The test bed's servers this process started (its direct children), by command name → pid. */
export function bedServerPids(): Record<string, number> {
  const found: Record<string, number> = {};
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const name = BED_SERVERS.find((n) => comm === n || comm.startsWith(n));
      if (ppid === process.pid && name) found[name] = Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/** CPU time (µs) used so far by each named process. */
export function cpuOf(pids: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) if (pid) out[name] = processUsage(pid).cpuUs;
  return out;
}
