import { leaseUntil, retryDelayMs, scheduleAfter } from './reconcile-schedule';

describe('reconcile schedule', () => {
  const policy = { baseMs: 10_000, maxMs: 300_000, resyncMs: 600_000 };
  const now = Date.parse('2025-01-01T00:00:00.000Z');
  const at = (ms: number): string => new Date(now + ms).toISOString();

  it('backs off from the base, doubling per failure in a row, up to the cap', () => {
    expect([0, 1, 2, 3, 5, 6, 40, 5000].map((n) => retryDelayMs(n, policy))).toEqual([0, 10_000, 20_000, 40_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('after an attempt: Ready waits for the drift check and forgets the failures; anything else counts one more', () => {
    expect(scheduleAfter(true, 7, now, policy)).toEqual({ nextAttemptAt: at(600_000), attempts: 0 });
    expect(scheduleAfter(false, 0, now, policy)).toEqual({ nextAttemptAt: at(10_000), attempts: 1 });
    expect(scheduleAfter(false, 2, now, policy)).toEqual({ nextAttemptAt: at(40_000), attempts: 3 });
  });

  it('leases a due volume for at least the base delay, longer when it has failed before', () => {
    expect(leaseUntil(0, now, policy)).toBe(at(10_000));
    expect(leaseUntil(3, now, policy)).toBe(at(40_000));
  });

  it('orders due times as their ISO strings sort (what the sweep query compares)', () => {
    const times = [scheduleAfter(false, 4, now, policy), scheduleAfter(true, 0, now, policy), scheduleAfter(false, 0, now, policy)].map((s) => s.nextAttemptAt);
    expect([...times].sort()).toEqual([at(10_000), at(160_000), at(600_000)]);
  });
});
