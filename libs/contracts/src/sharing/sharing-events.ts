import { z } from 'zod';
import { defineEvent } from '../events/define-event';
import { refusalBaseSchema } from '../events/refusal';
import { MAX_SHARING_CHANGES, shareableScopeRefSchema, sharedScopeEntrySchema } from './sharing-schemas';

const sharingChange = z.object({ volumeId: z.uuid(), scope: sharedScopeEntrySchema, sharedScopes: z.array(sharedScopeEntrySchema) });

export const SharingEvents = {
  shared: defineEvent({
    type: 'dv.evt.volume.shared.v1',
    data: sharingChange,
    description: 'A data volume was shared with a scope; carries the whole list after the change.',
  }),
  unshared: defineEvent({
    type: 'dv.evt.volume.unshared.v1',
    data: sharingChange,
    description: 'A data volume was unshared from a scope (by a caller, or because the scope or the volume went); carries the whole list after the change.',
  }),
  refused: defineEvent({
    type: 'dv.evt.sharing-list.refused.v1',
    data: refusalBaseSchema.extend({
      operation: z.enum(['share', 'unshare', 'update']),
      volumeId: z.string().max(253),
      /** The scopes asked for (at most MAX_SHARING_CHANGES each way), as requested. */
      add: z.array(shareableScopeRefSchema).max(MAX_SHARING_CHANGES).optional(),
      remove: z.array(shareableScopeRefSchema).max(MAX_SHARING_CHANGES).optional(),
    }),
    description: "A change to a data volume's sharing list was refused (the typed error the caller got); nothing changed.",
  }),
} as const;
