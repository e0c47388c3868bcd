import { httpRequest } from '@dv/testing';
import { readFileSync } from 'node:fs';

/** A process's resident set (MB) from /proc/<pid>/status; NaN where that is not available. */
export function residentMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const kb = Number(/^VmRSS:\s*(\d+)\s*kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return Number.NaN;
  }
}

/** The process's memory as its /metrics reports it (MB): resident, V8 heap used and reserved, external. */
export async function metricsMemoryMb(healthPort: number | undefined): Promise<Record<string, number>> {
  if (healthPort === undefined) return {};
  try {
    const { body } = await httpRequest(`http://127.0.0.1:${healthPort}/metrics`);
    const read = (name: string): number => Math.round((Number(new RegExp(`^${name} ([\\d.e+]+)$`, 'm').exec(body)?.[1]) / 1e6) * 10) / 10;
    return {
      rss: read('process_resident_memory_bytes'),
      heap_used: read('nodejs_heap_size_used_bytes'),
      heap_total: read('nodejs_heap_size_total_bytes'),
      external: read('nodejs_external_memory_bytes'),
    };
  } catch {
    return {};
  }
}
