import { DvError, HEADERS, type Identity, type Principal } from '@dv/contracts';

/**
 * The one rule for who calls (docs/decisions/0018): a request is made by a user, an application or a
 * service account, named by the `dv-identity` header. A group is a subject of access rules, never a
 * caller: its members call, each with the groups their identity carries. So a request without an
 * identity, or with a group's, is UNAUTHENTICATED, for reads and writes alike, with one message shape
 * (what is wrong, then the header). Nothing is recorded for it: an unauthenticated request has no
 * actor (REFUSAL_CODES).
 */
export function callerPrincipal(identity: Identity | undefined): Principal {
  if (!identity) throw new DvError('UNAUTHENTICATED', `this request needs the caller identity (${HEADERS.identity} header)`, { reason: 'no-identity' });
  if (identity.subjectType === 'group') {
    throw new DvError(
      'UNAUTHENTICATED',
      `a group cannot be a caller (${HEADERS.identity} header): group ${identity.subjectId} is a subject of access rules; its members call as themselves`,
      {
        reason: 'group-caller',
      },
    );
  }
  return { subjectId: identity.subjectId, subjectType: identity.subjectType, groups: identity.groups };
}
