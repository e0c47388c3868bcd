import { DvError, type Revision, revisionSchema } from '@dv/contracts';
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

/**
 * For an ApiOperation's description: X-DV-At-Least is said there, not listed as a header parameter.
 * Whether a well-formed revision is taken depends on what the streams hold (one no write returned is
 * 400), which no schema can say, so a client generated from the description (Schemathesis) would send
 * valid-looking values that are refused.
 */
export const READS_YOUR_WRITES = `Read your writes: send ${AT_LEAST_HEADER} with the ${REVISION_HEADER} of an earlier write (JSON, e.g. {"events":12}) and the answer waits, bounded, until it is seen (a revision no write returned: 400).`;
/** For an ApiOperation: the response header of a write. */
export const REVISION_HEADERS: Readonly<Record<string, string>> = { [REVISION_HEADER]: REVISION_HEADER_DESCRIPTION };

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
  if (!parsed.success)
    return bad(
      `must be a revision, e.g. {"events":12}: ${parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')} ${i.message}` : i.message)).join('; ')}`,
    );
  return { atLeast: parsed.data };
}

/**
 * A service refuses an `atLeast` beyond what the streams hold (no write returned it) by the request's
 * field name; over HTTP that field is the header, so the refusal names the header.
 */
export function atLeastRefusalNamed(error: unknown): unknown {
  if (!(error instanceof DvError) || error.code !== 'VALIDATION_FAILED' || error.details?.['field'] !== 'atLeast') return error;
  return validationError([{ field: AT_LEAST_HEADER, message: error.message }]);
}
