import { z } from 'zod';
import { errorBodySchema, type ErrorBody } from '../errors/error-body';

/** Every reply on the wire: `{ok: true, data}` or `{ok: false, error: {code, message, details}}`. */
export type ReplyEnvelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Validates the outer shape; the data part is validated against the RPC's own reply schema. */
export const replyEnvelopeSchema = z.union([z.object({ ok: z.literal(true), data: z.unknown() }), z.object({ ok: z.literal(false), error: errorBodySchema })]);
