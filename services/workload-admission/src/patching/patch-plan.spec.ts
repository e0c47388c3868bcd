import { PatchPlan, readPath } from './patch-plan';
import { IMAGENET } from './testing/workload-patch-expectations';

describe('readPath', () => {
  const root = { spec: { groups: [{ name: 'a' }], text: 'x', empty: null } };

  it('reads through objects and arrays', () => {
    expect(readPath(root, ['spec', 'groups', 0, 'name'])).toEqual({ state: 'present', value: 'a' });
    expect(readPath(root, [])).toEqual({ state: 'present', value: root });
  });

  it('reports the first missing step, null counting as missing', () => {
    expect(readPath(root, ['spec', 'template', 'spec'])).toEqual({ state: 'absent', missing: ['spec', 'template'] });
    expect(readPath(root, ['spec', 'empty', 'x'])).toEqual({ state: 'absent', missing: ['spec', 'empty'] });
    expect(readPath(root, ['spec', 'groups', 3])).toEqual({ state: 'absent', missing: ['spec', 'groups', 3] });
  });

  it('reports a non-container on the way', () => {
    expect(readPath(root, ['spec', 'text', 'x'])).toEqual({ state: 'malformed', at: ['spec', 'text'], found: 'x' });
    expect(readPath(root, ['spec', 'groups', 'x'])).toEqual({ state: 'malformed', at: ['spec', 'groups'], found: [{ name: 'a' }] });
    expect(readPath(root, ['spec', 0])).toEqual({ state: 'malformed', at: ['spec'], found: root.spec });
  });
});

describe('PatchPlan', () => {
  it('records appends only when there is something to add and the way is clear', () => {
    const plan = new PatchPlan({ spec: { volumes: 'none', list: [] } }, [IMAGENET]);
    plan.append(['spec', 'list'], [], 'list');
    plan.append(['spec', 'missing', 'list'], [1], 'list');
    plan.append(['spec', 'volumes'], [1], 'volumes');
    plan.append(['spec', 'volumes', 'x'], [1], 'volumes');
    expect(plan.appends).toEqual([{ path: ['spec', 'missing', 'list'], items: [1] }]);
    expect(plan.problems).toEqual([
      { code: 'MALFORMED_WORKLOAD', message: '/spec/volumes must be an array, found a string (while reading volumes)', path: '/spec/volumes' },
      { code: 'MALFORMED_WORKLOAD', message: '/spec/volumes must be an object, found a string (while reading volumes)', path: '/spec/volumes' },
    ]);
  });

  it('tells a missing required object (NO_POD_SPEC) from a wrong one (MALFORMED_WORKLOAD)', () => {
    const plan = new PatchPlan({ spec: { template: [] } }, [IMAGENET]);
    expect(plan.requireObject(['spec', 'jobTemplate'], 'the job template')).toBeUndefined();
    expect(plan.requireObject(['spec', 'template'], 'the pod template')).toBeUndefined();
    expect(plan.objectEntry(['spec', 'template', 0], 'a container')).toBeUndefined();
    expect(plan.problems).toEqual([
      {
        code: 'NO_POD_SPEC',
        message: 'Missing the job template: /spec/jobTemplate is not set, so there is no pod description to mount data volumes into',
        path: '/spec/jobTemplate',
      },
      { code: 'MALFORMED_WORKLOAD', message: '/spec/template must be an object, found an array (while reading the pod template)', path: '/spec/template' },
      { code: 'MALFORMED_WORKLOAD', message: '/spec/template/0 must be an object, found null (while reading a container)', path: '/spec/template/0' },
    ]);
  });
});
