import { z } from 'zod';
import { errorCodeSchema } from '../errors/error-code';

/**
 * What every refusal event carries: a write that was asked for and refused, with the typed error the
 * caller got. Nothing changed; the event exists so that the audit log records failed attempts too
 * (the reference's audit records have `result: Failed`). The caller is the envelope's actor, the
 * target scope its scope, and the entity (when known) its subject.
 */
export const refusalBaseSchema = z.object({
  /** The operation refused, in the audit log's words (create, update, delete, share, unshare, …). */
  operation: z.string().min(1).max(64),
  code: errorCodeSchema,
  message: z.string().max(2000),
});

/** The refusal's message, cut to what the event schema holds. */
export function refusalMessage(message: string): string {
  return message.length <= 2000 ? message : `${message.slice(0, 1997)}...`;
}

/**
 * The codes that mean "refused" (a business check said no; nothing changed): what a refusal event
 * records. UNAUTHENTICATED has no actor to record, UNAVAILABLE and INTERNAL are failures, not refusals.
 */
export const REFUSAL_CODES = ['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export function isRefusalCode(code: string): code is RefusalCode {
  return (REFUSAL_CODES as readonly string[]).includes(code);
}
