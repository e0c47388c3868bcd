import { httpRequest } from './http-request';

/** What a service's projection (StreamProjection of @dv/messaging) says on its /metrics. */
export interface ProjectionMetrics {
  /** The last sequence applied, per stream. */
  applied: { events: number; platform: number };
  ready: boolean;
  /** What the view holds, per part (volumes, tombstones, scopes…). */
  sizes: Record<string, number>;
}

/** Reads the dv_projection_* series of a service's health port; throws when it has none (no projection). */
export async function projectionMetrics(healthPort: number): Promise<ProjectionMetrics> {
  const { status, body } = await httpRequest(`http://127.0.0.1:${healthPort}/metrics`);
  if (status !== 200) throw new Error(`/metrics answered ${status}`);
  const value = (pattern: RegExp): number | undefined => {
    const match = pattern.exec(body);
    return match ? Number(match[1]) : undefined;
  };
  const events = value(/^dv_projection_applied_sequence\{stream="events"\} (\d+)$/m);
  const platform = value(/^dv_projection_applied_sequence\{stream="platform"\} (\d+)$/m);
  const ready = value(/^dv_projection_ready (\d+)$/m);
  if (events === undefined || platform === undefined || ready === undefined) throw new Error(`no projection metrics on port ${healthPort}`);
  const sizes: Record<string, number> = {};
  for (const m of body.matchAll(/^dv_projection_size\{part="([^"]+)"\} (\d+)$/gm)) sizes[m[1] ?? ''] = Number(m[2]);
  return { applied: { events, platform }, ready: ready === 1, sizes };
}
