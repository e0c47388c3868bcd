import { idSchema } from '@dv/contracts';
import { z } from 'zod';
import { ORG_KINDS } from '../org/org-kinds';

/**
 * What the publisher last published for each entity, keyed `kind:id`. It is how a re-run knows an
 * entity changed (content hash), which version comes next, and what to delete when an entity
 * leaves the file (`--prune`). A deleted entity stays as a tombstone so a re-creation gets a newer
 * version than its deletion.
 */
export const stateEntrySchema = z.object({
  kind: z.enum(ORG_KINDS),
  id: idSchema,
  version: z.number().int().min(1),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  lastAction: z.enum(['created', 'updated', 'deleted']),
  eventId: z.string().min(1),
  /** The entity's payload as last created or updated (deleted events carry part of it). */
  data: z.record(z.string(), z.unknown()),
  publishedAt: z.iso.datetime(),
});
export type StateEntry = z.output<typeof stateEntrySchema>;

export const publisherStateSchema = z.object({
  format: z.literal(1),
  entities: z.record(z.string(), stateEntrySchema),
});
export type PublisherState = z.output<typeof publisherStateSchema>;

export function emptyState(): PublisherState {
  return { format: 1, entities: {} };
}
