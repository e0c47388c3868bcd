import { type DataVolumeCondition, type DataVolumeStatus } from '@dv/contracts';

/** A condition as observed now, before it gets its transition time. */
export type ObservedCondition = Omit<DataVolumeCondition, 'lastTransitionTime'>;

/**
 * The conditions after an observation: observed ones replace stored ones of the same type, keeping
 * the stored lastTransitionTime when the status did not change; types not observed this time are kept.
 */
export function mergeConditions(stored: readonly DataVolumeCondition[], observed: readonly ObservedCondition[], now: string): DataVolumeCondition[] {
  const byType = new Map(stored.map((c) => [c.type, c]));
  for (const o of observed) {
    const previous = byType.get(o.type);
    const lastTransitionTime = previous && previous.status === o.status ? previous.lastTransitionTime : now;
    const next: DataVolumeCondition = { type: o.type, status: o.status, lastTransitionTime };
    if (o.reason !== undefined) next.reason = o.reason;
    if (o.message !== undefined) next.message = o.message;
    byType.set(o.type, next);
  }
  return [...byType.values()];
}

/** Whether two statuses say the same thing (transition times aside). */
export function sameStatus(a: DataVolumeStatus, b: DataVolumeStatus): boolean {
  const key = (s: DataVolumeStatus): string =>
    JSON.stringify([
      s.phase,
      s.phaseMessage ?? null,
      s.datavolumePvcName ?? null,
      s.datavolumePvName ?? null,
      s.conditions.map((c) => [c.type, c.status, c.reason ?? null, c.message ?? null]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ]);
  return key(a) === key(b);
}
