import { type Identity, idSchema } from '@dv/contracts';
import { type JWTPayload } from 'jose';
import { z } from 'zod';

export interface ClaimPaths {
  /** Where the subject is (`sub`, or a dotted path such as `ext.user_id`). */
  subject: string;
  /** Where the groups are (an array of strings; absent means none). */
  groups: string;
}

const groupsSchema = z.array(idSchema).max(1000);

/**
 * The identity the services trust, from the claims of a verified token; undefined when the claims do
 * not make one (no subject, a subject or group that is not an identifier): such a token is as good as
 * none. A token of the client-credentials grant names its client as subject (`sub` equals
 * `client_id`: no user signed in): that is a service account, which has no groups.
 */
export function identityFromClaims(payload: JWTPayload, paths: ClaimPaths): Identity | undefined {
  const subject = idSchema.safeParse(claimAt(payload, paths.subject));
  if (!subject.success) return undefined;
  const clientId = payload['client_id'];
  if (typeof clientId === 'string' && clientId === subject.data) {
    return { subjectId: subject.data, subjectType: 'service-account', groups: [] };
  }
  const rawGroups = claimAt(payload, paths.groups);
  const groups = groupsSchema.safeParse(rawGroups ?? []);
  if (!groups.success) return undefined;
  return { subjectId: subject.data, subjectType: 'user', groups: [...new Set(groups.data)] };
}

function claimAt(payload: JWTPayload, path: string): unknown {
  let at: unknown = payload;
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
