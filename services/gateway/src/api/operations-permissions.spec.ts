import { NATS_PERMISSION_MANIFEST, manifestOf } from '@dv/contracts';
import { ALL_OPERATIONS } from './all-operations';

describe('the operations’ NATS subjects', () => {
  it('are ones the gateway’s NATS user may call, and some service serves', () => {
    const allowed = manifestOf('gateway').calls;
    const served = NATS_PERMISSION_MANIFEST.flatMap((m) => m.serves);
    const subjects = [...new Set(ALL_OPERATIONS.flatMap((op) => op.calls))];
    expect(subjects.filter((s) => !allowed.includes(s))).toEqual([]);
    expect(subjects.filter((s) => !served.includes(s))).toEqual([]);
  });

  it('have unique operation ids', () => {
    const ids = ALL_OPERATIONS.map((op) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});
