import { DvError, type Identity, type Principal } from '@dv/contracts';

/** The caller as the subject of a decision it asks about itself (a token never names a group). */
export function principalOf(caller: Identity): Principal {
  const { subjectType } = caller;
  if (subjectType === 'group') throw new DvError('UNAUTHENTICATED', 'a group is never a caller');
  return { subjectId: caller.subjectId, subjectType, groups: caller.groups };
}
