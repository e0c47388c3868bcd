import { DvError, errorCodeSchema, idSchema, roleIdSchema, scopeTypeSchema, subjectTypeSchema } from '@dv/contracts';
import { z } from 'zod';
import { httpErrorOf } from '../../http/http-error';
import { publicAccessRuleSchema } from '../public-access-rule';

/** A batch item's failure: the HTTP status its own call would have answered, and that answer's message. */
export interface ItemFailure {
  code: number;
  message: string;
}

export function itemFailureOf(error: unknown): ItemFailure {
  const { body } = httpErrorOf(error);
  return { code: body.code, message: body.message };
}

/** A failure the service reported by our error code (dv.authz.access-rules.batch-create's items), as its HTTP status. */
export function itemFailureOfCode(code: string, message: string): ItemFailure {
  const known = errorCodeSchema.safeParse(code);
  return itemFailureOf(known.success ? new DvError(known.data, message) : new Error(message));
}

const itemFailureFields = { code: z.number().int().describe('The HTTP status of this item.'), message: z.string() };

/** `POST /access-rules/batch`: the ids done (or, for validate_delete, that would be), and each failure. */
export const accessRuleBatchAnswerSchema = z.object({
  succeeded: z.array(z.object({ id: z.number().int() })),
  failed: z.array(z.object({ id: z.number().int(), ...itemFailureFields })),
});
export type AccessRuleBatchAnswer = z.output<typeof accessRuleBatchAnswerSchema>;

/** One rule of a batch-create, as it would have been asked for alone. */
export const accessRuleBatchItemSchema = z.object({
  subjectId: idSchema,
  subjectType: subjectTypeSchema,
  roleId: roleIdSchema,
  scopeType: scopeTypeSchema,
  scopeId: idSchema,
  clusterId: idSchema.optional(),
});

/** `POST /access-rules/batch-create`: the rules made, and each failed item with its payload. */
export const accessRuleBatchCreateAnswerSchema = z.object({
  succeeded: z.array(publicAccessRuleSchema),
  failed: z.array(z.object({ payload: accessRuleBatchItemSchema, ...itemFailureFields })),
});
export type AccessRuleBatchCreateAnswer = z.output<typeof accessRuleBatchCreateAnswerSchema>;
