import { z } from 'zod';
import { nameApiSchema } from './api-schema-names';

/** The platform's error body on every non-2xx answer (src/http/http-error.ts makes it): the HTTP status again, a message, details. */
export const httpErrorBodySchema = nameApiSchema(
  z.object({
    code: z.number().int().min(400).max(599).describe('The HTTP status again.'),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional().describe('Structured details; for 400, `issues: [{field, message}]` naming each bad field.'),
  }),
  'Error',
);
