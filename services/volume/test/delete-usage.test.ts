import { type DataVolume, DvError, type IdentityInput, VolumeRpc, VolumeUsageRpc } from '@dv/contracts';
import { serveRpc } from '@dv/messaging';
import { type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { VolumeHarness, until } from './volume-harness';

/**
 * Delete asks workload admission (`dv.admission.usage`) whether the volume is in use. Admission does
 * not exist yet: a responder in this process, on the harness's own nats-server, plays it.
 */
const h = new VolumeHarness();
const DVA: IdentityInput = { subjectId: 'dana', subjectType: 'user' };
const asked: string[] = [];
let inUse: DataVolume;
let other: DataVolume;
/** The workload-admission user: the responder plays that service, in its queue group. */
let admissionNc: NatsConnection;

type Answer = { inUse: boolean; workloads: { namespace: string; name: string; kind: string }[] };

function admission(answer: Answer): Subscription {
  return serveRpc(
    admissionNc,
    VolumeUsageRpc.usage,
    async (request) => {
      asked.push(request.volumeId);
      return answer;
    },
    { queue: 'workload-admission' },
  );
}

async function stopAdmission(sub: Subscription): Promise<void> {
  sub.unsubscribe();
  await admissionNc.flush();
}

async function failure(promise: Promise<unknown>): Promise<DvError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DvError)) throw new Error(`expected a DvError, got ${String(error)}`);
  return error;
}

async function readyVolume(name: string): Promise<DataVolume> {
  await h.originPvc(h.nsA, name);
  const { volume } = await h.client.call(VolumeRpc.create, { name, projectId: 'p1', originPvcName: name, useOriginalVolume: false }, { identity: DVA });
  return until(`${name} Ready`, async () => {
    const v = await h.client.call(VolumeRpc.get, { id: volume.id }, { identity: DVA });
    return v.status.phase === 'Ready' ? v : undefined;
  });
}

/** The volume is untouched: still Ready, and its PV copy and PVC are still in the cluster. */
async function expectUntouched(volume: DataVolume): Promise<void> {
  const now = await h.client.call(VolumeRpc.get, { id: volume.id }, { identity: DVA });
  expect(now.status.phase).toBe('Ready');
  expect(now.version).toBe(volume.version);
  const pv = await h.core.readPersistentVolume({ name: volume.status.datavolumePvName ?? '' });
  expect(pv.metadata?.deletionTimestamp).toBeUndefined();
  const pvc = await h.core.readNamespacedPersistentVolumeClaim({ name: volume.status.datavolumePvcName ?? '', namespace: volume.namespace });
  expect(pvc.metadata?.deletionTimestamp).toBeUndefined();
}

beforeAll(async () => {
  await h.start();
  admissionNc = await h.connectAs('workload-admission');
  const granted = await h.grant('dana', 2256, 'project', 'p1');
  await h.client.call(VolumeRpc.count, { requestType: 'Originated', atLeast: granted }, { identity: DVA });
  inUse = await readyVolume('in-use');
  other = await readyVolume('other');
}, 180_000);

afterAll(async () => {
  await h.stop();
}, 60_000);

describe('delete asks workload admission whether the volume is in use', () => {
  it('"in use by workload X in namespace Y" refuses the delete naming the workloads, and nothing changes', async () => {
    const sub = admission({
      inUse: true,
      workloads: [
        { namespace: h.nsA, name: 'trainer', kind: 'Deployment' },
        { namespace: h.nsA, name: 'eval-7', kind: 'Job' },
      ],
    });
    try {
      const error = await failure(h.client.call(VolumeRpc.delete, { id: inUse.id }, { identity: DVA }));
      expect(error.code).toBe('PRECONDITION_FAILED');
      expect(error.message).toContain(`Deployment trainer in namespace ${h.nsA}`);
      expect(error.message).toContain(`Job eval-7 in namespace ${h.nsA}`);
      expect(error.details).toMatchObject({ id: inUse.id, reason: 'in-use', workloads: [{ name: 'trainer' }, { name: 'eval-7' }] });
      expect(asked).toContain(inUse.id);
    } finally {
      await stopAdmission(sub);
    }
    await expectUntouched(inUse);
    expect((await h.volumeEvents()).filter((e) => e.volumeId === inUse.id).map((e) => e.type)).toEqual(['dv.evt.volume.created.v1', 'dv.evt.volume.ready.v1']);
  }, 60_000);

  it('"not in use" lets the delete proceed: Deleting, then gone with its PV copy and PVC', async () => {
    const sub = admission({ inUse: false, workloads: [] });
    try {
      const { volume } = await h.client.call(VolumeRpc.delete, { id: inUse.id }, { identity: DVA });
      expect(volume.status.phase).toBe('Deleting');
    } finally {
      await stopAdmission(sub);
    }
    await until('volume gone', async () => {
      const error = await failure(h.client.call(VolumeRpc.get, { id: inUse.id }, { identity: DVA }));
      return error.code === 'NOT_FOUND' ? true : undefined;
    });
    const pv = await h.core.readPersistentVolume({ name: inUse.status.datavolumePvName ?? '' }).then(
      () => 'present',
      () => 'gone',
    );
    expect(pv).toBe('gone');
  }, 60_000);

  it('in required mode, with nobody answering, the delete is refused with a clear reason and nothing changes', async () => {
    await h.volume?.stop();
    h.volume = await h.startVolume({ VOLUME_USAGE_CHECK: 'required', VOLUME_USAGE_TIMEOUT_MS: '500' });
    const error = await failure(h.client.call(VolumeRpc.delete, { id: other.id }, { identity: DVA }));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toMatch(/cannot tell whether data volume other is in use \(workload admission does not answer\)/);
    expect(error.details).toMatchObject({ id: other.id, reason: 'usage-unknown' });
    await expectUntouched(other);

    // Once admission answers "not in use", the same delete goes through.
    const sub = admission({ inUse: false, workloads: [] });
    try {
      const { volume } = await h.client.call(VolumeRpc.delete, { id: other.id }, { identity: DVA });
      expect(volume.status.phase).toBe('Deleting');
    } finally {
      await stopAdmission(sub);
    }
  }, 90_000);
});
