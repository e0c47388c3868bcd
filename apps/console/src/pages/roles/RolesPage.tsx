import { useMemo } from 'react';
import { useApi } from '../../app/console-context';
import { hrefOf, navigate } from '../../app/router';
import { type Role, ROLES_PATH } from '../../api/types/roles';
import { type Column, DataTable } from '../../table/DataTable';
import { localSource } from '../../table/local-source';

const COLUMNS: readonly Column<Role>[] = [
  {
    key: 'name',
    header: 'Role',
    value: (r) => r.name,
    render: (r) => (
      <a
        href={hrefOf(`/roles/${r.id}`)}
        onClick={(e) => {
          e.preventDefault();
          navigate(`/roles/${r.id}`);
        }}
      >
        {r.name}
      </a>
    ),
  },
  { key: 'createdBy', header: 'Created by', value: (r) => r.createdBy },
  { key: 'createdAt', header: 'Creation time', value: (r) => r.createdAt },
];

function cell(role: Role, field: string): string {
  return COLUMNS.find((c) => c.key === field)?.value(role) ?? '';
}

/** The seeds' Roles table: Role, Created by, Creation time; a role's name opens its review form. */
export default function RolesPage() {
  const api = useApi();
  // The catalog comes whole (18 roles): filter, search, sort and paging in memory, with the API's operators.
  const source = useMemo(() => localSource((signal) => api.get<Role[]>(ROLES_PATH, {}, signal), cell, ['name', 'createdBy']), [api]);
  return (
    <>
      <h1>Roles</h1>
      <p>The predefined roles. A role is a set of permissions that can be assigned to a subject in a scope; roles cannot be created, edited or deleted.</p>
      <DataTable
        title="Roles"
        columns={COLUMNS}
        source={source}
        rowKey={(r) => String(r.id)}
        initialSort={{ by: 'name', order: 'asc' }}
        emptyText="No role matches."
      />
    </>
  );
}
