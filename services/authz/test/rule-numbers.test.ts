import { AuthzRpc, DvError } from '@dv/contracts';
import { AuthzHarness, ROOT } from './authz-harness';

/**
 * Rule numbers (the REST API's integer rule ids, issue 14): unique across replicas that create rules
 * at the same moment (each number is claimed by a unique `_id`, decision 0012's one trusted guard),
 * increasing, and usable wherever a rule id is (get, delete), on every replica.
 */
const h = new AuthzHarness();

beforeAll(async () => {
  await h.start(2);
}, 120_000);

afterAll(async () => {
  await h.stop();
});

describe('access rule numbers', () => {
  it('are unique when two replicas create rules at once, and a rule is found by its number', async () => {
    const made = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        h.client.call(
          AuthzRpc.createAccessRule,
          { subjectType: 'user', subjectId: `racer-${i}`, roleId: 7, scopeType: 'project', scopeId: 'p1' },
          { identity: ROOT },
        ),
      ),
    );
    const numbers = made.map((m) => m.rule.number);
    expect(numbers.every((n) => Number.isInteger(n) && (n ?? 0) > 0)).toBe(true);
    expect(new Set(numbers).size).toBe(made.length);
    // The queue group spreads the calls over both replicas, so they race for numbers (without the claim's unique `_id`, this test finds duplicates).
    const atLeast = { events: Math.max(...made.map((m) => m.revision.events ?? 0)) };
    // Asked twice each, spread over both replicas by the queue group.
    for (const { rule } of [...made.slice(0, 10), ...made.slice(0, 10)]) {
      const got = await h.client.call(AuthzRpc.getAccessRule, { id: String(rule.number), atLeast }, { identity: ROOT });
      expect(got).toMatchObject({ id: rule.id, number: rule.number, subjectId: rule.subjectId });
    }
    // A later rule gets a higher number than every one before it.
    const later = await h.grant('user', 'after-the-race', 7, 'project', 'p2');
    expect(later.rule.number).toBeGreaterThan(Math.max(...numbers.map((n) => n ?? 0)));
  });

  it('delete a rule by number; an unknown number is NOT_FOUND', async () => {
    const { rule } = await h.grant('user', 'by-number', 7, 'project', 'p3');
    const deleted = await h.client.call(AuthzRpc.deleteAccessRule, { id: String(rule.number) }, { identity: ROOT });
    expect(deleted.rule).toMatchObject({ id: rule.id, number: rule.number, status: 'deleted' });
    const error = await h.client.call(AuthzRpc.deleteAccessRule, { id: '987654321' }, { identity: ROOT }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DvError);
    expect((error as DvError).code).toBe('NOT_FOUND');
  });

  it('survive a restart: a replica started later knows the numbers and goes on after the highest', async () => {
    const before = await h.grant('user', 'before-restart', 7, 'project', 'p4');
    await h.addReplica();
    for (const replica of h.replicas.slice(0, 2)) await replica.stop();
    const after = await h.grant('user', 'after-restart', 7, 'project', 'p4');
    expect(after.rule.number).toBeGreaterThan(before.rule.number ?? 0);
    expect(await h.client.call(AuthzRpc.getAccessRule, { id: String(before.rule.number) }, { identity: ROOT })).toMatchObject({ id: before.rule.id });
  });
});
