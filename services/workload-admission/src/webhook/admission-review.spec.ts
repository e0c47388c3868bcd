import { allow, deny, subjectOf } from './admission-review';

describe('AdmissionReview answers', () => {
  it('allows without a patch when there is nothing to add, and with a base64 JSON patch otherwise', () => {
    expect(allow('u1')).toEqual({ uid: 'u1', allowed: true });
    expect(allow('u1', [])).toEqual({ uid: 'u1', allowed: true });
    const patch = [{ op: 'add' as const, path: '/spec/volumes/-', value: { name: 'v' } }];
    const answer = allow('u2', patch);
    expect(answer).toMatchObject({ uid: 'u2', allowed: true, patchType: 'JSONPatch' });
    expect(JSON.parse(Buffer.from(answer.patch ?? '', 'base64').toString('utf8'))).toEqual(patch);
  });

  it('denies with every reason and its code in the message the user sees', () => {
    expect(
      deny('u3', [
        { code: 'NOT_SHARED', message: 'not shared with p2' },
        { code: 'MOUNT_PATH_COLLISION', message: '/data is taken' },
      ]),
    ).toEqual({
      uid: 'u3',
      allowed: false,
      status: { code: 403, reason: 'Forbidden', message: 'data volumes: [NOT_SHARED] not shared with p2; [MOUNT_PATH_COLLISION] /data is taken' },
    });
  });

  it('takes the Kubernetes user as the subject: service accounts as such, invalid groups dropped', () => {
    expect(subjectOf({ username: 'alice@acme.example', groups: ['researchers', 'system:authenticated', 'has space'] })).toEqual({
      subjectId: 'alice@acme.example',
      subjectType: 'user',
      groups: ['researchers', 'system:authenticated'],
    });
    expect(subjectOf({ username: 'system:serviceaccount:team-a:trainer', groups: [] })?.subjectType).toBe('service-account');
    expect(subjectOf({ username: '', groups: [] })).toBeUndefined();
  });
});
