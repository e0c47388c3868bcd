import { applyPlan } from './apply-plan';

describe('applyPlan', () => {
  it('appends to existing arrays one item at a time, in order', () => {
    const workload = { spec: { volumes: [{ name: 'cache' }] } };
    expect(applyPlan(workload, [{ path: ['spec', 'volumes'], items: [{ name: 'a' }, { name: 'b' }] }])).toEqual({
      patched: { spec: { volumes: [{ name: 'cache' }, { name: 'a' }, { name: 'b' }] } },
      patch: [
        { op: 'add', path: '/spec/volumes/-', value: { name: 'a' } },
        { op: 'add', path: '/spec/volumes/-', value: { name: 'b' } },
      ],
    });
    expect(workload).toEqual({ spec: { volumes: [{ name: 'cache' }] } });
  });

  it('creates a missing array and the missing objects above it with a single add', () => {
    const workload = { spec: { taskSpec: { steps: [] } } };
    expect(applyPlan(workload, [{ path: ['spec', 'podTemplate', 'volumes'], items: [{ name: 'a' }] }])).toEqual({
      patched: { spec: { taskSpec: { steps: [] }, podTemplate: { volumes: [{ name: 'a' }] } } },
      patch: [{ op: 'add', path: '/spec/podTemplate', value: { volumes: [{ name: 'a' }] } }],
    });
  });

  it('walks through arrays by index and treats null as missing', () => {
    const workload = { spec: { groups: [{ template: { spec: { volumes: null } } }] } };
    expect(applyPlan(workload, [{ path: ['spec', 'groups', 0, 'template', 'spec', 'volumes'], items: [1] }]).patch).toEqual([
      { op: 'add', path: '/spec/groups/0/template/spec/volumes', value: [1] },
    ]);
  });

  it('does not share values between the patch and the patched object', () => {
    const { patched, patch } = applyPlan({}, [{ path: ['spec', 'list'], items: [{ name: 'a' }] }]);
    expect(patch[0]?.value).toEqual(patched['spec']);
    expect(patch[0]?.value).not.toBe(patched['spec']);
  });

  it('throws when a plan was not checked (planners check every shape first)', () => {
    expect(() => applyPlan({ spec: { list: 'x' } }, [{ path: ['spec', 'list'], items: [1] }])).toThrow('found no array');
    expect(() => applyPlan({ spec: [] }, [{ path: ['spec', 0, 'list'], items: [1] }])).toThrow('cannot create /spec/0');
  });
});
