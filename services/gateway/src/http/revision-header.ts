import { type Revision, revisionSchema } from '@dv/contracts';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { validationError } from './validate';

/** A write's answer carries its revision here: JSON of the contract's revision object, e.g. `{"events":12}`. */
export const REVISION_HEADER = 'X-DV-Revision';
/** A read or check waits (bounded) until its service has seen at least this revision: the same JSON. */
export const AT_LEAST_HEADER = 'X-DV-At-Least';

export const REVISION_HEADER_DESCRIPTION = 'The revision of this write (JSON, e.g. {"events":12}): send it back as X-DV-At-Least to read your write.';
export const AT_LEAST_HEADER_DESCRIPTION =
  'Read your writes: the X-DV-Revision of an earlier write (JSON, e.g. {"events":12}); the answer waits, bounded, until the service has seen it.';

// Unknown keys refused (a typo would silently wait for nothing); a revision is a few dozen bytes.
const atLeastSchema = z.strictObject(revisionSchema.shape);
const MAX_HEADER_LENGTH = 256;

/** Sets `X-DV-Revision` on a write's answer. */
export function writeRevision(reply: FastifyReply, revision: Revision): void {
  void reply.header(REVISION_HEADER, JSON.stringify(revision));
}

/** `X-DV-At-Least` as `{atLeast}` to spread into a request (`{}` without the header); bad → 400 naming the header. */
export function atLeastOf(request: Pick<FastifyRequest, 'headers'>): { atLeast?: Revision } {
  const raw = request.headers[AT_LEAST_HEADER.toLowerCase()];
  if (raw === undefined) return {};
  const bad = (message: string): never => {
    throw validationError([{ field: AT_LEAST_HEADER, message }]);
  };
  if (typeof raw !== 'string') return bad('must be given once');
  if (raw.length > MAX_HEADER_LENGTH) return bad(`must be at most ${MAX_HEADER_LENGTH} characters`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return bad('must be JSON of a revision, e.g. {"events":12}');
  }
  const parsed = atLeastSchema.safeParse(json);
  if (!parsed.success) return bad(`must be a revision, e.g. {"events":12}: ${parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')} ${i.message}` : i.message)).join('; ')}`);
  return { atLeast: parsed.data };
}
