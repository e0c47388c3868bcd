import { z } from 'zod';
import { defineEvent } from './define-event';
import { refusalBaseSchema } from './refusal';

/** Events of the transport itself, for the audit log. */
export const RequestEvents = {
  refused: defineEvent({
    type: 'dv.evt.request.refused.v1',
    data: refusalBaseSchema.extend({
      /** The request subject (also the envelope's subject). */
      rpc: z.string().min(1).max(128),
    }),
    description:
      'A request to an audited subject (RpcDefinition.audit) was refused before its handler ran (its body was malformed), or by a handler with no refusal event of its own (roles.mutate): the typed error the caller got; nothing changed. The actor is the caller, the request id its own.',
  }),
} as const;
