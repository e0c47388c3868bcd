import { SUBJECT_TYPES, type SubjectType } from '@dv/contracts';
import { GrantTable } from './grant-table';

/** A small seeded PRNG (mulberry32): every run makes the same operations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

type Model = Map<string, Map<number, number>>;
const keyOf = (type: SubjectType, id: string): string => `${type}\u0000${id}`;

function expectSame(table: GrantTable, model: Model, principals: readonly [SubjectType, string][]): void {
  const wrong: string[] = [];
  for (const [type, id] of principals) {
    const want = model.get(keyOf(type, id)) ?? new Map<number, number>();
    const got = table.entries(type, id);
    const same = got.length === want.size && got.every(([scope, mask]) => want.get(scope) === mask);
    if (!same || table.region(type, id) >= 0 !== want.size > 0) wrong.push(`${type} ${id}`);
    if (type === 'group' && table.groupRegion(id) !== table.region(type, id)) wrong.push(`group ${id} (groupRegion)`);
  }
  expect(wrong).toEqual([]);
  expect(table.principals).toBe(model.size);
}

describe('GrantTable', () => {
  it('keeps each principal to its own entries: same id under different subject types, odd, long and non-ASCII ids', () => {
    const table = new GrantTable();
    const ids = ['x', 'xy', 'u1', 'ü-ñ', '😀', 'a'.repeat(253), 'f3b8a1c2-0d4e-4f5a-9b6c-7d8e9f0a1b2c'];
    SUBJECT_TYPES.forEach((type, t) => ids.forEach((id, i) => table.set(type, id, t * 100 + i, t)));
    SUBJECT_TYPES.forEach((type, t) => ids.forEach((id, i) => expect(table.entries(type, id)).toEqual([[t * 100 + i, t]])));
    expect(table.region('user', 'x\u0000')).toBe(-1);
    expect(table.region('user', 'X')).toBe(-1);
    expect(table.region('user', '')).toBe(-1);
    expect(table.region('user', 'a'.repeat(252))).toBe(-1);
    expect(table.principals).toBe(SUBJECT_TYPES.length * ids.length);
  });

  it('sets, replaces and deletes entries, and drops a principal with its last one', () => {
    const table = new GrantTable();
    table.set('user', 'alice', 3, 1);
    table.set('user', 'alice', 7, 2);
    table.set('user', 'alice', 3, 5); // replaces the mask at scope 3
    expect(new Map(table.entries('user', 'alice'))).toEqual(
      new Map([
        [3, 5],
        [7, 2],
      ]),
    );
    expect(table.maskAt('user', 'alice', 3)).toBe(5);
    expect(table.maskAt('user', 'alice', 4)).toBe(-1);
    expect(table.delete('user', 'alice', 4)).toBe(false);
    expect(table.delete('group', 'alice', 3)).toBe(false);
    expect(table.delete('user', 'alice', 3)).toBe(true);
    expect(table.entries('user', 'alice')).toEqual([[7, 2]]);
    expect(table.delete('user', 'alice', 7)).toBe(true);
    expect(table.region('user', 'alice')).toBe(-1);
    expect(table.principals).toBe(0);
    table.set('user', 'alice', 9, 0); // and it can come back
    expect(table.entries('user', 'alice')).toEqual([[9, 0]]);
  });

  it('nearest finds the lowest marked level whose mask grants, and only below the bound', () => {
    const table = new GrantTable();
    const stride = 2;
    // Mask 0 grants bit 1 on resource 0; mask 1 grants bit 2 on resource 1.
    const masks = new Uint8Array([1, 0, 0, 2]);
    table.set('group', 'g', 10, 0);
    table.set('group', 'g', 11, 0);
    table.set('group', 'g', 12, 1);
    const levelOf = new Uint8Array(16);
    levelOf[12] = 1;
    levelOf[11] = 2;
    levelOf[10] = 3;
    const marked = Int32Array.from([12, 11, 10]);
    const region = table.groupRegion('g');
    expect(table.nearest(region, levelOf, marked, 3, masks, stride, 0, 1, 0xff)).toBe(2);
    expect(table.found).toBe(11);
    expect(table.nearest(region, levelOf, marked, 3, masks, stride, 1, 2, 0xff)).toBe(1);
    expect(table.found).toBe(12);
    expect(table.nearest(region, levelOf, marked, 3, masks, stride, 0, 1, 2)).toBe(2); // not strictly below the bound
    expect(table.nearest(region, levelOf, marked, 3, masks, stride, 0, 2, 0xff)).toBe(0xff);
    levelOf[11] = 0;
    marked[1] = -1;
    expect(table.nearest(region, levelOf, marked, 3, masks, stride, 0, 1, 0xff)).toBe(3);
    expect(table.found).toBe(10);
  });

  it('keeps entries sorted by scope and answers nearest the same by scan (few entries) and by binary search (many), through sets and deletes', () => {
    const random = rng(7);
    const stride = 3;
    // Mask m grants bit (1 << (m % 4)) on resource m % 3.
    const masks = new Uint8Array(stride * 16);
    for (let m = 0; m < 16; m++) masks[m * stride + (m % 3)] = 1 << (m % 4);
    const table = new GrantTable();
    const model = new Map<number, number>();
    const levelOf = new Uint8Array(4096);
    for (let step = 0; step < 6000; step++) {
      const scope = Math.floor(random() * 3000);
      if (random() < 0.65) {
        const mask = Math.floor(random() * 16);
        table.set('group', 'big', scope, mask);
        model.set(scope, mask);
      } else {
        table.delete('group', 'big', scope);
        model.delete(scope);
      }
      if (step % 50 !== 0) continue;
      const entries = table.entries('group', 'big');
      expect(entries.map(([sc]) => sc)).toEqual([...model.keys()].sort((a, b) => a - b));
      // A random ancestor chain of up to five scopes, some held and some not.
      const held = [...model.keys()];
      const chain = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        random() < 0.6 && held.length > 0 ? pick(random, held) : 3000 + Math.floor(random() * 1000),
      );
      const unique = [...new Set(chain)];
      const marked = Int32Array.from(unique);
      unique.forEach((sc, i) => (levelOf[sc] = i + 1));
      const r = Math.floor(random() * 3);
      const bit = 1 << Math.floor(random() * 4);
      let want = 0xff;
      let wantScope = -1;
      unique.forEach((sc, i) => {
        const mask = model.get(sc);
        if (want === 0xff && mask !== undefined && ((masks[mask * stride + r] as number) & bit) !== 0) {
          want = i + 1;
          wantScope = sc;
        }
      });
      const region = table.groupRegion('big');
      if (region >= 0) {
        expect(table.nearest(region, levelOf, marked, unique.length, masks, stride, r, bit, 0xff)).toBe(want);
        if (want !== 0xff) expect(table.found).toBe(wantScope);
      } else {
        expect(want).toBe(0xff);
      }
      unique.forEach((sc) => (levelOf[sc] = 0));
    }
    expect(model.size).toBeGreaterThan(16); // the binary-searched path was exercised
  });

  it('finds every principal through heavy churn at the highest load of its first slot table (deletions that shift probe chains, across the wrap-around)', () => {
    const random = rng(3);
    for (let run = 0; run < 20; run++) {
      const table = new GrantTable();
      const present = new Set<string>();
      const pool = Array.from({ length: 2000 }, (_, i) => `k${run}-${i}`);
      for (let step = 0; step < 4000; step++) {
        const id = pick(random, pool);
        if (present.has(id)) {
          table.delete('user', id, 1);
          present.delete(id);
        } else if (present.size < 510) {
          table.set('user', id, 1, 0);
          present.add(id);
        }
      }
      const lost = pool.filter((id) => table.region('user', id) >= 0 !== present.has(id));
      expect(lost).toEqual([]);
    }
  });

  it('agrees with a map after 100,000 random sets and deletes over 3,000 principals (regions moved, array repacked, slots rehashed and freed)', () => {
    const random = rng(42);
    const table = new GrantTable();
    const model: Model = new Map();
    const principals: [SubjectType, string][] = [];
    for (let i = 0; i < 3000; i++) {
      const type = SUBJECT_TYPES[i % SUBJECT_TYPES.length] as SubjectType;
      const id = i % 3 === 0 ? `p${i}` : i % 3 === 1 ? `${i}-${'z'.repeat(i % 40)}` : `é${i}`;
      principals.push([type, id]);
    }
    for (let step = 0; step < 100_000; step++) {
      // Phases: mostly adding, then mostly deleting, then adding again, so principals come and go.
      const phase = Math.floor(step / 25_000) % 2;
      const [type, id] = principals[Math.floor(random() * (random() < 0.5 ? 100 : principals.length))] as [SubjectType, string];
      const key = keyOf(type, id);
      const scope = Math.floor(random() * 60);
      if (random() < (phase === 0 ? 0.7 : 0.3)) {
        const mask = Math.floor(random() * 20);
        table.set(type, id, scope, mask);
        let scopes = model.get(key);
        if (!scopes) model.set(key, (scopes = new Map()));
        scopes.set(scope, mask);
      } else {
        const scopes = model.get(key);
        if (table.delete(type, id, scope) !== (scopes?.has(scope) ?? false)) throw new Error(`step ${step}: delete ${key} at ${scope} disagrees`);
        scopes?.delete(scope);
        if (scopes?.size === 0) model.delete(key);
      }
      if (step % 10_000 === 0) expectSame(table, model, principals);
    }
    expectSame(table, model, principals);
    // Empty it completely: every slot must be freed.
    for (const [type, id] of principals) for (const [scope] of table.entries(type, id)) table.delete(type, id, scope);
    expect(table.principals).toBe(0);
    for (const [type, id] of principals) expect(table.region(type, id)).toBe(-1);
  });
});
