import { Tombstones } from './tombstones';

const MIN = 60_000;

describe('Tombstones', () => {
  it('keeps at most `max`, dropping the oldest deletions first', () => {
    const t = new Tombstones({ max: 3, retentionMs: 60 * MIN });
    for (let i = 1; i <= 5; i++) t.add(`v${i}`, 4, i * MIN);
    expect(t.size).toBe(3);
    expect(['v1', 'v2', 'v3', 'v4', 'v5'].map((id) => t.version(id))).toEqual([undefined, undefined, 4, 4, 4]);
    expect(t.horizon).toBe(2 * MIN);
  });

  it('keeps none older than the retention before the newest deletion (event times)', () => {
    const t = new Tombstones({ max: 100, retentionMs: 10 * MIN });
    t.add('old', 2, 0);
    t.add('mid', 2, 5 * MIN);
    t.add('new', 2, 12 * MIN);
    expect(t.version('old')).toBeUndefined();
    expect(t.version('mid')).toBe(2);
    expect(t.horizon).toBe(0);
  });

  it('admits only newer versions of what a view holds, and the deletion of the held version', () => {
    const t = new Tombstones();
    expect(t.admits('v', 3, false, 3, 0)).toBe(false);
    expect(t.admits('v', 2, false, 3, 0)).toBe(false);
    expect(t.admits('v', 3, true, 3, 0)).toBe(true);
    expect(t.admits('v', 4, false, 3, 0)).toBe(true);
  });

  it('refuses an event about a remembered deletion unless it is newer', () => {
    const t = new Tombstones();
    t.add('v', 5, 10 * MIN);
    expect(t.admits('v', 4, false, undefined, 11 * MIN)).toBe(false);
    expect(t.admits('v', 5, false, undefined, 11 * MIN)).toBe(false);
    expect(t.admits('v', 6, false, undefined, 11 * MIN)).toBe(true);
    expect(t.admitsAbout('v', 11 * MIN)).toBe(false);
  });

  it('refuses an event about an unknown aggregate made at or before the newest forgotten deletion, and admits a later one', () => {
    const t = new Tombstones({ max: 1, retentionMs: 60 * MIN });
    t.add('gone', 5, 10 * MIN);
    t.add('other', 3, 20 * MIN); // `gone` is forgotten: the horizon is its deletion time
    expect(t.version('gone')).toBeUndefined();
    // A late duplicate of one of `gone`'s events was made before its deletion: refused.
    expect(t.admits('gone', 2, false, undefined, 9 * MIN)).toBe(false);
    expect(t.admits('gone', 1, false, undefined, 10 * MIN)).toBe(false);
    expect(t.admitsAbout('gone', 9 * MIN)).toBe(false);
    // A volume created after the horizon is new.
    expect(t.admits('fresh', 1, false, undefined, 10 * MIN + 1)).toBe(true);
    expect(t.admitsAbout('fresh', 10 * MIN + 1)).toBe(true);
  });

  it('forgets a tombstone when the aggregate lives again', () => {
    const t = new Tombstones();
    t.add('v', 2, MIN);
    t.delete('v');
    expect(t.version('v')).toBeUndefined();
    expect(t.size).toBe(0);
  });
});
