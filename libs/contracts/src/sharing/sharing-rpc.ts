import { z } from 'zod';
import { defineRpc } from '../rpc/define-rpc';
import { idSchema } from '../rpc/identity';
import { revisionSchema } from '../authz/authz-schemas';
import { MAX_SHARING_CHANGES, shareableScopeRefSchema, sharedScopeEntrySchema } from './sharing-schemas';

const volumeIdSchema = z.uuid();

/** The most volumes one `dv.sharing.list-many` asks about (a list page is at most 500). */
export const MAX_LIST_MANY = 500;

/** The most ids one `dv.sharing.usable-volumes` reply carries (~390 KB of JSON, well under NATS's 1 MB payload limit). */
export const MAX_USABLE_VOLUMES = 10_000;

export const SharingRpc = {
  update: defineRpc({
    subject: 'dv.sharing.update',
    audit: { operation: 'update' },
    request: z.object({
      volumeId: volumeIdSchema,
      add: z.array(shareableScopeRefSchema).max(MAX_SHARING_CHANGES).default([]),
      remove: z.array(shareableScopeRefSchema).max(MAX_SHARING_CHANGES).default([]),
      /** Wait until this replica has seen at least this revision (e.g. the volume's Ready event). */
      atLeast: revisionSchema.optional(),
    }),
    reply: z.object({ volumeId: volumeIdSchema, sharedScopes: z.array(sharedScopeEntrySchema), revision: revisionSchema }),
    description: `Shares a Ready volume with scopes and unshares it (at most ${MAX_SHARING_CHANGES} of each); each add needs the sharing-list create permission in its scope, each remove the delete permission; returns the whole list.`,
  }),
  list: defineRpc({
    subject: 'dv.sharing.list',
    request: z.object({ volumeId: volumeIdSchema, atLeast: revisionSchema.optional() }),
    reply: z.object({ volumeId: volumeIdSchema, sharedScopes: z.array(sharedScopeEntrySchema) }),
    description: "A volume's sharing list: only the scopes the caller may view.",
  }),
  listMany: defineRpc({
    subject: 'dv.sharing.list-many',
    request: z.object({ volumeIds: z.array(volumeIdSchema).max(MAX_LIST_MANY), atLeast: revisionSchema.optional() }),
    reply: z.object({ lists: z.array(z.object({ volumeId: volumeIdSchema, sharedScopes: z.array(sharedScopeEntrySchema) })) }),
    description: `The sharing lists of up to ${MAX_LIST_MANY} volumes (one entry per distinct id asked, empty when unknown), each showing only the scopes the caller may read sharing lists in. For the volume service's get and list: it authorizes the volumes itself. Answered from memory.`,
  }),
  resolve: defineRpc({
    subject: 'dv.sharing.resolve',
    request: z.object({ volumeId: volumeIdSchema, projectId: idSchema, atLeast: revisionSchema.optional() }),
    reply: z.object({
      usable: z.boolean(),
      reason: z.enum(['origin', 'shared', 'not-shared', 'unknown-volume', 'unknown-project']),
      via: z.object({ scopeType: z.string(), scopeId: idSchema }).optional(),
      message: z.string(),
    }),
    description: 'Is volume V usable in project P (originates in P, or shared with P or a scope above it)? Answered from memory.',
  }),
  usableVolumes: defineRpc({
    subject: 'dv.sharing.usable-volumes',
    request: z.object({
      projectId: idSchema,
      /** The `next` of the previous page. */
      after: volumeIdSchema.optional(),
      limit: z.number().int().min(1).max(MAX_USABLE_VOLUMES).default(MAX_USABLE_VOLUMES),
      atLeast: revisionSchema.optional(),
    }),
    reply: z.object({
      volumeIds: z.array(volumeIdSchema),
      /** Present when there are more: ask again with `after` = this. */
      next: volumeIdSchema.optional(),
    }),
    description: `The volumes usable in a project (originating in it, or shared with it or a scope above it), in id order, at most ${MAX_USABLE_VOLUMES} a page.`,
  }),
} as const;
