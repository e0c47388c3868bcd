import { DATA_VOLUMES_ANNOTATION, type DataVolumeMount, dataVolumeMountListSchema, dataVolumeMountsSchema, summarizeIssues } from '@dv/contracts';

export type MountsOutcome = { ok: true; mounts: DataVolumeMount[] } | { ok: false; message: string };

/** The native kinds' storage list: `spec.storage.dataVolume: [{id, mountPath}]`. */
export function nativeMounts(workload: Record<string, unknown>): MountsOutcome {
  const spec = asObject(workload['spec']);
  const storage = asObject(spec?.['storage']);
  const list = storage?.['dataVolume'];
  if (list === undefined) return { ok: true, mounts: [] };
  // A volume or a path given twice is a denial of the review (MOUNT_PATH_COLLISION), not a malformed list.
  return parseMounts(list, 'spec.storage.dataVolume', dataVolumeMountListSchema);
}

/** The webhook annotation: a JSON list of `{id, mountPath}`. Absent: nothing to do. */
export function annotationMounts(workload: Record<string, unknown>): MountsOutcome {
  const annotations = asObject(asObject(workload['metadata'])?.['annotations']);
  const raw = annotations?.[DATA_VOLUMES_ANNOTATION];
  if (raw === undefined) return { ok: true, mounts: [] };
  if (typeof raw !== 'string') return { ok: false, message: `annotation ${DATA_VOLUMES_ANNOTATION} must be a string` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, message: `annotation ${DATA_VOLUMES_ANNOTATION} is not JSON: expected [{"id": "<data volume id>", "mountPath": "/absolute/path"}]` };
  }
  return parseMounts(parsed, `annotation ${DATA_VOLUMES_ANNOTATION}`);
}

function parseMounts(value: unknown, where: string, schema: typeof dataVolumeMountListSchema = dataVolumeMountsSchema): MountsOutcome {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, mounts: result.data };
  return { ok: false, message: `${where}: ${summarizeIssues(result.error)}` };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
