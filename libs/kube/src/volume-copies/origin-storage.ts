import { type DataVolumeStorage } from '@dv/contracts';
import { type V1PersistentVolume } from '@kubernetes/client-node';

/** PV spec fields that are not the volume source: the copy sets these itself. */
const NOT_SOURCE = new Set([
  'accessModes',
  'capacity',
  'claimRef',
  'mountOptions',
  'nodeAffinity',
  'persistentVolumeReclaimPolicy',
  'storageClassName',
  'volumeMode',
  'volumeAttributesClassName',
]);

/** What a volume records of its origin PV (as plain JSON: it is stored and put in events). */
export function storageOf(pv: V1PersistentVolume): DataVolumeStorage {
  const spec = plain(pv.spec ?? {});
  const source = Object.fromEntries(Object.entries(spec).filter(([key, value]) => !NOT_SOURCE.has(key) && value !== undefined && value !== null));
  const storage: DataVolumeStorage = {
    originPvName: pv.metadata?.name ?? '',
    capacity: String(pv.spec?.capacity?.['storage'] ?? ''),
    storageClassName: pv.spec?.storageClassName ?? '',
    accessModes: pv.spec?.accessModes ?? [],
    source,
  };
  if (pv.spec?.volumeMode) storage.volumeMode = pv.spec.volumeMode;
  if (pv.spec?.mountOptions && pv.spec.mountOptions.length > 0) storage.mountOptions = pv.spec.mountOptions;
  if (pv.spec?.nodeAffinity) storage.nodeAffinity = plain(pv.spec.nodeAffinity);
  return storage;
}

/** The client's model objects as plain JSON (camelCase keys, as the client serializes them back). */
function plain(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
