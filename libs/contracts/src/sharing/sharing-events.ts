import { z } from 'zod';
import { defineEvent } from '../events/define-event';
import { sharedScopeEntrySchema } from './sharing-schemas';

const sharingChange = z.object({ volumeId: z.uuid(), scope: sharedScopeEntrySchema, sharedScopes: z.array(sharedScopeEntrySchema) });

export const SharingEvents = {
  shared: defineEvent({ type: 'dv.evt.volume.shared.v1', data: sharingChange, description: 'A data volume was shared with a scope; carries the whole list after the change.' }),
  unshared: defineEvent({
    type: 'dv.evt.volume.unshared.v1',
    data: sharingChange,
    description: 'A data volume was unshared from a scope (by a caller, or because the scope or the volume went); carries the whole list after the change.',
  }),
} as const;
