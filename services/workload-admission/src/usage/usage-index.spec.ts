import { type UsageCandidate, UsageIndex, candidateState } from './usage-index';

const V = 'vol-1';
const W = 'vol-2';
/** No record has expired in these cases unless a test says so. */
const NEVER = 0;

function candidateOf(key: string, reviewId: string, admittedAtMs: number): UsageCandidate {
  return { key, reviewId, admittedAtMs, workload: { kind: 'Pod', name: key, namespace: 'ns', projectId: 'p1' } };
}

describe('UsageIndex', () => {
  it('keeps the newest admission of a workload per volume, listed in key order', () => {
    const index = new UsageIndex();
    index.add([V], candidateOf('ns/Pod/b', 'r1', 10));
    index.add([V, W], candidateOf('ns/Pod/a', 'r2', 20));
    index.add([V], candidateOf('ns/Pod/b', 'r3', 30));
    index.add([V], candidateOf('ns/Pod/b', 'r0', 5)); // an older one handled late
    expect(index.candidates(V)).toEqual([candidateOf('ns/Pod/a', 'r2', 20), candidateOf('ns/Pod/b', 'r3', 30)]);
    expect(index.candidates(W).map((c) => c.key)).toEqual(['ns/Pod/a']);
    expect(index.size).toBe(2);
  });

  it('a release ends the admissions before it, in every volume, not a later one', () => {
    const index = new UsageIndex();
    index.add([V, W], candidateOf('id:w1', 'r1', 10));
    index.add([V], candidateOf('id:w2', 'r2', 50));
    index.release(['id:w1', 'ns/Pod/x'], 20);
    index.release(['id:w2'], 40);
    expect(index.candidates(V).map((c) => c.key)).toEqual(['id:w2']);
    expect(index.candidates(W)).toEqual([]);
    expect(index.size).toBe(1);
  });

  it('drops a candidate only if it is still the one known', () => {
    const index = new UsageIndex();
    const old = candidateOf('k', 'r1', 10);
    index.add([V], old);
    index.add([V], candidateOf('k', 'r2', 20));
    index.drop(V, old);
    expect(index.candidates(V).map((c) => c.reviewId)).toEqual(['r2']);
  });
});

describe('candidateState', () => {
  const candidate = candidateOf('k', 'r2', 20);
  const at = (ms: number) => new Date(ms);
  it('holds while the record uses the volume, whichever admission it holds', () => {
    expect(candidateState({ reviewId: 'r2', admittedAt: at(20), volumeIds: [V] }, candidate, V, NEVER)).toBe('holds');
    expect(candidateState({ reviewId: 'r1', admittedAt: at(10), volumeIds: [V] }, candidate, V, NEVER)).toBe('holds');
    expect(candidateState({ reviewId: 'r3', admittedAt: at(25), volumeIds: [W, V] }, candidate, V, NEVER)).toBe('holds');
  });
  it('is gone once released, replaced by a newer admission without the volume, or released after it', () => {
    expect(candidateState({ reviewId: 'r2', admittedAt: at(20), volumeIds: [], releasedAt: at(30) }, candidate, V, NEVER)).toBe('gone');
    expect(candidateState({ reviewId: 'r3', admittedAt: at(25), volumeIds: [W] }, candidate, V, NEVER)).toBe('gone');
    expect(candidateState({ reviewId: '', admittedAt: at(0), volumeIds: [], releasedAt: at(20) }, candidate, V, NEVER)).toBe('gone');
  });
  it('is pending while its record may still be written', () => {
    expect(candidateState(null, candidate, V, NEVER)).toBe('pending');
    expect(candidateState({ reviewId: 'r1', admittedAt: at(10), volumeIds: [W] }, candidate, V, NEVER)).toBe('pending');
    expect(candidateState({ reviewId: '', admittedAt: at(0), volumeIds: [], releasedAt: at(15) }, candidate, V, NEVER)).toBe('pending');
  });
  it('is gone when no record exists for an admission older than the retention of released records (released, then expired)', () => {
    expect(candidateState(null, candidate, V, 20)).toBe('pending');
    expect(candidateState(null, candidate, V, 21)).toBe('gone');
    // A record decides by itself, whatever its age.
    expect(candidateState({ reviewId: 'r1', admittedAt: at(10), volumeIds: [V] }, candidate, V, 1_000)).toBe('holds');
    expect(candidateState({ reviewId: 'r1', admittedAt: at(10), volumeIds: [W] }, candidate, V, 1_000)).toBe('pending');
  });
});
