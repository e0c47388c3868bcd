import { type IdentityInput, identitySchema } from '@dv/contracts';

/**
 * The `dv-identity` header of an identity, checked and written. A frozen identity object (and its
 * groups) cannot change, so its header is kept and reused: the gateway's token cache gives one per
 * token, deeply frozen, and its hottest calls skip both steps. Any other object is checked every time.
 */
const identityHeaders = new WeakMap<object, string>();
export function identityHeader(identity: IdentityInput): string {
  const frozen = Object.isFrozen(identity) && (identity.groups === undefined || Object.isFrozen(identity.groups));
  const kept = frozen ? identityHeaders.get(identity) : undefined;
  if (kept !== undefined) return kept;
  const header = JSON.stringify(identitySchema.parse(identity));
  if (frozen) identityHeaders.set(identity, header);
  return header;
}
