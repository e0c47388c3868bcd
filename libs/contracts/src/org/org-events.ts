import { z } from 'zod';
import { defineEvent } from '../events/define-event';
import { idSchema } from '../rpc/identity';
import { namespaceSchema } from './scope';

/**
 * Events of the platform's organization service (not ours: we consume them). The platform
 * publisher (tools/platform-publisher) plays that service in development, demos and tests.
 * `updated` carries the whole entity, so a rename or a move (new parent) is one event.
 */
const nameSchema = z.string().min(1).max(253);

export const tenantSchema = z.object({ tenantId: idSchema, name: nameSchema });
export const clusterSchema = z.object({ clusterId: idSchema, tenantId: idSchema, name: nameSchema });
export const departmentSchema = z.object({ departmentId: idSchema, clusterId: idSchema, name: nameSchema });
export const projectSchema = z.object({
  projectId: idSchema,
  departmentId: idSchema,
  clusterId: idSchema,
  name: nameSchema,
  namespace: namespaceSchema,
});
export const userSchema = z.object({
  userId: idSchema,
  email: z.email().optional(),
  groups: z.array(idSchema).max(1000).default([]),
});
export const groupSchema = z.object({ groupId: idSchema, name: nameSchema });

export type Tenant = z.output<typeof tenantSchema>;
export type Cluster = z.output<typeof clusterSchema>;
export type Department = z.output<typeof departmentSchema>;
export type Project = z.output<typeof projectSchema>;
export type User = z.output<typeof userSchema>;
export type Group = z.output<typeof groupSchema>;

function lifecycle<const E extends string, S extends z.ZodObject, K extends keyof S['shape'] & string>(entity: E, schema: S, deletedKeys: readonly K[]) {
  const deletedShape = Object.fromEntries(deletedKeys.map((k) => [k, schema.shape[k]])) as Pick<S['shape'], K>;
  return {
    created: defineEvent({ type: `platform.evt.${entity}.created.v1`, data: schema, description: `A ${entity} was created.` }),
    updated: defineEvent({
      type: `platform.evt.${entity}.updated.v1`,
      data: schema,
      description: `A ${entity} was renamed, moved or otherwise changed; carries the whole ${entity}.`,
    }),
    deleted: defineEvent({
      type: `platform.evt.${entity}.deleted.v1`,
      data: z.object(deletedShape),
      description: `A ${entity} was deleted.`,
    }),
  } as const;
}

export const OrgEvents = {
  tenant: lifecycle('tenant', tenantSchema, ['tenantId']),
  cluster: lifecycle('cluster', clusterSchema, ['clusterId', 'tenantId']),
  department: lifecycle('department', departmentSchema, ['departmentId', 'clusterId']),
  project: lifecycle('project', projectSchema, ['projectId', 'departmentId', 'clusterId', 'namespace']),
  user: lifecycle('user', userSchema, ['userId']),
  group: lifecycle('group', groupSchema, ['groupId']),
} as const;
