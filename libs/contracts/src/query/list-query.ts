import { z } from 'zod';

/**
 * The reference's list conventions: `filterBy` items `field<op>value` with ops
 * `==  !=  <=  >=  =@ (contains)  !@ (not contains)  =^ (starts with)  =$ (ends with)`,
 * a free-text `search`, `sortBy`/`sortOrder`, and `offset`/`limit` paging.
 */
export const FILTER_OPERATORS = ['==', '!=', '<=', '>=', '=@', '!@', '=^', '=$'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface ParsedFilter {
  field: string;
  op: FilterOperator;
  value: string;
}

const FILTER_PATTERN = /^([A-Za-z][A-Za-z0-9_.]*)(==|!=|<=|>=|=@|!@|=\^|=\$)(.*)$/s;

export function parseFilter(raw: string): ParsedFilter | undefined {
  const match = FILTER_PATTERN.exec(raw);
  if (!match) return undefined;
  return { field: match[1] as string, op: match[2] as FilterOperator, value: match[3] as string };
}

export const filterItemSchema = z
  .string()
  .max(512)
  .refine((s) => parseFilter(s) !== undefined, { message: 'must be <field><op><value> with op one of == != <= >= =@ !@ =^ =$' });

export function listQuerySchema<const F extends readonly [string, ...string[]]>(fields: F, options: { maxLimit?: number; defaultLimit?: number } = {}) {
  const fieldSchema = z.enum(fields);
  return z.object({
    filterBy: z
      .array(filterItemSchema)
      .max(50)
      .default([])
      .superRefine((items, ctx) => {
        items.forEach((item, i) => {
          const parsed = parseFilter(item);
          if (parsed && !fieldSchema.safeParse(parsed.field).success) {
            ctx.addIssue({ code: 'custom', path: [i], message: `unknown filter field "${parsed.field}"; one of ${fields.join(', ')}` });
          }
        });
      }),
    search: z.string().max(256).optional(),
    sortBy: fieldSchema.optional(),
    sortOrder: z.enum(['asc', 'desc']).default('asc'),
    offset: z.number().int().min(0).default(0),
    limit: z
      .number()
      .int()
      .min(1)
      .max(options.maxLimit ?? 500)
      .default(options.defaultLimit ?? 50),
  });
}
