import { type AccessRule, DvError, accessRuleSchema } from '@dv/contracts';
import { z } from 'zod';

/** The reference's rule status; ours is `active` or `deleted` (docs/decisions/0022). */
export const accessRuleStatusSchema = z.object({
  phase: z.enum(['Creating', 'Ready', 'NotReady', 'Deleting']),
  message: z.string(),
});

/**
 * An access rule as the reference shows it: our rule with its number as the integer `id` (our uuid
 * stays inside), `status` as the reference's phase object, `updatedAt` (the deletion time of a deleted
 * rule, else its creation), and `scopePath` on a rule got by id.
 */
export const publicAccessRuleSchema = accessRuleSchema.omit({ id: true, number: true, status: true }).extend({
  id: z.number().int().positive().describe('The rule id (an integer).'),
  updatedAt: z.string(),
  status: accessRuleStatusSchema,
  scopePath: z.string().optional().describe('The ids of the scope and its ancestors below the system, `/`-separated (get by id only).'),
});
export type PublicAccessRule = z.output<typeof publicAccessRuleSchema>;

export function publicAccessRule(rule: AccessRule & { scopePath?: string | undefined }): PublicAccessRule {
  const { id, number, status, ...fields } = rule;
  // Every rule is numbered when made (authz's AccessRuleWriter); one without a number is a fault of ours.
  if (number === undefined) throw new DvError('INTERNAL', `access rule ${id} has no number`);
  return {
    id: number,
    ...fields,
    updatedAt: rule.deletedAt ?? rule.createdAt,
    // A rule grants from the moment its write is answered: never Creating; a deleted one no longer grants.
    status:
      status === 'active'
        ? { phase: 'Ready', message: 'The access rule is in effect.' }
        : { phase: 'NotReady', message: `The access rule was deleted at ${rule.deletedAt ?? 'an earlier time'} by ${rule.deletedBy ?? 'an unknown subject'}.` },
  };
}

/** `{totalRecords, displayRecords, accessRules}`: a page of rules and how many match. */
export const accessRulePageSchema = z.object({
  totalRecords: z.number().int().min(0),
  displayRecords: z.number().int().min(0),
  accessRules: z.array(publicAccessRuleSchema),
});
export type AccessRulePage = z.output<typeof accessRulePageSchema>;

export const countAnswerSchema = z.object({ count: z.number().int().min(0) });
