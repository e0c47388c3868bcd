import { AuthzRpc, DvError, type Principal, ROLES_CSV_MAX_ROWS, ROLE_FIELDS, type Role, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { RefusalRecorder, type RpcCallContext, RpcHandler, requestRefusal } from '@dv/messaging';
import { Controller } from '@nestjs/common';
import { type FieldAccessors, applyListQuery, csvExport } from '../../listing/apply-list-query';
import { AuthzState } from '../../state/authz-state';

type RoleField = (typeof ROLE_FIELDS)[number];
const ROLE_ACCESSORS: FieldAccessors<Role, RoleField> = {
  id: (r) => r.id,
  name: (r) => r.name,
  description: (r) => r.description,
  createdBy: (r) => r.createdBy,
  createdAt: (r) => r.createdAt,
};
// The Roles table's visible text columns (the seed: Role, Created by).
const SEARCHED: readonly RoleField[] = ['name', 'createdBy'];

/** The read-only role catalog: the seed's Roles table (filter, search, sort, columns, CSV). */
@Controller()
export class RolesController {
  constructor(
    private readonly state: AuthzState,
    private readonly refusals: RefusalRecorder,
  ) {}

  /** Viewing roles needs `roles` read permission somewhere. */
  private requireMayView(caller: Principal): void {
    const where = this.state.engine.permittedScopes(caller, 'roles', 'read').read;
    const anywhere = where && (where.system || where.tenants.length + where.clusters.length + where.departments.length + where.projects.length > 0);
    if (!anywhere) throw DvError.forbidden(`${caller.subjectType} ${caller.subjectId} may not view roles: no rule grants roles read in any scope`);
  }

  private roles(): Role[] {
    return this.state.catalog.roles.map((r) => r.view);
  }

  @RpcHandler(AuthzRpc.listRoles)
  async listRoles(request: RpcRequest<typeof AuthzRpc.listRoles>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.listRoles>> {
    this.requireMayView(ctx.principal);
    const matching = applyListQuery(this.roles(), request, ROLE_ACCESSORS, SEARCHED);
    const page = matching.slice(request.offset, request.offset + request.limit);
    const columns = request.columns;
    const roles = columns
      ? page.map((role) => {
          const picked: Partial<Role> & { id: number } = { id: role.id };
          for (const column of columns) Object.assign(picked, { [column]: role[column] });
          return picked;
        })
      : page;
    return { totalRecords: matching.length, displayRecords: roles.length, roles };
  }

  @RpcHandler(AuthzRpc.getRole)
  async getRole(request: RpcRequest<typeof AuthzRpc.getRole>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.getRole>> {
    this.requireMayView(ctx.principal);
    const role = this.state.catalog.resolve(request.id);
    if (!role) throw DvError.notFound(`role ${String(request.id)} does not exist (by id, name or legacy name)`);
    return role.view;
  }

  @RpcHandler(AuthzRpc.exportRolesCsv)
  async exportRolesCsv(request: RpcRequest<typeof AuthzRpc.exportRolesCsv>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.exportRolesCsv>> {
    this.requireMayView(ctx.principal);
    const matching = applyListQuery(this.roles(), request, ROLE_ACCESSORS, SEARCHED);
    const columns = (request.columns?.filter((c): c is RoleField => (ROLE_FIELDS as readonly string[]).includes(c)) ?? [
      'name',
      'createdBy',
      'createdAt',
    ]) as RoleField[];
    return csvExport(matching, columns.length > 0 ? columns : ['name'], ROLE_ACCESSORS, ROLES_CSV_MAX_ROWS);
  }

  @RpcHandler(AuthzRpc.mutateRole)
  async mutateRole(request: RpcRequest<typeof AuthzRpc.mutateRole>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.mutateRole>> {
    const error = DvError.forbidden(`roles are predefined: they cannot be created, edited or deleted (refused ${request.operation})`, {
      reason: 'predefined-roles',
      operation: request.operation,
    });
    // roles.mutate is audited (a write asked for and refused) and has no refused event of its own.
    await this.refusals.record(error, ctx.principal, ctx.requestId, requestRefusal(AuthzRpc.mutateRole));
    throw error;
  }
}
