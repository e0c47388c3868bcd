import { z } from 'zod';
import { defineEvent } from '../events/define-event';
import { refusalBaseSchema } from '../events/refusal';
import { dataVolumeIdSchema, dataVolumeSchema } from './volume-schemas';

const volumeData = z.object({ volume: dataVolumeSchema });

/** Every state change of a data volume; the volume (after the change) is in the data. */
export const VolumeEvents = {
  created: defineEvent({
    type: 'dv.evt.volume.created.v1',
    data: volumeData,
    description: 'A data volume was recorded (phase Creating); its Kubernetes objects follow.',
  }),
  ready: defineEvent({
    type: 'dv.evt.volume.ready.v1',
    data: volumeData,
    description: 'A data volume became Ready: its PV copy and PVC (or its origin PVC) hold.',
  }),
  notReady: defineEvent({
    type: 'dv.evt.volume.not-ready.v1',
    data: volumeData,
    description: 'A data volume became NotReady (or the reason changed): see its conditions and phaseMessage.',
  }),
  updated: defineEvent({
    type: 'dv.evt.volume.updated.v1',
    data: volumeData,
    description:
      "A data volume changed without a phase change: its description (a patch), its origin project's name, department or cluster (a rename or move; the actor is the system), or why its deletion is stuck (still Deleting).",
  }),
  deleting: defineEvent({
    type: 'dv.evt.volume.deleting.v1',
    data: volumeData,
    description: 'Deletion of a data volume started; its PV copy and PVC are being released.',
  }),
  deleted: defineEvent({
    type: 'dv.evt.volume.deleted.v1',
    data: volumeData,
    description: 'A data volume is gone, and so are the Kubernetes objects it created.',
  }),
  refused: defineEvent({
    type: 'dv.evt.volume.refused.v1',
    data: refusalBaseSchema.extend({
      operation: z.enum(['create', 'update', 'delete']),
      volumeId: dataVolumeIdSchema.optional(),
      name: z.string().max(253).optional(),
      projectId: z.string().max(253).optional(),
      clusterId: z.string().max(253).optional(),
    }),
    description: 'A create, update or delete of a data volume was refused (the typed error the caller got); nothing changed.',
  }),
} as const;
