/** An access rule as `/api/v1/authorization/access-rules` answers it. */
export interface AccessRule {
  id: number;
  subjectType: 'user' | 'group' | 'app' | 'service-account';
  subjectId: string;
  roleId: number;
  roleName: string;
  scopeType: string;
  scopeId: string;
  scopeName: string;
  clusterId?: string;
  createdAt: string;
  createdBy: string;
  deletedAt?: string;
  status: { phase: string; message: string };
}

export interface AccessRulePage {
  totalRecords: number;
  displayRecords: number;
  accessRules: AccessRule[];
}

export const ACCESS_RULES_PATH = '/api/v1/authorization/access-rules';
export const SUBJECT_TYPES = ['user', 'group', 'app', 'service-account'] as const;
