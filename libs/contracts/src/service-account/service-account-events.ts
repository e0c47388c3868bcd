import { z } from 'zod';
import { defineEvent } from '../events/define-event';
import { idSchema } from '../rpc/identity';

/** A service account as its events carry it: its id (the provider's client id, its subject id in access rules) and name. */
const serviceAccountRef = z.object({ serviceAccountId: idSchema, name: z.string().min(1).max(255) });

/**
 * What happens to a service account (an OAuth2 client of the identity provider, managed by the
 * gateway). Every gateway replica follows these (subject `dv.evt.service-account.>` of DV_EVENTS) to
 * refuse a disabled or deleted account's tokens at once; the audit log records them as every event.
 * The CloudEvents `subject` is the service account's id.
 */
export const ServiceAccountEvents = {
  created: defineEvent({
    type: 'dv.evt.service-account.created.v1',
    data: serviceAccountRef,
    description: 'A service account was created (an OAuth2 client of the provider, client-credentials grant, the gateway audience).',
  }),
  disabled: defineEvent({
    type: 'dv.evt.service-account.disabled.v1',
    data: serviceAccountRef,
    description: 'A service account was disabled: its tokens, even those issued before, are refused by every gateway replica.',
  }),
  enabled: defineEvent({
    type: 'dv.evt.service-account.enabled.v1',
    data: serviceAccountRef,
    description: 'A disabled service account was enabled again.',
  }),
  secretRegenerated: defineEvent({
    type: 'dv.evt.service-account.secret-regenerated.v1',
    data: serviceAccountRef,
    description: 'A service account got a new client secret; the old one no longer gets tokens.',
  }),
  deleted: defineEvent({
    type: 'dv.evt.service-account.deleted.v1',
    data: serviceAccountRef,
    description: 'A service account was deleted (its provider client removed); its tokens are refused from then on.',
  }),
} as const;

/** The subject filter a follower of service-account events uses. */
export const SERVICE_ACCOUNT_EVENT_SUBJECTS = 'dv.evt.service-account.>';
