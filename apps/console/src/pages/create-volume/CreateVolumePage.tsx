import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { useApi } from '../../app/console-context';
import { navigate } from '../../app/router';
import { ErrorState } from '../../app/states';
import { useLoad } from '../../app/use-load';
import { type ScopeNode, walk } from '../scope-tree/scope-tree';
import { loadScopeTree } from '../scope-tree/use-scope-tree';
import { apiFieldErrors } from './field-errors';
import { useDebounced } from './use-debounced';
import './create-volume.css';

interface OriginPvc {
  name: string;
  capacity: string;
  storageClassName: string;
}

interface Project {
  id: string;
  name: string;
  clusterId: string;
}

const FIELDS = ['projectId', 'originPvcName', 'name', 'description'] as const;
type Field = (typeof FIELDS)[number];
const DESCRIPTION_MAX = 127;
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The projects where the person may create data volumes, each with its cluster (name availability is per cluster). */
function projectsOf(roots: readonly ScopeNode[], permitted: ReadonlySet<string> | undefined): Project[] {
  return walk(roots)
    .filter(({ node }) => node.scopeType === 'project' && permitted?.has(`project:${node.scopeId}`) === true)
    .map(({ node, ancestors }) => ({ id: node.scopeId, name: node.name, clusterId: ancestors.find((a) => a.scopeType === 'cluster')?.scopeId ?? '' }));
}

type Availability = { state: 'idle' | 'checking' | 'free' } | { state: 'taken' | 'invalid' | 'unknown'; message: string };

/**
 * Create a data volume from a PVC: the project (where the person may create), a Bound PVC of its
 * namespace with its size and storage class, a name checked for availability as it is typed, a
 * description. The API's errors are shown next to the field they concern.
 */
