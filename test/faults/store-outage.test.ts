import { AuthzRpc, DvError } from '@dv/contracts';
import { HARNESS_ROOT, PlatformHarness, ensureBinaries, startFerret, waitFor } from '@dv/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningFerret } from '@dv/testing';

/**
 * Issue 12, finding 4: a write while the MongoDB-wire server is down answered INTERNAL. It must answer
 * UNAVAILABLE (retryable), change nothing, and once the server is back the same write succeeds with no
 * restart of the service. The services run as processes against a FerretDB of this test's own, which
 * the test kills (SIGKILL) and restarts on the same port with the same data.
 */
const h = new PlatformHarness();
let dir: string;
let ferretdb: string;
let store: RunningFerret;
let port: number;

async function startStore(): Promise<RunningFerret> {
  return startFerret({ binary: ferretdb, dir, port });
}

beforeAll(async () => {
  const binaries = await ensureBinaries({ builds: ['ferretdb'] });
  if (!binaries.ferretdb) throw new Error('no ferretdb binary');
  ferretdb = binaries.ferretdb;
  dir = await mkdtemp(join(tmpdir(), 'dv-store-outage-'));
  store = await startFerret({ binary: ferretdb, dir });
  port = Number(new URL(store.url).port);
  await h.start([], { MONGO_URL: store.url });
}, 120_000);

afterAll(async () => {
  await h.stop();
  await store.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

function grant(subjectId: string): Promise<unknown> {
  return h.client.call(
    AuthzRpc.createAccessRule,
    { subjectType: 'user', subjectId, roleId: 5, scopeType: 'project', scopeId: 'p1' },
    { identity: HARNESS_ROOT },
  );
}

it('a write while the store is down answers UNAVAILABLE, changes nothing, and succeeds once it is back', async () => {
  await grant('before-outage');
  await store.process.stop(0);

  let refusal: unknown;
  try {
    await grant('during-outage');
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(DvError);
  expect((refusal as DvError).code).toBe('UNAVAILABLE');

  store = await startStore();
  await waitFor(
    async () => {
      try {
        await grant('after-outage');
        return true;
      } catch (error) {
        if (error instanceof DvError && error.code === 'UNAVAILABLE') return false;
        throw error;
      }
    },
    { timeoutMs: 30_000, intervalMs: 250, what: 'the write to succeed once the store is back' },
  );
  const rules = await h.client.call(AuthzRpc.listAccessRules, { limit: 500, offset: 0, includeDeleted: true }, { identity: HARNESS_ROOT });
  const subjects = rules.accessRules.map((r) => r.subjectId).filter((s) => s.endsWith('-outage'));
  expect(subjects.sort()).toEqual(['after-outage', 'before-outage']);
}, 120_000);
