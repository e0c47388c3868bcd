import { revisionSchema } from '@dv/contracts';
import { z } from 'zod';

/**
 * Request headers several operations read, by lower-case name, with the schema of their value: a
 * descriptor that names one (with a description only) gets this schema in the document, so that a
 * client (and Schemathesis) sends what the gateway takes. `X-DV-At-Least` is JSON of a revision,
 * unknown keys refused (src/http/revision-header.ts reads it).
 */
export const API_HEADER_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  'x-dv-at-least': z.strictObject(revisionSchema.shape),
};
