import { z } from 'zod';

/** Every resource type the role catalog governs (36): other services check against these too. */
export const RESOURCE_TYPES = [
  'access_rules',
  'apps',
  'cluster',
  'cluster-config',
  'cm-volume-assets',
  'compute-resources',
  'credentials',
  'dashboards-analytics',
  'dashboards-consumption',
  'dashboards-overview',
  'datavolumes',
  'datavolumes/sharedscopes',
  'department',
  'environments',
  'events-history',
  'git-assets',
  'groups',
  'host-path-assets',
  'inferences',
  'jobs',
  'nfs-assets',
  'nodepools',
  'nodes',
  'policies',
  'project',
  'pvc-assets',
  'roles',
  's3-assets',
  'secret-volume-assets',
  'settings',
  'templates',
  'tenant',
  'trainings',
  'users',
  'workloads',
  'workspaces',
] as const;
export const resourceTypeSchema = z.enum(RESOURCE_TYPES);
export type ResourceType = z.infer<typeof resourceTypeSchema>;

/** The four actions; the UI shows them as Create, View, Edit, Delete. */
export const ACTIONS = ['create', 'read', 'update', 'delete'] as const;
export const actionSchema = z.enum(ACTIONS);
export type Action = z.infer<typeof actionSchema>;
