import { type IdentityInput, VolumeRpc } from '@dv/contracts';
import { VolumeHarness, until } from './volume-harness';

/**
 * A description patch is a blind write (no version asked by the caller): one racing another patch, or
 * the reconciler writing the volume's status right after create, must not fail with the aggregate's
 * version CONFLICT (409 over HTTP) although nothing was wrong with it.
 */
const h = new VolumeHarness();
const dana: IdentityInput = { subjectId: 'dana', subjectType: 'user' };

beforeAll(async () => {
  await h.start();
  await h.grant('dana', 2256, 'project', 'p1');
  await h.originPvc(h.nsA, 'race-data');
}, 180_000);

afterAll(async () => {
  await h.stop();
}, 60_000);

it('applies concurrent patches of one volume, each with its own event, the last one standing', async () => {
  const created = await h.client.call(VolumeRpc.create, { name: 'raced', projectId: 'p1', originPvcName: 'race-data' }, { identity: dana });
  await until('Ready', async () =>
    (await h.client.call(VolumeRpc.get, { id: created.volume.id }, { identity: dana })).status.phase === 'Ready' ? true : undefined,
  );
  const outcomes = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => h.client.call(VolumeRpc.update, { id: created.volume.id, description: `patch ${i}` }, { identity: dana })),
  );
  expect(outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : String(o.reason)))).toEqual(Array.from({ length: 8 }, () => 'ok'));
  const revisions = outcomes.map((o) => (o.status === 'fulfilled' ? (o.value.revision.events ?? 0) : 0));
  expect(new Set(revisions).size).toBe(8);
  const last = outcomes[revisions.indexOf(Math.max(...revisions))];
  const final = await h.client.call(VolumeRpc.get, { id: created.volume.id }, { identity: dana });
  expect(last?.status === 'fulfilled' ? last.value.volume.description : undefined).toBe(final.description);
});

it('applies a patch made while the reconciler makes the new volume Ready', async () => {
  await h.originPvc(h.nsA, 'race-data-2');
  for (let i = 0; i < 5; i++) {
    const created = await h.client.call(VolumeRpc.create, { name: `fresh-${i}`, projectId: 'p1', originPvcName: 'race-data-2' }, { identity: dana });
    // Patched again and again from the moment it exists until it is Ready: every patch lands.
    for (;;) {
      const patched = await h.client.call(VolumeRpc.update, { id: created.volume.id, description: `at ${Date.now()}` }, { identity: dana });
      if (patched.volume.status.phase === 'Ready') break;
    }
  }
});
