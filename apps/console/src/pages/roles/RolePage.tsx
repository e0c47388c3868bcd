import { useApi } from '../../app/console-context';
import { hrefOf, navigate } from '../../app/router';
import { ErrorState } from '../../app/states';
import { useLoad } from '../../app/use-load';
import { type Role, ROLES_PATH } from '../../api/types/roles';
import { NATIVE_WORKLOADS, THIRD_PARTY_WORKLOADS, WORKLOAD_ENTITIES } from './workload-kinds';

/** The seeds' four actions, in their order, by the API's action names. */
const ACTIONS = [
  { label: 'View', action: 'read' },
  { label: 'Edit', action: 'update' },
  { label: 'Create', action: 'create' },
  { label: 'Delete', action: 'delete' },
] as const;

/** The role review form: the role's name, every entity with its View / Edit / Create / Delete, and the permitted workloads. */
export default function RolePage({ params }: { params: Readonly<Record<string, string>> }) {
  const api = useApi();
  const id = params['id'] ?? '';
  const { data: role, error } = useLoad(id, (signal) => api.get<Role>(`${ROLES_PATH}/${encodeURIComponent(id)}`, {}, signal));

  const back = (
    <a
      href={hrefOf('/roles')}
      onClick={(e) => {
        e.preventDefault();
        navigate('/roles');
      }}
    >
      ← Roles
    </a>
  );
  if (error !== undefined)
    return (
      <>
        {back}
        <ErrorState error={error} />
      </>
    );
  if (role === undefined) return <p role="status">Loading…</p>;
  const entities = [...role.permissions].sort((a, b) => a.displayName.localeCompare(b.displayName, 'en'));
  const hasWorkloads = role.permissions.some((p) => WORKLOAD_ENTITIES.has(p.resourceType) && p.actions.length > 0);
  return (
    <>
      {back}
      <h1>Role: {role.name}</h1>
      <form className="review" aria-label={`Review of the role ${role.name}`} onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Role name</span>
          <input value={role.name} readOnly size={40} data-testid="role-name" />
        </label>
        <p>{role.description}</p>
        <table data-testid="role-permissions">
          <caption>Entities and the actions this role allows on them</caption>
          <thead>
            <tr>
              <th scope="col">Entity</th>
              {ACTIONS.map((a) => (
                <th scope="col" key={a.action}>
                  {a.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {entities.map((p) => (
              <tr key={p.resourceType} data-entity={p.resourceType}>
                <th scope="row">{p.displayName}</th>
                {ACTIONS.map((a) => (
                  <td key={a.action}>
                    <input
                      type="checkbox"
                      checked={p.actions.includes(a.action)}
                      readOnly
                      disabled
                      aria-label={`${a.label} ${p.displayName}`}
                      data-action={a.action}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </form>
      <section aria-labelledby="permitted-workloads">
        <h2 id="permitted-workloads">Permitted workloads</h2>
        {hasWorkloads ? (
          <>
            <p>Its workload permissions cover the platform's workloads ({NATIVE_WORKLOADS.join(', ')}) and these kinds:</p>
            <ul className="kinds" data-testid="workload-kinds">
              {THIRD_PARTY_WORKLOADS.map((k) => (
                <li key={k}>{k}</li>
              ))}
            </ul>
          </>
        ) : (
          <p data-testid="workload-kinds-none">This role has no workload permissions.</p>
        )}
      </section>
    </>
  );
}
