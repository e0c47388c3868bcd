import { waitFor } from '@dv/testing';
import { GatewayHarness } from './gateway-harness';
import { type PublicVolume, expectBadFields, expectErrorBody } from './http-expect';

/**
 * `GET /api/dv/v1/projects/{projectId}/pvcs` (the console's PVC picker, an extension: the platform we
 * mirror lists no PVCs): the Bound PVCs of the project's namespace with size and storage class, read
 * from the real kube-apiserver by the volume service, authorized like create.
 */
const h = new GatewayHarness();
let dana: string; // Data volume administrator in department d1 (p1, p2)
let carol: string; // L2 researcher in p3: reads volumes, creates none

const DATA_VOLUME_ADMINISTRATOR = 2256;
const L2_RESEARCHER = 8;

interface PvcList {
  projectId: string;
  namespace: string;
  pvcs: { name: string; capacity: string; storageClassName: string; volumeName: string }[];
}

beforeAll(async () => {
  ({ dana, carol } = (await h.startAll({
    name: 'project-pvcs',
    rules: [
      ['group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'department', 'd1'],
      ['user', 'carol@acme.example', L2_RESEARCHER, 'project', 'p3'],
    ],
    users: ['dana', 'carol'],
  })) as { dana: string; carol: string });
}, 30 * 60_000);

afterAll(() => h.stopAll(), 60_000);

describe('GET /api/dv/v1/projects/{projectId}/pvcs', () => {
  it("lists only the Bound PVCs of the project's namespace, with size and storage class, not the platform's copies", async () => {
    const namespace = h.namespaceOf('p1');
    await h.originPvc(namespace, 'imagenet');
    await h.originPvc(namespace, 'pending-one', { bound: false });
    await h.originPvc(h.namespaceOf('p2'), 'elsewhere');
    // A volume with its own copy: its copy PVC (labelled with the volume id) lands in p1's namespace too.
    await h.originPvc(namespace, 'coco');
    const created = await h.http('POST', '/api/v1/datavolumes', {
      token: dana,
      body: { name: 'coco', projectId: 'p1', originPvcName: 'coco', useOriginalVolume: false },
    });
    expect(created.status).toBe(201);
    const copy = await waitFor(
      async () => {
        const v = (await h.http('GET', `/api/v1/datavolumes/${(created.body as PublicVolume).id}`, { token: dana })).body as PublicVolume & {
          status: { datavolumePvcName?: string };
        };
        return v.status.phase === 'Ready' ? v.status.datavolumePvcName : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'coco to be Ready' },
    );
    const claims = await h.core.listNamespacedPersistentVolumeClaim({ namespace });
    expect(claims.items.map((c) => c.metadata?.name).sort()).toEqual(['coco', copy, 'imagenet', 'pending-one'].sort());

    const answer = await h.http('GET', '/api/dv/v1/projects/p1/pvcs', { token: dana });
    expect(answer.status).toBe(200);
    const list = answer.body as PvcList;
    expect(list).toMatchObject({ projectId: 'p1', namespace });
    expect(list.pvcs).toEqual([
      { name: 'coco', capacity: '5Gi', storageClassName: 'nfs-data', volumeName: expect.stringContaining('origin-coco-'), createdAt: expect.any(String) },
      {
        name: 'imagenet',
        capacity: '5Gi',
        storageClassName: 'nfs-data',
        volumeName: expect.stringContaining('origin-imagenet-'),
        createdAt: expect.any(String),
      },
    ]);
  });

  it('is refused to whoever may not create data volumes in the project', async () => {
    expectErrorBody(await h.http('GET', '/api/dv/v1/projects/p3/pvcs', { token: carol }), 403);
    // dana administers data volumes in d1 only: p3 lies in d2.
    expectErrorBody(await h.http('GET', '/api/dv/v1/projects/p3/pvcs', { token: dana }), 403);
    expectErrorBody(await h.http('GET', '/api/dv/v1/projects/p2/pvcs', {}), 401);
  });

  it('answers 404 for a project that does not exist and 400 for a malformed id', async () => {
    expectErrorBody(await h.http('GET', '/api/dv/v1/projects/no-such-project/pvcs', { token: dana }), 404);
    expectBadFields(await h.http('GET', '/api/dv/v1/projects/-p1/pvcs', { token: dana }), ['projectId']);
  });
});
