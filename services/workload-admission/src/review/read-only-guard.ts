import { type DenialReason } from '@dv/contracts';

/**
 * A workload may also name a data volume's PVC directly (a binding PVC in its namespace, or a
 * volume's read-only copy in its origin namespace) instead of asking through the annotation. Shared
 * data is read-only: every such `persistentVolumeClaim` must say `readOnly: true`, and so must every
 * `volumeMounts` entry of that volume name. The walk is generic (any kind keeps pod volumes as
 * `{name, persistentVolumeClaim: {claimName}}`), so it holds for kinds the patcher knows and for any
 * layout they may grow; a mount name reused in another pod description of the same object is checked
 * too (conservative).
 */
export function writableDataVolumeReferences(workload: unknown, protectedClaims: ReadonlySet<string>): DenialReason[] {
  if (protectedClaims.size === 0) return [];
  const volumeNames = new Map<string, string>(); // pod volume name → claim
  const reasons: DenialReason[] = [];
  walk(workload, '', (node, path) => {
    const pvc = node['persistentVolumeClaim'];
    if (typeof pvc !== 'object' || pvc === null || Array.isArray(pvc)) return;
    const claim = (pvc as Record<string, unknown>)['claimName'];
    if (typeof claim !== 'string' || !protectedClaims.has(claim)) return;
    if (typeof node['name'] === 'string') volumeNames.set(node['name'], claim);
    if ((pvc as Record<string, unknown>)['readOnly'] !== true) {
      reasons.push({
        code: 'NOT_READ_ONLY',
        path: `${path}/persistentVolumeClaim`,
        message: `PVC ${claim} holds a shared data volume: mount it with persistentVolumeClaim.readOnly: true (or ask for it with the dv.platform/data-volumes annotation)`,
      });
    }
  });
  if (volumeNames.size === 0) return reasons;
  walk(workload, '', (node, path) => {
    const mounts = node['volumeMounts'];
    if (!Array.isArray(mounts)) return;
    mounts.forEach((mount: unknown, i) => {
      if (typeof mount !== 'object' || mount === null) return;
      const m = mount as Record<string, unknown>;
      const claim = typeof m['name'] === 'string' ? volumeNames.get(m['name']) : undefined;
      if (claim && m['readOnly'] !== true) {
        reasons.push({
          code: 'NOT_READ_ONLY',
          path: `${path}/volumeMounts/${i}`,
          message: `volume mount ${String(m['name'])} (PVC ${claim}, a shared data volume) must be readOnly: true`,
        });
      }
    });
  });
  return reasons;
}

function walk(value: unknown, path: string, visit: (node: Record<string, unknown>, path: string) => void, depth = 0): void {
  if (depth > 64 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}/${i}`, visit, depth + 1));
    return;
  }
  const node = value as Record<string, unknown>;
  visit(node, path);
  for (const [key, child] of Object.entries(node)) walk(child, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, visit, depth + 1);
}
