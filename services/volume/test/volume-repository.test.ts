import { connectMongo } from '@dv/persistence';
import { randomUUID } from 'node:crypto';
import { type Connection } from 'mongoose';
import { type VolumeDoc } from '../src/volumes/volume.model';
import { VolumeRepository } from '../src/volumes/volume.repository';

/**
 * The volume repository against the real MongoDB-wire server: every write to the volumes goes
 * through revision claims (decision 0012), the reconciler's schedule after an unreachable API server
 * included; the queries the service asks return what they say.
 */
let connection: Connection;
let volumes: VolumeRepository;
const dbName = `volume_repo_${randomUUID().slice(0, 8)}`;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through the workspace jest config`);
  return value;
}

function volume(id: string, fields: Partial<VolumeDoc> = {}): Omit<VolumeDoc, 'version' | 'outbox' | 'rev'> {
  const at = '2026-12-06T10:00:00.000Z';
  return {
    _id: id,
    nameKey: `c1/${id}`,
    name: id,
    projectId: 'p1',
    projectName: 'project one',
    departmentId: 'd1',
    clusterId: 'c1',
    namespace: 'ns1',
    originPvcName: 'origin',
    useOriginalVolume: true,
    storage: {
      originPvName: 'pv-origin',
      capacity: '1Gi',
      storageClassName: 'standard',
      accessModes: ['ReadWriteOnce'],
      source: { hostPath: { path: '/data' } },
    },
    createdAt: at,
    createdBy: 'dana',
    updatedAt: at,
    updatedBy: 'dana',
    status: { phase: 'Creating', conditions: [] },
    ...fields,
  };
}

beforeAll(async () => {
  connection = await connectMongo({ url: env('MONGO_URL'), dbName });
  volumes = new VolumeRepository(connection);
});

afterAll(async () => {
  await connection?.dropDatabase().catch(() => undefined);
  await connection?.close();
});

it('moves the schedule after an unreachable API server by a claimed revision, only at the version read', async () => {
  const stored = await volumes.insert(volume('v-schedule'), () => []);
  expect(stored.rev).toBe(1);
  await volumes.reschedule('v-schedule', stored.version, { nextAttemptAt: '2026-12-06T10:05:00.000Z', attempts: 1 });
  // A stored change is a revision (decision 0012): a plain update of the head would leave rev at 1,
  // and a guarded writer racing it could have its change undone by it.
  expect(await volumes.read('v-schedule')).toMatchObject({ nextAttemptAt: '2026-12-06T10:05:00.000Z', attempts: 1, rev: 2, version: 1 });
  // Someone changed the volume meanwhile: the schedule is not written over it.
  await volumes.update('v-schedule', 1, { $set: { description: 'changed' } }, () => []);
  await volumes.reschedule('v-schedule', 1, { nextAttemptAt: '2026-12-06T11:00:00.000Z', attempts: 2 });
  expect(await volumes.read('v-schedule')).toMatchObject({
    nextAttemptAt: '2026-12-06T10:05:00.000Z',
    attempts: 1,
    description: 'changed',
    version: 2,
    rev: 3,
  });
  // Gone meanwhile: nothing to schedule, and no error.
  await expect(volumes.reschedule('v-missing', 1, { nextAttemptAt: '2026-12-06T11:00:00.000Z', attempts: 1 })).resolves.toBeUndefined();
});

it('answers the name, due and project queries from the stored volumes', async () => {
  await volumes.insert(volume('v-due-1', { projectId: 'p2', nextAttemptAt: '2026-12-06T09:00:00.000Z', attempts: 2 }), () => []);
  await volumes.insert(volume('v-due-2', { projectId: 'p2' }), () => []);
  await volumes.insert(volume('v-later', { projectId: 'p2', nextAttemptAt: '2026-12-07T00:00:00.000Z', purging: true }), () => []);

  const due = await volumes.due('2026-12-06T12:00:00.000Z', 10);
  expect(due.filter((d) => d._id.startsWith('v-due') || d._id === 'v-later')).toEqual([
    { _id: 'v-due-2' },
    { _id: 'v-due-1', nextAttemptAt: '2026-12-06T09:00:00.000Z', attempts: 2 },
  ]);
  expect((await volumes.idsInProject('p2')).sort()).toEqual(['v-due-1', 'v-due-2', 'v-later']);
  expect((await volumes.inProject('p2')).map((v) => v.name).sort()).toEqual(['v-due-1', 'v-due-2', 'v-later']);
  expect(await volumes.nameHolder('c1/v-later')).toEqual({ _id: 'v-later', purging: true });
  expect(await volumes.nameHolder('c1/nobody')).toBeNull();
  expect(await volumes.nameKeyTakenByOther('c1/v-later', 'v-later')).toBe(false);
  expect(await volumes.nameKeyTakenByOther('c1/v-later', 'v-due-1')).toBe(true);
});
