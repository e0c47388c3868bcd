import { type V1PersistentVolume } from '@kubernetes/client-node';
import { claimBindingProblem } from './claim-binding';

const pv = (claimRef?: { namespace?: string; name?: string; uid?: string }): V1PersistentVolume => ({
  metadata: { name: 'pv-a' },
  spec: claimRef ? { claimRef } : {},
});
const claim = { namespace: 'ns', name: 'data', uid: 'u-1' };

describe('claimBindingProblem', () => {
  it('accepts a PV bound to this very claim', () => {
    expect(claimBindingProblem(pv({ namespace: 'ns', name: 'data', uid: 'u-1' }), claim)).toBeUndefined();
  });

  it('refuses a PV bound to another claim, naming both', () => {
    expect(claimBindingProblem(pv({ namespace: 'other', name: 'payroll', uid: 'u-2' }), claim)).toBe(
      "pv 'pv-a' is bound to pvc 'other/payroll', not to pvc 'ns/data'",
    );
    expect(claimBindingProblem(pv({ namespace: 'ns', name: 'payroll', uid: 'u-1' }), claim)).toBe(
      "pv 'pv-a' is bound to pvc 'ns/payroll', not to pvc 'ns/data'",
    );
  });

  it('refuses a PV bound to an earlier claim of the same name, and one the binder has not completed', () => {
    expect(claimBindingProblem(pv({ namespace: 'ns', name: 'data', uid: 'u-0' }), claim)).toBe(
      "pv 'pv-a' is bound to another claim named 'ns/data' (uid u-0), not to this one (uid u-1)",
    );
    expect(claimBindingProblem(pv({ namespace: 'ns', name: 'data' }), claim)).toBe(
      "pv 'pv-a' names pvc 'ns/data' but is not bound to it yet (its claimRef has no uid)",
    );
  });

  it('refuses a PV bound to no claim', () => {
    expect(claimBindingProblem(pv(), claim)).toBe("pv 'pv-a' is not bound to any claim, not to pvc 'ns/data'");
    expect(claimBindingProblem(pv({ namespace: 'ns' }), claim)).toBe("pv 'pv-a' is not bound to any claim, not to pvc 'ns/data'");
  });

  it('compares namespace and name only when the claim’s uid is unknown (the claim is gone)', () => {
    expect(claimBindingProblem(pv({ namespace: 'ns', name: 'data', uid: 'u-9' }), { namespace: 'ns', name: 'data' })).toBeUndefined();
    expect(claimBindingProblem(pv({ namespace: 'ns', name: 'else', uid: 'u-9' }), { namespace: 'ns', name: 'data' })).toBe(
      "pv 'pv-a' is bound to pvc 'ns/else', not to pvc 'ns/data'",
    );
  });
});
