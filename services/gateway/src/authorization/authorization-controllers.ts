import { CreateAccessRuleController } from './access-rules/create-access-rule.controller';
import { DeleteAccessRuleController } from './access-rules/delete-access-rule.controller';
import { GetAccessRuleController } from './access-rules/get-access-rule.controller';
import { ListAccessRulesController } from './access-rules/list-access-rules.controller';
import { AccessRuleBatchController } from './batch/access-rule-batch.controller';
import { BatchCreateAccessRulesController } from './batch/batch-create-access-rules.controller';
import { MyAccessRulesController } from './me/my-access-rules.controller';
import { MyPermissionsController } from './permissions/my-permissions.controller';
import { PermittedScopesController } from './permissions/permitted-scopes.controller';
import { RolesController } from './roles/roles.controller';

/** The controllers of `/api/v1/authorization` (their operations: operations.ts). */
export const AUTHORIZATION_CONTROLLERS = [
  RolesController,
  ListAccessRulesController,
  GetAccessRuleController,
  CreateAccessRuleController,
  DeleteAccessRuleController,
  AccessRuleBatchController,
  BatchCreateAccessRulesController,
  MyAccessRulesController,
  MyPermissionsController,
  PermittedScopesController,
];
