import {
  AuditRpc,
  type AuditRecord,
  DATA_VOLUMES_ANNOTATION,
  type DataVolume,
  DvError,
  type IdentityInput,
  type RpcRequestInput,
  SharingRpc,
  VolumeRpc,
} from '@dv/contracts';
import { copyNames } from '@dv/kube';
import { HARNESS_ROOT, KubePlatformHarness, buildProjects, repoRoot, waitFor } from '@dv/testing';
import { join } from 'node:path';

/**
 * The product end to end, every service a real process, the Kubernetes side through the real
 * kube-apiserver and our webhook: a data volume administrator registers a dataset from a Bound PVC,
 * shares it with a department, a researcher there attaches it to a Pod with kubectl's kind of
 * request (the webhook mounts it read-only), a researcher of another department is refused, the
 * volume cannot be deleted while the Pod exists, and once the Pod is gone and the volume unshared it
 * is deleted, with its binding. The audit log tells the whole story, read back by the volume's id.
 * The services run from their production build (dist/, `nx build`), as in `npm start` and the image.
 */
const SERVICES = ['authz', 'sharing', 'volume', 'workload-admission', 'audit'];
const h = new KubePlatformHarness({ serviceMode: 'dist' });
const DANA: IdentityInput = { subjectId: 'dana', subjectType: 'user' }; // Data volume administrator in d1
const ROB = 'rob'; // L1 researcher in p2 (d1), a Kubernetes user too
const LEO = 'leo'; // L2 researcher in p3 (d2, the sibling department)
const DATA_VOLUME_ADMINISTRATOR = 2256;
const L1_RESEARCHER = 5;
const L2_RESEARCHER = 8;

let volume: DataVolume;

beforeAll(async () => {
  await buildProjects(SERVICES);
  // A webhook admission counts as in use without asking the API server for its first second only
  // (30 s by default: the time the API server may still take to store an admitted object).
  await h.startPlatform({ webhook: true, admissionEnv: { ADMISSION_USAGE_VERIFY_AFTER_MS: '1000' }, alsoRun: [{ name: 'audit' }] });
  await h.kubeUsers([ROB, LEO]);
  await h.grant('user', 'dana', DATA_VOLUME_ADMINISTRATOR, 'department', 'd1');
  await h.grant('user', ROB, L1_RESEARCHER, 'project', 'p2');
  await h.grant('user', LEO, L2_RESEARCHER, 'project', 'p3');
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
}, 60_000);

function pod(name: string, namespace: string, volumeId: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, annotations: { [DATA_VOLUMES_ANNOTATION]: JSON.stringify([{ id: volumeId, mountPath: '/datasets/coco' }]) } },
    spec: { containers: [{ name: 'train', image: 'pytorch/pytorch' }] },
  };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: number; body?: string };
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as { message?: string }) : {};
    return { code: e.code ?? 0, message: body.message ?? String(error) };
  }
  throw new Error('expected the API server to refuse');
}

async function dvError(promise: Promise<unknown>): Promise<DvError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DvError) return error;
    throw error;
  }
  throw new Error('expected a DvError');
}

