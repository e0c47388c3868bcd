import { useMemo } from 'react';
import { useApi } from '../../app/console-context';
import { ErrorState } from '../../app/states';
import { useLoad } from '../../app/use-load';
import { type Column, DataTable } from '../../table/DataTable';
import { apiSource } from '../../table/api-source';
import { type AccessRule } from '../access-rules/access-rule';

interface Permission {
  resourceType: string;
  displayName: string;
  actions: readonly string[];
}

const RULE_COLUMNS: readonly Column<AccessRule>[] = [
  { key: 'subjectId', header: 'Through', value: (r) => `${r.subjectType} ${r.subjectId}`, sortable: false, filterable: false },
  { key: 'roleName', header: 'Role', value: (r) => r.roleName, sortable: false, filterable: false },
  { key: 'scopeName', header: 'Scope', value: (r) => `${r.scopeType} ${r.scopeName}`, sortable: false, filterable: false },
  { key: 'createdAt', header: 'Since', value: (r) => r.createdAt, sortable: false, filterable: false },
];

/** "My access": the person's own access rules (directly or through a group) and the permissions they add up to. */
export default function MyAccessPage() {
  const api = useApi();
  const source = useMemo(
    () =>
      apiSource<AccessRule>(api, {
        path: '/api/v1/authorization/me/access-rules',
        countPath: '/api/v1/authorization/me/access-rules/count',
        rows: (a) => (a as { accessRules: { accessRules: AccessRule[] } }).accessRules.accessRules,
      }),
    [api],
  );
  const permissions = useLoad('my-permissions', (signal) => api.get<Permission[]>('/api/v1/authorization/permissions', {}, signal));
  return (
    <>
      <h1>My access</h1>
      <DataTable
        title="My access rules"
        columns={RULE_COLUMNS}
        source={source}
        rowKey={(r) => String(r.id)}
        emptyText="You have no access rule: ask an administrator for one."
      />
      <h2>My permissions</h2>
      {permissions.error !== undefined ? (
        <ErrorState error={permissions.error} />
      ) : permissions.data === undefined ? (
        <p aria-busy="true">Loading…</p>
      ) : permissions.data.length === 0 ? (
        <p className="state" data-state="empty">
          You have no permission yet.
        </p>
      ) : (
        <table aria-label="My permissions" data-testid="my-permissions">
          <thead>
            <tr>
              <th scope="col">Entity</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {permissions.data.map((p) => (
              <tr key={p.resourceType}>
                <td>{p.displayName}</td>
                <td>{p.actions.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
