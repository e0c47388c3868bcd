import { useMemo, useState } from 'react';
import { useApi } from '../../app/console-context';
import { hrefOf, navigate } from '../../app/router';
import { type DataVolume, type VolumeList, VOLUMES_PATH } from '../../api/types/datavolumes';
import { apiSource } from '../../table/api-source';
import { type Column, DataTable } from '../../table/DataTable';
import { ProjectPicker } from './ProjectPicker';

const COLUMNS: readonly Column<DataVolume>[] = [
  {
    key: 'name',
    header: 'Name',
    value: (v) => v.name,
    render: (v) => (
      <a
        href={hrefOf(`/datavolumes/${v.id}`)}
        onClick={(e) => {
          e.preventDefault();
          navigate(`/datavolumes/${v.id}`);
        }}
      >
        {v.name}
      </a>
    ),
  },
  { key: 'phase', header: 'Status', value: (v) => v.status.phase },
  { key: 'projectName', header: 'Project', value: (v) => v.projectName },
  { key: 'projectId', header: 'Project id', value: (v) => v.projectId, hidden: true },
  { key: 'departmentId', header: 'Department', value: (v) => v.departmentId },
  { key: 'clusterId', header: 'Cluster', value: (v) => v.clusterId },
  { key: 'createdBy', header: 'Created by', value: (v) => v.createdBy },
  { key: 'createdAt', header: 'Creation time', value: (v) => v.createdAt },
  { key: 'description', header: 'Description', value: (v) => v.description ?? '', sortable: false, filterable: false, hidden: true },
];

/** Originated volumes, or with a project picked the ones usable there (shared with it or originating in it). */
export default function DataVolumesPage() {
  const api = useApi();
  const [project, setProject] = useState('');
  const source = useMemo(
    () =>
      apiSource<DataVolume>(api, {
        path: VOLUMES_PATH,
        countPath: `${VOLUMES_PATH}/count`,
        fixed: project === '' ? { requestType: 'Originated' } : { requestType: 'UsableInProject', usableInProjectId: project },
        rows: (answer) => (answer as VolumeList).datavolumes,
      }),
    [api, project],
  );
  return (
    <>
      <h1>Data volumes</h1>
      <ProjectPicker value={project} onChange={setProject} />
      <DataTable
        key={project}
        title={project === '' ? 'Data volumes originated in your scopes' : `Data volumes usable in project ${project}`}
        columns={COLUMNS}
        source={source}
        rowKey={(v) => v.id}
        initialSort={{ by: 'name', order: 'asc' }}
        emptyText="No data volume here yet."
      />
    </>
  );
}