describe("a data volume's life across the platform", () => {
  it('runs every service from its compiled build, not from TypeScript', () => {
    const commands = Object.fromEntries([...h.processes].map(([name, procs]) => [name, procs.map((p) => p.child.spawnargs.slice(1))]));
    expect(commands).toEqual(
      Object.fromEntries(SERVICES.map((name) => [name, [['--enable-source-maps', join(repoRoot(), 'dist/services', name, 'main.js')]]])),
    );
  });

  it('is registered from a Bound PVC in its project and becomes Ready with its own PV copy and PVC', async () => {
    await h.originPvc(h.namespaceOf('p1'), 'coco');
    const created = await h.client.call(
      VolumeRpc.create,
      { name: 'coco', description: 'COCO 2017', projectId: 'p1', originPvcName: 'coco', useOriginalVolume: false },
      { identity: DANA },
    );
    expect(created.volume.status.phase).toBe('Creating');
    volume = await waitFor(
      async () => {
        const v = await h.client.call(VolumeRpc.get, { id: created.volume.id }, { identity: DANA });
        return v.status.phase === 'Ready' ? v : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the volume to be Ready' },
    );
    const names = copyNames(volume.id, volume.name, h.namespaceOf('p1'));
    expect(volume.status).toMatchObject({ datavolumePvName: names.pvName, datavolumePvcName: names.pvcName });
    const pvc = await h.core.readNamespacedPersistentVolumeClaim({ name: names.pvcName, namespace: h.namespaceOf('p1') });
    expect(pvc.spec?.volumeName).toBe(names.pvName);
  });

  it('shared with department d1, is usable in its projects and refused in a sibling department, through the webhook', async () => {
    await h.share(volume.id, { add: [{ scopeType: 'department', scopeId: 'd1' }] });
    const usable = await h.client.call(
      VolumeRpc.list,
      { requestType: 'UsableInProject', usableInProjectId: 'p2', sortBy: 'name' },
      { identity: { subjectId: ROB, subjectType: 'user' } },
    );
    expect(usable.datavolumes.map((v) => v.id)).toEqual([volume.id]);

    // rob's Pod in p2 is stored with the volume mounted read-only, through a PVC bound in p2's namespace.
    const stored = (await h.as(ROB).create(pod('train-1', h.namespaceOf('p2'), volume.id))) as {
      spec: {
        volumes: { name: string; persistentVolumeClaim?: { claimName: string; readOnly?: boolean } }[];
        containers: { volumeMounts?: { mountPath: string; readOnly?: boolean }[] }[];
      };
    };
    const claim = stored.spec.volumes.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim;
    expect(claim?.readOnly).toBe(true);
    expect(stored.spec.containers[0]?.volumeMounts).toEqual([expect.objectContaining({ mountPath: '/datasets/coco', readOnly: true })]);
    const bound = await h.core.readNamespacedPersistentVolumeClaim({ name: claim?.claimName ?? '', namespace: h.namespaceOf('p2') });
    expect(bound.spec?.accessModes).toEqual(['ReadOnlyMany']);

    // leo (p3, department d2) is refused with our reason, and nothing is stored.
    const refused = await refusal(h.as(LEO).create(pod('peek', h.namespaceOf('p3'), volume.id)));
    expect(refused.code).toBe(403);
    expect(refused.message).toMatch(/NOT_SHARED/);
  });

  it('cannot be deleted while a Pod uses it; once the Pod is gone and it is unshared, it is deleted with its binding', async () => {
    const inUse = await dvError(h.client.call(VolumeRpc.delete, { id: volume.id }, { identity: DANA }));
    expect(inUse.code).toBe('PRECONDITION_FAILED');
    expect(inUse.message).toMatch(/train-1/);

    await h.core.deleteNamespacedPod({ name: 'train-1', namespace: h.namespaceOf('p2') });
    const unshared = await h.client.call(
      SharingRpc.update,
      { volumeId: volume.id, add: [], remove: [{ scopeType: 'department', scopeId: 'd1' }] },
      { identity: DANA },
    );
    expect(unshared.sharedScopes).toEqual([]);
    const usable = await h.client.call(
      VolumeRpc.list,
      { requestType: 'UsableInProject', usableInProjectId: 'p2', atLeast: unshared.revision },
      { identity: { subjectId: ROB, subjectType: 'user' } },
    );
    expect(usable.datavolumes).toEqual([]);

    // The delete check asks admission, which finds the webhook-admitted Pod gone from the API server.
    let lastRefusal = '';
    const deleting = await waitFor(
      async () => {
        try {
          return await h.client.call(VolumeRpc.delete, { id: volume.id }, { identity: DANA });
        } catch (error) {
          if (error instanceof DvError && error.code === 'PRECONDITION_FAILED') {
            lastRefusal = error.message;
            return undefined;
          }
          throw error;
        }
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the volume to be deletable' },
    ).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; last refusal: ${lastRefusal}`);
    });
    expect(deleting.volume.status.phase).toBe('Deleting');
    await waitFor(
      async () => {
        try {
          await h.client.call(VolumeRpc.get, { id: volume.id }, { identity: DANA });
          return undefined;
        } catch (error) {
          if (error instanceof DvError && error.code === 'NOT_FOUND') return true;
          throw error;
        }
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'the volume to be gone' },
    );
    // Its binding in p2 is released too (nobody uses it, the volume is gone).
    await waitFor(
      async () => {
        const claims = await h.core.listNamespacedPersistentVolumeClaim({ namespace: h.namespaceOf('p2') });
        return claims.items.length === 0 ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: "the binding PVC in p2's namespace to be removed" },
    );
  });

  it("is told in the audit log, in order, by one query on the volume's id", async () => {
    const query: RpcRequestInput<typeof AuditRpc.query> = {
      from: '2000-01-01T00:00:00Z',
      to: '2100-01-01T00:00:00Z',
      filterBy: [`relatedIds==${volume.id}`],
      sortBy: 'seq',
      sortOrder: 'asc',
      limit: 500,
    };
    const records = await waitFor(
      async () => {
        const page = await h.client.call(AuditRpc.query, query, { identity: HARNESS_ROOT });
        return page.records.some((r) => r.eventType === 'dv.evt.volume.deleted.v1') ? page.records : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: "the volume's deletion to reach the audit log" },
    );
    // What happened, as the people who did it: each step in this order (other records may sit between).
    const story: [string, string, string][] = [
      ['dv.evt.volume.created.v1', 'dana', 'Succeeded'],
      ['dv.evt.volume.ready.v1', 'volume', 'Succeeded'],
      ['dv.evt.volume.shared.v1', 'root', 'Succeeded'],
      ['dv.evt.workload.admitted.v1', ROB, 'Succeeded'],
      ['dv.evt.workload.denied.v1', LEO, 'Failed'],
      ['dv.evt.volume.refused.v1', 'dana', 'Failed'],
      ['dv.evt.volume.unshared.v1', 'dana', 'Succeeded'],
      ['dv.evt.volume.deleting.v1', 'dana', 'Succeeded'],
      ['dv.evt.volume.deleted.v1', 'volume', 'Succeeded'],
    ];
    expect(inOrder(records, story)).toEqual(story);
    expect(records.map((r) => r.seq)).toEqual([...records.map((r) => r.seq)].sort((a, b) => a - b));
    const denial = records.find((r) => r.eventType === 'dv.evt.workload.denied.v1');
    expect(JSON.stringify(denial?.details)).toMatch(/NOT_SHARED/);
    // The chain holds, also against the sealed copy on DV_AUDIT.
    const verified = await h.client.call(AuditRpc.verify, { againstStream: true }, { identity: HARNESS_ROOT });
    expect(verified).toMatchObject({ ok: true });
  });
});

/** The steps of `story` found in `records`, in order (a step counts once it follows the previous one). */
function inOrder(records: readonly AuditRecord[], story: readonly [string, string, string][]): [string, string, string][] {
  const found: [string, string, string][] = [];
  let at = 0;
  for (const step of story) {
    const index = records.findIndex((r, i) => i >= at && r.eventType === step[0] && r.subject === step[1] && r.result === step[2]);
    if (index < 0) break;
    found.push(step);
    at = index + 1;
  }
  return found;
}
