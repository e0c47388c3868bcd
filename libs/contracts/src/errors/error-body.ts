import { z } from 'zod';
import { errorCodeSchema } from './error-code';

/** What crosses the wire for an error: a code, a human message, and structured details. Never a stack. */
export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