export default function CreateVolumePage() {
  const api = useApi();
  const tree = useLoad('create-tree', (signal) => loadScopeTree(api, 'datavolumes', ['create'], signal));
  const projects = useMemo(() => (tree.data === undefined ? [] : projectsOf(tree.data.roots, tree.data.permitted.create)), [tree.data]);
  const [projectId, setProjectId] = useState('');
  const [pvc, setPvc] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field | '', string>>>({});
  const [submitting, setSubmitting] = useState(false);
  const project = projects.find((p) => p.id === projectId);

  const pvcs = useLoad(projectId, (signal) =>
    projectId === ''
      ? Promise.resolve(undefined)
      : api.get<{ namespace: string; pvcs: OriginPvc[] }>(`/api/dv/v1/projects/${encodeURIComponent(projectId)}/pvcs`, {}, signal),
  );

  const typed = useDebounced(name, 350);
  // Only the API's answer is state (set when it comes); idle, invalid and checking follow from the name typed.
  const checkKey = project === undefined || typed === '' || !NAME_PATTERN.test(typed) ? undefined : `${project.clusterId}/${typed}`;
  const [answered, setAnswered] = useState<{ key: string; availability: Availability } | undefined>(undefined);
  useEffect(() => {
    if (checkKey === undefined || project === undefined) return;
    const abort = new AbortController();
    const settle = (availability: Availability) => {
      if (!abort.signal.aborted) setAnswered({ key: checkKey, availability });
    };
    api
      .get<undefined>('/api/v1/datavolumes/name-availability', { dataName: typed, clusterId: project.clusterId }, abort.signal)
      .then(() => settle({ state: 'free' }))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 409) settle({ state: 'taken', message: `The name ${typed} is taken in this cluster.` });
        else if (error instanceof ApiError && error.status === 400)
          settle({ state: 'invalid', message: apiFieldErrors(error, ['dataName'])['dataName'] ?? error.message });
        else settle({ state: 'unknown', message: 'The name could not be checked now; it is checked again on create.' });
      });
    return () => abort.abort();
  }, [api, checkKey, typed, project]);
  const availability: Availability =
    typed === '' || project === undefined
      ? { state: 'idle' }
      : !NAME_PATTERN.test(typed)
        ? { state: 'invalid', message: 'Use lowercase letters, digits and dashes, starting and ending with a letter or digit.' }
        : typed !== name || answered === undefined || answered.key !== checkKey
          ? { state: 'checking' }
          : answered.availability;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing: Partial<Record<Field, string>> = {};
    if (projectId === '') missing.projectId = 'Pick a project.';
    if (pvc === '') missing.originPvcName = 'Pick a PVC.';
    if (name === '') missing.name = 'Give the data volume a name.';
    if (Object.keys(missing).length > 0) return setErrors(missing);
    setSubmitting(true);
    setErrors({});
    api
      .post<{ id: string }>('/api/v1/datavolumes', { name, projectId, originPvcName: pvc, ...(description === '' ? {} : { description }) })
      .then((created) => navigate(`/datavolumes/${created.id}`))
      .catch((error: unknown) => {
        setSubmitting(false);
        if (error instanceof ApiError && error.kind !== 'unauthenticated' && error.kind !== 'unavailable' && error.kind !== 'forbidden') {
          setErrors(apiFieldErrors(error, FIELDS));
        } else setErrors({ '': error instanceof Error ? error.message : String(error) });
      });
  };

  if (tree.error !== undefined)
    return (
      <Page>
        <ErrorState error={tree.error} />
      </Page>
    );
  if (tree.loading)
    return (
      <Page>
        <p aria-busy="true">Loading the projects where you may create data volumes…</p>
      </Page>
    );
  if (projects.length === 0) {
    return (
      <Page>
        <p className="state" data-state="empty">
          You may not create data volumes in any project. Ask for a role such as Data volume administrator.
        </p>
      </Page>
    );
  }
  const nameNote = errors.name ?? availabilityText(availability);
  return (
    <Page>
      <form className="create-volume" onSubmit={submit} noValidate aria-label="Create a data volume">
        {errors[''] !== undefined && (
          <p className="form-error" role="alert" data-testid="form-error">
            {errors['']}
          </p>
        )}
        <div className="field">
          <label htmlFor="cv-project">Project</label>
          <select
            id="cv-project"
            value={projectId}
            aria-invalid={errors.projectId !== undefined}
            aria-describedby="cv-project-note"
            onChange={(e) => {
              setProjectId(e.target.value);
              setPvc('');
            }}
          >
            <option value="">Pick a project</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <span id="cv-project-note" className="note error">
            {errors.projectId}
          </span>
        </div>
        <div className="field">
          <label htmlFor="cv-pvc">PVC (Bound, in the project's namespace)</label>
          <select
            id="cv-pvc"
            value={pvc}
            disabled={projectId === '' || pvcs.loading}
            aria-invalid={errors.originPvcName !== undefined}
            aria-describedby="cv-pvc-note"
            onChange={(e) => setPvc(e.target.value)}
          >
            <option value="">{projectId === '' ? 'Pick a project first' : pvcs.loading ? 'Loading…' : 'Pick a PVC'}</option>
            {(pvcs.data?.pvcs ?? []).map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} — {c.capacity || 'size unknown'}, {c.storageClassName || 'no storage class'}
              </option>
            ))}
          </select>
          <span id="cv-pvc-note" className={errors.originPvcName !== undefined || pvcs.error !== undefined ? 'note error' : 'note'} data-testid="pvc-note">
            {errors.originPvcName ??
              (pvcs.error instanceof Error
                ? pvcs.error.message
                : pvcs.data !== undefined && pvcs.data.pvcs.length === 0
                  ? `No Bound PVC in namespace ${pvcs.data.namespace}.`
                  : pvcs.data !== undefined
                    ? `${pvcs.data.pvcs.length} Bound PVC(s) in namespace ${pvcs.data.namespace}.`
                    : '')}
          </span>
        </div>
        <div className="field">
          <label htmlFor="cv-name">Name</label>
          <input
            id="cv-name"
            value={name}
            autoComplete="off"
            aria-invalid={errors.name !== undefined || availability.state === 'taken' || availability.state === 'invalid'}
            aria-describedby="cv-name-note"
            onChange={(e) => setName(e.target.value)}
          />
          <span
            id="cv-name-note"
            aria-live="polite"
            data-testid="name-note"
            data-availability={availability.state}
            className={errors.name !== undefined || availability.state === 'taken' || availability.state === 'invalid' ? 'note error' : 'note'}
          >
            {nameNote}
          </span>
        </div>
        <div className="field">
          <label htmlFor="cv-description">Description</label>
          <textarea
            id="cv-description"
            value={description}
            maxLength={DESCRIPTION_MAX}
            aria-invalid={errors.description !== undefined}
            aria-describedby="cv-description-note"
            onChange={(e) => setDescription(e.target.value)}
          />
          <span id="cv-description-note" className={errors.description !== undefined ? 'note error' : 'note'}>
            {errors.description ?? `${description.length}/${DESCRIPTION_MAX}`}
          </span>
        </div>
        <button type="submit" className="primary" disabled={submitting}>
          {submitting ? 'Creating…' : 'Create data volume'}
        </button>
      </form>
    </Page>
  );
}

function Page({ children }: { children: ReactNode }) {
  return (
    <>
      <h1>Create a data volume</h1>
      {children}
    </>
  );
}

function availabilityText(a: Availability): string {
  switch (a.state) {
    case 'idle':
      return 'Lowercase letters, digits and dashes; unique in the cluster.';
    case 'checking':
      return 'Checking the name…';
    case 'free':
      return 'The name is available.';
    default:
      return a.message;
  }
}
