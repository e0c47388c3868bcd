import { useApi } from '../../app/console-context';
import { hrefOf, navigate } from '../../app/router';
import { ErrorState } from '../../app/states';
import { useLoad } from '../../app/use-load';
import { type DataVolume, USAGE_PATH, type VolumeUsage, VOLUMES_PATH } from '../../api/types/datavolumes';

function Usage({ id }: { id: string }) {
  const api = useApi();
  const { data, error, loading } = useLoad(id, (signal) => api.get<VolumeUsage>(USAGE_PATH(id), {}, signal));
  if (loading) return <p role="status">Loading…</p>;
  if (error !== undefined) return <ErrorState error={error} />;
  if (data === undefined || data.workloads.length === 0) return <p data-state="empty">No workload uses it.</p>;
  return (
    <table data-testid="volume-usage">
      <caption className="visually-hidden">Workloads using this data volume</caption>
      <thead>
        <tr>
          <th scope="col">Workload</th>
          <th scope="col">Kind</th>
          <th scope="col">Namespace</th>
          <th scope="col">Project</th>
        </tr>
      </thead>
      <tbody>
        {data.workloads.map((w) => (
          <tr key={`${w.namespace}/${w.kind}/${w.name}`}>
            <td>{w.name}</td>
            <td>{w.apiVersion === undefined ? w.kind : `${w.apiVersion.split('/')[0]}: ${w.kind}`}</td>
            <td>{w.namespace}</td>
            <td>{w.projectId}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One data volume: its status (phase, message and conditions), where it is shared, which workloads use it. */
export default function DataVolumePage({ params }: { params: Readonly<Record<string, string>> }) {
  const api = useApi();
  const id = params['id'] ?? '';
  const { data: volume, error } = useLoad(id, (signal) => api.get<DataVolume>(`${VOLUMES_PATH}/${encodeURIComponent(id)}`, {}, signal));
  const back = (
    <a
      href={hrefOf('/datavolumes')}
      onClick={(e) => {
        e.preventDefault();
        navigate('/datavolumes');
      }}
    >
      ← Data volumes
    </a>
  );
  if (error !== undefined)
    return (
      <>
        {back}
        <ErrorState error={error} />
      </>
    );
  if (volume === undefined) return <p role="status">Loading…</p>;
  const conditions = volume.status.conditions ?? [];
  const scopes = volume.sharedScopes ?? [];
  return (
    <>
      {back}
      <h1>Data volume: {volume.name}</h1>
      <dl className="facts">
        <dt>Description</dt>
        <dd>{volume.description === undefined || volume.description === '' ? '—' : volume.description}</dd>
        <dt>Project</dt>
        <dd>
          {volume.projectName} ({volume.projectId}), department {volume.departmentId}, cluster {volume.clusterId}
        </dd>
        <dt>Origin PVC</dt>
        <dd>{volume.originPvcName}</dd>
        <dt>Created</dt>
        <dd>
          {volume.createdAt} by {volume.createdBy}
        </dd>
      </dl>
      <section aria-labelledby="status">
        <h2 id="status">Status</h2>
        <p>
          Phase: <strong data-testid="volume-phase">{volume.status.phase}</strong>
          {volume.status.phaseMessage !== undefined && volume.status.phaseMessage !== '' && <> — {volume.status.phaseMessage}</>}
        </p>
        {conditions.length === 0 ? (
          <p data-state="empty">No condition reported.</p>
        ) : (
          <table data-testid="volume-conditions">
            <caption className="visually-hidden">Conditions</caption>
            <thead>
              <tr>
                <th scope="col">Condition</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Message</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {conditions.map((c) => (
                <tr key={c.type}>
                  <td>{c.type}</td>
                  <td>{c.status}</td>
                  <td>{c.reason ?? ''}</td>
                  <td>{c.message ?? ''}</td>
                  <td>{c.lastTransitionTime ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="shared">
        <h2 id="shared">Shared with</h2>
        {scopes.length === 0 ? (
          <p data-state="empty">Not shared: usable in its own project only.</p>
        ) : (
          <ul data-testid="volume-scopes">
            {scopes.map((s) => (
              <li key={`${s.scopeType}/${s.scopeId}`}>
                {s.scopeType} {s.scopeName ?? s.scopeId}
                {s.scopeName !== undefined && s.scopeName !== s.scopeId ? ` (${s.scopeId})` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="usage">
        <h2 id="usage">Used by</h2>
        <Usage id={volume.id} />
      </section>
    </>
  );
}
