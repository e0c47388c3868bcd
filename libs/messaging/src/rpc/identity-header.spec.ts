import { identityHeader } from './identity-header';

describe('identityHeader', () => {
  it('writes the checked identity, with its default groups', () => {
    expect(JSON.parse(identityHeader({ subjectId: 'alice', subjectType: 'user' }))).toEqual({ subjectId: 'alice', subjectType: 'user', groups: [] });
  });

  it('checks an identity that is not frozen every time: a change between calls is in the next header', () => {
    const identity = { subjectId: 'alice', subjectType: 'user' as const, groups: ['g1'] };
    expect(JSON.parse(identityHeader(identity))).toMatchObject({ groups: ['g1'] });
    identity.groups.push('g2');
    expect(JSON.parse(identityHeader(identity))).toMatchObject({ groups: ['g1', 'g2'] });
    identity.subjectId = 'not an id';
    expect(() => identityHeader(identity)).toThrow();
  });

  it('keeps the header of a frozen identity with frozen groups, and checks it before keeping it', () => {
    const groups = ['g1'];
    Object.freeze(groups);
    const identity = Object.freeze({ subjectId: 'bob', subjectType: 'service-account' as const, groups });
    const first = identityHeader(identity);
    expect(identityHeader(identity)).toBe(first);
    expect(JSON.parse(first)).toEqual({ subjectId: 'bob', subjectType: 'service-account', groups: ['g1'] });
    const bad = Object.freeze({ subjectId: 'bad id', subjectType: 'user' as const, groups: Object.freeze([]) as unknown as string[] });
    expect(() => identityHeader(bad)).toThrow();
    expect(() => identityHeader(bad)).toThrow();
  });

  it('does not keep a frozen identity whose groups can still change', () => {
    const identity = Object.freeze({ subjectId: 'carol', subjectType: 'user' as const, groups: ['g1'] });
    identityHeader(identity);
    identity.groups.push('g2');
    expect(JSON.parse(identityHeader(identity))).toMatchObject({ groups: ['g1', 'g2'] });
  });
});
