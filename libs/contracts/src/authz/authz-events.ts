import { z } from 'zod';
import { refusalBaseSchema } from '../events/refusal';
import { subjectTypeSchema } from '../rpc/identity';
import { scopeTypeSchema } from '../org/scope';
import { defineEvent } from '../events/define-event';
import { accessRuleSchema } from './authz-schemas';

export const AuthzEvents = {
  accessRuleCreated: defineEvent({
    type: 'dv.evt.access-rule.created.v1',
    data: accessRuleSchema,
    description: 'An access rule was created.',
  }),
  accessRuleDeleted: defineEvent({
    type: 'dv.evt.access-rule.deleted.v1',
    data: accessRuleSchema,
    description: 'An access rule was deleted (it stays listed with includeDeleted).',
  }),
  accessRuleRefused: defineEvent({
    type: 'dv.evt.access-rule.refused.v1',
    data: refusalBaseSchema.extend({
      operation: z.enum(['create', 'delete']),
      ruleId: z.string().max(128).optional(),
      subjectType: subjectTypeSchema.optional(),
      subjectId: z.string().max(253).optional(),
      roleId: z.number().int().optional(),
      scopeType: scopeTypeSchema.optional(),
      scopeId: z.string().max(253).optional(),
    }),
    description: 'Creating or deleting an access rule was refused (the typed error the caller got); nothing changed.',
  }),
} as const;
