import { z } from 'zod';

/**
 * A free-text query parameter (`search`, `subjectIdFilter`): at most `max` characters and no NUL,
 * which the services' transport refuses in any request (decision 0015); its JSON Schema form beside it
 * (`.meta`, decision 0024) so the API description shows it (Schemathesis sent `%00` in `search` and was refused).
 */
export function queryText(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not hold a NUL character')
    .meta({ pattern: '^[^\\u0000]*$' });
}
