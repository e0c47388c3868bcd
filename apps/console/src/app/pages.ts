import { type ComponentType, lazy } from 'react';

/**
 * The console's pages: one line each. `path` is under /console; a path with `:name` segments passes
 * them as `params`. `nav: false` keeps a page out of the navigation (a detail page); `dataVolumes: true`
 * hides it when the tenant's data-volume setting is off. Pages load lazily: each is its own chunk.
 */
export interface PageEntry {
  path: string;
  title: string;
  component: ComponentType<{ params: Readonly<Record<string, string>> }>;
  nav?: boolean;
  dataVolumes?: boolean;
}

export const PAGES: readonly PageEntry[] = [
  { path: '/datavolumes', title: 'Data volumes', component: lazy(() => import('../pages/datavolumes/DataVolumesPage')), dataVolumes: true },
  { path: '/datavolumes/:id', title: 'Data volume', component: lazy(() => import('../pages/datavolumes/DataVolumePage')), dataVolumes: true, nav: false },
  { path: '/roles', title: 'Roles', component: lazy(() => import('../pages/roles/RolesPage')) },
  { path: '/roles/:id', title: 'Role', component: lazy(() => import('../pages/roles/RolePage')), nav: false },
  { path: '/create-volume', title: 'Create a data volume', component: lazy(() => import('../pages/create-volume/CreateVolumePage')), dataVolumes: true },
  { path: '/sharing', title: 'Sharing', component: lazy(() => import('../pages/sharing/SharingPage')), dataVolumes: true },
  { path: '/sharing/:id', title: 'Sharing', component: lazy(() => import('../pages/sharing/SharingPage')), dataVolumes: true, nav: false },
  { path: '/access-rules', title: 'Access rules', component: lazy(() => import('../pages/access-rules/AccessRulesPage')) },
  { path: '/my-access', title: 'My access', component: lazy(() => import('../pages/my-access/MyAccessPage')) },
  { path: '/audit-log', title: 'Audit log', component: lazy(() => import('../pages/audit-log/AuditLogPage')) },
  { path: '/why-cant-i', title: "Why can't I?", component: lazy(() => import('../pages/why-cant-i/WhyCantIPage')) },
];
