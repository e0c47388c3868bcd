import { type z } from 'zod';
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
} as const;

export type AccessRuleEventData = z.output<typeof accessRuleSchema>;
