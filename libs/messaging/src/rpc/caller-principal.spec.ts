import { DvError } from '@dv/contracts';
import { callerPrincipal } from './caller-principal';

function refusal(run: () => unknown): DvError {
  try {
    run();
  } catch (error) {
    if (error instanceof DvError) return error;
    throw error;
  }
  throw new Error('expected a DvError');
}

describe('callerPrincipal (the one rule for who calls)', () => {
  it('gives users, applications and service accounts as they are, with their groups', () => {
    expect(callerPrincipal({ subjectId: 'dana', subjectType: 'user', groups: ['data-team'] })).toEqual({
      subjectId: 'dana',
      subjectType: 'user',
      groups: ['data-team'],
    });
    expect(callerPrincipal({ subjectId: 'ci-bot', subjectType: 'app', groups: [] })).toEqual({ subjectId: 'ci-bot', subjectType: 'app', groups: [] });
    expect(callerPrincipal({ subjectId: 'volume', subjectType: 'service-account', groups: [] })).toEqual({
      subjectId: 'volume',
      subjectType: 'service-account',
      groups: [],
    });
  });

  it('refuses a request without an identity, and a group, as UNAUTHENTICATED in one shape', () => {
    expect(refusal(() => callerPrincipal(undefined)).toBody()).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'this request needs the caller identity (dv-identity header)',
      details: { reason: 'no-identity' },
    });
    expect(refusal(() => callerPrincipal({ subjectId: 'data-team', subjectType: 'group', groups: [] })).toBody()).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'a group cannot be a caller (dv-identity header): group data-team is a subject of access rules; its members call as themselves',
      details: { reason: 'group-caller' },
    });
  });
});
