import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { bedEnv, uniqueName } from './bed-env';

describe('Kubernetes API server of the test bed', () => {
  const kubeconfig = new KubeConfig();
  let core: CoreV1Api;
  const namespace = uniqueName('testing-kube');
  const pvName = uniqueName('testing-pv');

  beforeAll(async () => {
    kubeconfig.loadFromFile(bedEnv('KUBECONFIG'));
    core = kubeconfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    // No namespace controller runs, so a deleted namespace would stay Terminating; names are unique instead.
    await core.deletePersistentVolume({ name: pvName }).catch(() => undefined);
  });

  it('has the default namespace and authenticates the kubeconfig token as dv-admin', async () => {
    expect((await core.readNamespace({ name: 'default' })).metadata?.name).toBe('default');
    expect(kubeconfig.getCurrentUser()?.token).toBe(bedEnv('KUBE_TOKEN'));
  });

  it('stores a PersistentVolume and a claim, and the claim can be marked Bound through the status subresource', async () => {
    await core.createPersistentVolume({
      body: {
        metadata: { name: pvName },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteMany'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: '',
          nfs: { server: '10.0.0.10', path: '/exports/datasets/imagenet', readOnly: true },
        },
      },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'imagenet' },
        spec: { accessModes: ['ReadWriteMany'], storageClassName: '', volumeName: pvName, resources: { requests: { storage: '1Gi' } } },
      },
    });

    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await core.patchNamespacedPersistentVolumeClaimStatus(
      { name: 'imagenet', namespace, body: { status: { phase: 'Bound', accessModes: ['ReadWriteMany'], capacity: { storage: '1Gi' } } } },
      mergePatch,
    );
    await core.patchPersistentVolumeStatus({ name: pvName, body: { status: { phase: 'Bound' } } }, mergePatch);

    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: 'imagenet', namespace });
    const pv = await core.readPersistentVolume({ name: pvName });
    expect(pvc.status).toMatchObject({ phase: 'Bound', capacity: { storage: '1Gi' } });
    expect(pvc.spec?.volumeName).toBe(pvName);
    expect(pv.status?.phase).toBe('Bound');
    expect(pv.spec?.nfs).toMatchObject({ server: '10.0.0.10', path: '/exports/datasets/imagenet' });
    // Without the StorageObjectInUseProtection admission plugin there are no finalizers to wait for.
    expect(pvc.metadata?.finalizers ?? []).toEqual([]);
    await core.deleteNamespacedPersistentVolumeClaim({ name: 'imagenet', namespace });
    await expect(core.readNamespacedPersistentVolumeClaim({ name: 'imagenet', namespace })).rejects.toMatchObject({ code: 404 });
  });

  it('accepts pods without a service account controller (they stay Pending: there is no scheduler or kubelet)', async () => {
    const pod = await core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'trainer' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
    });
    expect(pod.status?.phase).toBe('Pending');
  });
});
