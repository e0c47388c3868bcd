// The workloads of admission.bench.ts: the Pod a review is about, and the Pods created through the
// kube-apiserver with and without the data-volumes annotation; the check that a stored Pod carries the
// read-only mounts the webhook added.
import { type Binding, DATA_VOLUMES_ANNOTATION, type DataVolumeMount } from '@dv/contracts';
import { type V1Pod } from '@kubernetes/client-node';

const container = (name: string) => ({ name, image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] });

/** A small Pod (one container and one init container with a scratch emptyDir), as a JSON object. */
export function podObject(name: string, namespace?: string, annotations?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) },
    spec: { restartPolicy: 'Never', containers: [container('main')], initContainers: [container('fetch')], volumes: [{ name: 'scratch', emptyDir: {} }] },
  };
}

/** The same Pod for the Kubernetes client: with the data-volumes annotation (the mounts, or a raw value), or without any. */
export function kubePod(name: string, namespace: string, annotation: readonly DataVolumeMount[] | string | undefined): V1Pod {
  if (annotation === undefined) return podObject(name, namespace) as V1Pod;
  return podObject(name, namespace, { [DATA_VOLUMES_ANNOTATION]: typeof annotation === 'string' ? annotation : JSON.stringify(annotation) }) as V1Pod;
}

/**
 * Problems with a stored Pod that should carry every binding's PVC read-only, mounted read-only at its
 * path in every container and init container (empty when it does).
 */
export function mountProblems(pod: V1Pod, mounts: readonly DataVolumeMount[], bindings: readonly Binding[]): string[] {
  const problems: string[] = [];
  const volumes = pod.spec?.volumes ?? [];
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const mount of mounts) {
    const binding = bindings.find((b) => b.volumeId === mount.id);
    if (!binding) {
      problems.push(`no binding for volume ${mount.id}`);
      continue;
    }
    const volume = volumes.find((v) => v.persistentVolumeClaim?.claimName === binding.pvcName);
    if (!volume) {
      problems.push(`no pod volume with claim ${binding.pvcName}`);
      continue;
    }
    if (volume.persistentVolumeClaim?.readOnly !== true) problems.push(`pod volume ${volume.name} (claim ${binding.pvcName}) is not readOnly`);
    for (const c of containers) {
      const m = (c.volumeMounts ?? []).find((vm) => vm.name === volume.name);
      if (!m) problems.push(`container ${c.name} does not mount ${volume.name}`);
      else if (m.mountPath !== mount.mountPath || m.readOnly !== true)
        problems.push(`container ${c.name} mounts ${volume.name} at ${m.mountPath} readOnly=${String(m.readOnly)}, expected ${mount.mountPath} read-only`);
    }
  }
  return problems;
}
