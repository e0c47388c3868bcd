/** `GET /api/v1/authorization/roles` (and `/roles/{id}`): the read-only catalog. */
export interface Permission {
  resourceType: string;
  displayName: string;
  groupId: string;
  actions: readonly string[];
}

export interface Role {
  id: number;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  custom: boolean;
  permissions: readonly Permission[];
}

export const ROLES_PATH = '/api/v1/authorization/roles';
