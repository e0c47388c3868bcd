import { releaseKeys, usageKey } from './usage-key';

const REVIEW = '7b0c2a52-1f7e-4d55-9d0e-2f1a3c4b5d6e';

describe('usage keys', () => {
  it('keys a workload by the platform id when there is one, else by namespace, kind, group and name', () => {
    expect(usageKey({ kind: 'Workspace', name: 'nb', namespace: 'ns', projectId: 'p', workloadId: 'w-1' }, REVIEW)).toBe('id:w-1');
    expect(usageKey({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'serve', namespace: 'ns', projectId: 'p' }, REVIEW)).toBe('ns/Deployment.apps/serve');
    expect(usageKey({ apiVersion: 'v1', kind: 'Pod', name: 'trainer', namespace: 'ns', projectId: 'p' }, REVIEW)).toBe('ns/Pod/trainer');
  });

  it('gives an object named by Kubernetes after admission one record per admission', () => {
    expect(usageKey({ apiVersion: 'batch/v1', kind: 'Job', name: 'etl-*', namespace: 'ns', projectId: 'p' }, REVIEW)).toBe(`ns/Job.batch/etl-*${REVIEW}`);
  });

  it('finds the same identities from the platform events, which may carry no apiVersion', () => {
    expect(releaseKeys({ workloadId: 'w-1', name: 'serve', kind: 'Deployment', projectId: 'p', namespace: 'ns' })).toEqual([
      'id:w-1',
      'ns/Deployment.apps/serve',
    ]);
    expect(releaseKeys({ workloadId: 'w-2', name: 'trainer', kind: 'Pod', apiVersion: 'v1', projectId: 'p', namespace: 'ns' })).toEqual([
      'id:w-2',
      'ns/Pod/trainer',
    ]);
    expect(releaseKeys({ workloadId: 'w-3', name: 'nb', kind: 'Workspace', projectId: 'p', namespace: 'ns' })[1]).toBe('ns/Workspace.run.ai/nb');
  });
});
