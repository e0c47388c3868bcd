import { identityFromClaims } from './identity-from-claims';

const paths = { subject: 'sub', groups: 'groups' };

describe('identityFromClaims', () => {
  it('takes a user with their groups from the configured claims', () => {
    expect(identityFromClaims({ sub: 'dana@acme.example', client_id: 'console', groups: ['data-admins'] }, paths)).toEqual({
      subjectId: 'dana@acme.example',
      subjectType: 'user',
      groups: ['data-admins'],
    });
    expect(
      identityFromClaims(
        { sub: 'x', ext: { user: 'alice@acme.example', teams: ['researchers', 'researchers'] } },
        { subject: 'ext.user', groups: 'ext.teams' },
      ),
    ).toEqual({
      subjectId: 'alice@acme.example',
      subjectType: 'user',
      groups: ['researchers'],
    });
  });

  it('has no groups when the claim is absent', () => {
    expect(identityFromClaims({ sub: 'oscar@acme.example' }, paths)).toEqual({ subjectId: 'oscar@acme.example', subjectType: 'user', groups: [] });
  });

  it('makes a service account of a client-credentials token (its subject is its client), without groups', () => {
    expect(identityFromClaims({ sub: 'c0ffee', client_id: 'c0ffee', groups: ['admins'] }, paths)).toEqual({
      subjectId: 'c0ffee',
      subjectType: 'service-account',
      groups: [],
    });
  });

  it('makes nothing of a missing or malformed subject or groups claim', () => {
    expect(identityFromClaims({}, paths)).toBeUndefined();
    expect(identityFromClaims({ sub: '' }, paths)).toBeUndefined();
    expect(identityFromClaims({ sub: 'has space' }, paths)).toBeUndefined();
    expect(identityFromClaims({ sub: 'a', groups: 'admins' }, paths)).toBeUndefined();
    expect(identityFromClaims({ sub: 'a', groups: ['ok', 42] }, paths)).toBeUndefined();
    expect(identityFromClaims({ sub: 'a', groups: ['*'] }, paths)).toBeUndefined();
    expect(identityFromClaims({ sub: 'a' }, { subject: 'sub.inner', groups: 'groups' })).toBeUndefined();
    expect(identityFromClaims({ sub: 'a', groups: Array.from({ length: 1001 }, (_, i) => `g${i}`) }, paths)).toBeUndefined();
  });
});
