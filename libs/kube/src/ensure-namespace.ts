import { type CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { isConflict } from './kube-error-status';
import { KubeError } from './kube-error';

/** What ensureNamespace did: made it, found it as wanted, or found it and added the missing labels. */
export type EnsureNamespaceResult = 'created' | 'exists' | 'labelled';

/**
 * Makes sure a namespace exists and carries the given labels. Idempotent and safe against a
 * concurrent creator (409 is success). Labels it finds with other values are set to ours; labels it
 * does not know are left alone.
 */
export async function ensureNamespace(core: CoreV1Api, name: string, labels: Record<string, string> = {}): Promise<EnsureNamespaceResult> {
  try {
    await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } });
    return 'created';
  } catch (error: unknown) {
    if (!isConflict(error)) throw KubeError.from(error, `create namespace ${name}`);
  }
  let existing: Record<string, string>;
  try {
    existing = (await core.readNamespace({ name })).metadata?.labels ?? {};
  } catch (error: unknown) {
    throw KubeError.from(error, `read namespace ${name}`);
  }
  const missing = Object.entries(labels).filter(([key, value]) => existing[key] !== value);
  if (missing.length === 0) return 'exists';
  try {
    await core.patchNamespace(
      { name, body: { metadata: { labels: Object.fromEntries(missing) } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (error: unknown) {
    throw KubeError.from(error, `label namespace ${name}`);
  }
  return 'labelled';
}
