import { z } from 'zod';

export type FieldParse<T> = { ok: true; value: T } | { ok: false };

/** The schema of one environment variable: a string (or unset) in, a T out. */
export type EnvField<T> = z.ZodType<T, string | undefined>;

/**
 * Builds the schema of one environment variable: the trimmed string is parsed by `parse`, and a
 * value it rejects is reported as `expected` (loadConfig appends the offending value). Unset yields
 * `defaultValue`, or the issue "required" when there is none.
 */
export function envField<T extends string | number | boolean>(expected: string, parse: (raw: string) => FieldParse<T>, defaultValue?: T): EnvField<T> {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined) {
        if (defaultValue !== undefined) return defaultValue;
        ctx.addIssue('required');
        return z.NEVER;
      }
      const parsed = parse(raw.trim());
      if (parsed.ok) return parsed.value;
      ctx.addIssue(expected);
      return z.NEVER;
    });
}
