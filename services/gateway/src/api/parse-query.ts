import { z } from 'zod';
import { type FieldIssue, parseOrThrow, validationError } from '../http/validate';

/** A query string as Fastify parses it: repeated keys become arrays. */
export type RawQuery = Record<string, string | string[] | undefined>;

/**
 * A query string through an operation's query schema: `name[]` is `name`; a field whose schema is an
 * array takes the parameter once or repeated, any other field exactly once; unknown parameters are
 * refused by name. Values stay strings: a numeric field's schema converts them (`queryInt`).
 */
export function parseQuery<S extends z.ZodObject>(schema: S, raw: RawQuery): z.output<S> {
  const issues: FieldIssue[] = [];
  const input: Record<string, string | string[]> = {};
  for (const [given, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const key = given.endsWith('[]') ? given.slice(0, -2) : given;
    const field = schema.shape[key] as z.ZodType | undefined;
    if (field === undefined) {
      issues.push({ field: given, message: 'is not a parameter of this call' });
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    if (isArrayField(field)) {
      input[key] = [...((input[key] as string[] | undefined) ?? []), ...values];
    } else if (values.length !== 1 || input[key] !== undefined) {
      issues.push({ field: key, message: 'must be given once' });
    } else {
      input[key] = values[0] as string;
    }
  }
  if (issues.length > 0) throw validationError(issues);
  return parseOrThrow(schema, input, 'query');
}

function isArrayField(schema: z.ZodType): boolean {
  let s: z.ZodType = schema;
  // optional(), default(), nullable() wrap the array.
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodArray;
}

/**
 * The integer query parameters and their bounds: on the wire they are strings of digits, but the API
 * description says `integer` with these bounds (what a client sends), not the string pattern.
 */
export const queryIntegers = z.registry<{ min: number; max: number }>();

/** The largest query integer: nine digits at most, so it is always a safe integer. */
export const QUERY_INT_MAX = 999_999_999;

/** An integer query parameter (`offset`, `limit`): digits only, then the number's own bounds (at most QUERY_INT_MAX). */
export function queryInt(bounds: { min: number; max?: number }): z.ZodType<number, string> {
  const max = Math.min(bounds.max ?? QUERY_INT_MAX, QUERY_INT_MAX);
  const schema = z
    .string()
    .regex(/^\d{1,9}$/, `must be an integer from ${bounds.min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(bounds.min).max(max));
  queryIntegers.add(schema, { min: bounds.min, max });
  return schema;
}

/** A boolean query parameter: `true` or `false`. */
export const queryBool = z.enum(['true', 'false']).transform((v) => v === 'true');
