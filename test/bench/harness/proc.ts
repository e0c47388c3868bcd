import { readFileSync } from 'node:fs';

/** What a process has used so far: CPU time and the read/write system calls it made (Linux /proc). */
export interface ProcessUsage {
  /** User + system CPU time, microseconds. */
  cpuUs: number;
  /** The system (kernel) part of cpuUs. */
  systemCpuUs: number;
  /** read-like and write-like system calls (/proc/<pid>/io syscr, syscw); NaN where /proc is not available. */
  readCalls: number;
  writeCalls: number;
}

function ioCounts(pid: number | 'self'): { readCalls: number; writeCalls: number } {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { readCalls: field('syscr'), writeCalls: field('syscw') };
  } catch {
    return { readCalls: Number.NaN, writeCalls: Number.NaN };
  }
}

/** This Node process: CPU from process.cpuUsage(), system calls from /proc/self/io. */
export function ownUsage(): ProcessUsage {
  const { user, system } = process.cpuUsage();
  return { cpuUs: user + system, systemCpuUs: system, ...ioCounts('self') };
}

/** Another process (the nats-server): CPU from /proc/<pid>/stat (clock ticks of 10 ms), system calls from /proc/<pid>/io. */
export function processUsage(pid: number): ProcessUsage {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    return { cpuUs: ((userTicks + systemTicks) * 1e6) / 100, systemCpuUs: (systemTicks * 1e6) / 100, ...ioCounts(pid) };
  } catch {
    return { cpuUs: Number.NaN, systemCpuUs: Number.NaN, readCalls: Number.NaN, writeCalls: Number.NaN };
  }
}

/** after - before, per operation. */
export function perOperation(before: ProcessUsage, after: ProcessUsage, operations: number): ProcessUsage {
  return {
    cpuUs: (after.cpuUs - before.cpuUs) / operations,
    systemCpuUs: (after.systemCpuUs - before.systemCpuUs) / operations,
    readCalls: (after.readCalls - before.readCalls) / operations,
    writeCalls: (after.writeCalls - before.writeCalls) / operations,
  };
}
