import { UsageIndex, candidateState } from './usage-index';

const V = 'vol-1';
const W = 'vol-2';

describe('UsageIndex', () => {
  it('keeps the newest admission of a workload per volume, listed in key order', () => {
    const index = new UsageIndex();
    index.add([V], { key: 'ns/Pod/b', reviewId: 'r1', admittedAtMs: 10 });
    index.add([V, W], { key: 'ns/Pod/a', reviewId: 'r2', admittedAtMs: 20 });
    index.add([V], { key: 'ns/Pod/b', reviewId: 'r3', admittedAtMs: 30 });
    index.add([V], { key: 'ns/Pod/b', reviewId: 'r0', admittedAtMs: 5 }); // an older one handled late
    expect(index.candidates(V)).toEqual([
      { key: 'ns/Pod/a', reviewId: 'r2', admittedAtMs: 20 },
      { key: 'ns/Pod/b', reviewId: 'r3', admittedAtMs: 30 },
    ]);
    expect(index.candidates(W).map((c) => c.key)).toEqual(['ns/Pod/a']);
    expect(index.size).toBe(2);
  });

  it('a release ends the admissions before it, in every volume, not a later one', () => {
    const index = new UsageIndex();
    index.add([V, W], { key: 'id:w1', reviewId: 'r1', admittedAtMs: 10 });
    index.add([V], { key: 'id:w2', reviewId: 'r2', admittedAtMs: 50 });
    index.release(['id:w1', 'ns/Pod/x'], 20);
    index.release(['id:w2'], 40);
    expect(index.candidates(V).map((c) => c.key)).toEqual(['id:w2']);
    expect(index.candidates(W)).toEqual([]);
    expect(index.size).toBe(1);
  });

  it('drops a candidate only if it is still the one known', () => {
    const index = new UsageIndex();
    const old = { key: 'k', reviewId: 'r1', admittedAtMs: 10 };
    index.add([V], old);
    index.add([V], { key: 'k', reviewId: 'r2', admittedAtMs: 20 });
    index.drop(V, old);
    expect(index.candidates(V).map((c) => c.reviewId)).toEqual(['r2']);
  });
});

describe('candidateState', () => {
  const candidate = { key: 'k', reviewId: 'r2', admittedAtMs: 20 };
  const at = (ms: number) => new Date(ms);
  it('holds while the record uses the volume, whichever admission it holds', () => {
    expect(candidateState({ reviewId: 'r2', admittedAt: at(20), volumeIds: [V] }, candidate, V)).toBe('holds');
    expect(candidateState({ reviewId: 'r1', admittedAt: at(10), volumeIds: [V] }, candidate, V)).toBe('holds');
    expect(candidateState({ reviewId: 'r3', admittedAt: at(25), volumeIds: [W, V] }, candidate, V)).toBe('holds');
  });
  it('is gone once released, replaced by a newer admission without the volume, or released after it', () => {
    expect(candidateState({ reviewId: 'r2', admittedAt: at(20), volumeIds: [], releasedAt: at(30) }, candidate, V)).toBe('gone');
    expect(candidateState({ reviewId: 'r3', admittedAt: at(25), volumeIds: [W] }, candidate, V)).toBe('gone');
    expect(candidateState({ reviewId: '', admittedAt: at(0), volumeIds: [], releasedAt: at(20) }, candidate, V)).toBe('gone');
  });
  it('is pending while its record may still be written', () => {
    expect(candidateState(null, candidate, V)).toBe('pending');
    expect(candidateState({ reviewId: 'r1', admittedAt: at(10), volumeIds: [W] }, candidate, V)).toBe('pending');
    expect(candidateState({ reviewId: '', admittedAt: at(0), volumeIds: [], releasedAt: at(15) }, candidate, V)).toBe('pending');
  });
});
