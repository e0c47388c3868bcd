import { DvError, type Identity, type Principal } from '@dv/contracts';

/** Whom a check or review is about: the one named, or the caller with its token's groups. */
export function subjectOrCaller(
  subject: { subjectId: string; subjectType: Principal['subjectType']; groups?: string[] | undefined } | undefined,
  caller: Identity,
): Principal {
  if (subject !== undefined) return { subjectId: subject.subjectId, subjectType: subject.subjectType, groups: subject.groups ?? [] };
  // The gateway's callers are users and service accounts (identityFromClaims); never a group.
  if (caller.subjectType === 'group') throw DvError.forbidden('a group cannot call the API');
  return { subjectId: caller.subjectId, subjectType: caller.subjectType, groups: caller.groups };
}
