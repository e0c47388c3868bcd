import { useMemo, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { type DataVolume, type SharedScope, type VolumeList, VOLUMES_PATH } from '../../api/types/datavolumes';
import { useApi } from '../../app/console-context';
import { navigate } from '../../app/router';
import { ErrorState } from '../../app/states';
import { useLoad } from '../../app/use-load';
import { ScopeTree } from '../scope-tree/ScopeTree';
import { type ScopeNode, type ScopeRef, scopeKey } from '../scope-tree/scope-tree';
import { loadScopeTree } from '../scope-tree/use-scope-tree';
import { type SharingChange, type SharingPreview, type UsingWorkload, changeProblem, previewSharing } from './sharing-preview';
import './sharing.css';

const SHAREABLE = new Set(['cluster', 'department', 'project']);

/**
 * Sharing a data volume: the tree of scopes the person may share into (or unshare from), the change
 * picked there (at most 50 adds and 50 removals), what it will do before it is applied (projects that
 * gain or lose the volume, and the workloads using it in those that lose it), then the PATCH.
 */
export default function SharingPage({ params }: { params: Readonly<Record<string, string>> }) {
  const api = useApi();
  const volumeId = params['id'] ?? '';
  const volumes = useLoad('sharing-volumes', (signal) =>
    api.get<VolumeList>(VOLUMES_PATH, { requestType: 'Originated', limit: 500, sortBy: 'name', sortOrder: 'asc' }, signal),
  );
  return (
    <>
      <h1>Sharing</h1>
      {volumes.error !== undefined ? (
        <ErrorState error={volumes.error} />
      ) : (
        <div className="field">
          <label htmlFor="sharing-volume">Data volume</label>
          <select id="sharing-volume" value={volumeId} onChange={(e) => navigate(e.target.value === '' ? '/sharing' : `/sharing/${e.target.value}`)}>
            <option value="">
              {volumes.loading ? 'Loading…' : (volumes.data?.datavolumes.length ?? 0) === 0 ? 'No data volume yet' : 'Pick a data volume'}
            </option>
            {(volumes.data?.datavolumes ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                {v.name} ({v.projectName})
              </option>
            ))}
          </select>
        </div>
      )}
      {volumeId !== '' && <VolumeSharing key={volumeId} volumeId={volumeId} />}
    </>
  );
}

function VolumeSharing({ volumeId }: { volumeId: string }) {
  const api = useApi();
  const loaded = useLoad(volumeId, async (signal) => {
    const path = `${VOLUMES_PATH}/${encodeURIComponent(volumeId)}`;
    const [volume, shared, tree, usage] = await Promise.all([
      api.get<DataVolume>(path, {}, signal),
      api.get<SharedScope[]>(`${path}/sharedScopes`, {}, signal),
      loadScopeTree(api, 'datavolumes/sharedscopes', ['create', 'delete'], signal),
      api.get<{ workloads: UsingWorkload[] }>(`/api/dv/v1/datavolumes/${encodeURIComponent(volumeId)}/usage`, {}, signal).catch((error: unknown) => {
        // Who may share may not see the workloads: the preview then says so rather than failing the page.
        if (error instanceof ApiError && error.status === 403) return undefined;
        throw error;
      }),
    ]);
    return { volume, shared, tree, workloads: usage?.workloads };
  });
  const [add, setAdd] = useState<ReadonlyMap<string, ScopeRef>>(new Map());
  const [remove, setRemove] = useState<ReadonlyMap<string, ScopeRef>>(new Map());
  const [preview, setPreview] = useState<SharingPreview | undefined>(undefined);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [applying, setApplying] = useState(false);
  // The list the PATCH answered: the truth after the change (a read right after might not have seen it yet).
  const [applied, setApplied] = useState<SharedScope[] | undefined>(undefined);
  const change: SharingChange = useMemo(() => ({ add: [...add.values()], remove: [...remove.values()] }), [add, remove]);

  if (loaded.error !== undefined) return <ErrorState error={loaded.error} />;
  if (loaded.data === undefined) return <p aria-busy="true">Loading the sharing list…</p>;
  const { volume, tree, workloads } = loaded.data;
  const shared = applied ?? loaded.data.shared;
  const sharedKeys = new Set(shared.map(scopeKey));
  const checked = new Set([...sharedKeys, ...add.keys()].filter((k) => !remove.has(k)));
  const canAdd = tree.permitted.create ?? new Set<string>();
  const canRemove = tree.permitted.delete ?? new Set<string>();
  const selectable = (node: ScopeNode): boolean => {
    const key = scopeKey(node);
    if (!SHAREABLE.has(node.scopeType) || (node.scopeType === 'project' && node.scopeId === volume.projectId)) return false;
    return sharedKeys.has(key) ? canRemove.has(key) : canAdd.has(key);
  };
  const toggle = (node: ScopeNode, on: boolean) => {
    const key = scopeKey(node);
    const ref: ScopeRef = { scopeType: node.scopeType, scopeId: node.scopeId };
    setPreview(undefined);
    setResult(undefined);
    if (sharedKeys.has(key)) setRemove((m) => withEntry(m, key, ref, !on));
    else setAdd((m) => withEntry(m, key, ref, on));
  };
  const problem = changeProblem(change);
  const apply = () => {
    setApplying(true);
    api
      .patch<SharedScope[]>(`${VOLUMES_PATH}/${encodeURIComponent(volumeId)}/sharedScopes`, change)
      .then((list) => {
        setResult({ ok: true, text: `Applied. ${volume.name} is now shared with ${list.length} scope(s).` });
        setApplied(list);
        setAdd(new Map());
        setRemove(new Map());
        setPreview(undefined);
      })
      .catch((error: unknown) => setResult({ ok: false, text: error instanceof Error ? error.message : String(error) }))
      .finally(() => setApplying(false));
  };
  const outside = shared.filter((s) => !treeHas(tree.roots, scopeKey(s)));
  return (
    <section aria-label={`Sharing of ${volume.name}`} className="sharing">
      <p>
        <strong>{volume.name}</strong> originates in project {volume.projectName}. Shared with:{' '}
        <span data-testid="shared-with">
          {shared.length === 0 ? 'no scope yet' : shared.map((s) => `${s.scopeType} ${s.scopeName ?? s.scopeId}`).join(', ')}
        </span>
      </p>
      {outside.length > 0 && (
        <p className="note">Also shared with scopes outside those you may change: {outside.map((s) => s.scopeName ?? s.scopeId).join(', ')}.</p>
      )}
      <ScopeTree
        label="Scopes to share with"
        roots={tree.roots}
        mode="multi"
        checked={checked}
        selectable={selectable}
        onToggle={toggle}
        changed={new Set([...add.keys(), ...remove.keys()])}
      />
      <p className="note" aria-live="polite" data-testid="change-summary">
        {add.size} to add, {remove.size} to remove (at most 50 of each at once).
      </p>
      <div className="actions">
        <button
          type="button"
          disabled={problem !== undefined}
          onClick={() => setPreview(previewSharing({ tree: tree.roots, originProjectId: volume.projectId, shared, change, workloads: workloads ?? [] }))}
        >
          Preview the change
        </button>
        <button type="button" className="primary" disabled={problem !== undefined || preview === undefined || applying} onClick={apply}>
          {applying ? 'Applying…' : 'Apply'}
        </button>
      </div>
      {problem !== undefined && add.size + remove.size > 0 && (
        <p className="note error" role="alert">
          {problem}
        </p>
      )}
      {preview !== undefined && <Preview preview={preview} workloadsKnown={workloads !== undefined} />}
      {result !== undefined && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'note' : 'note error'} data-testid="sharing-result">
          {result.text}
        </p>
      )}
    </section>
  );
}

function Preview({ preview, workloadsKnown }: { preview: SharingPreview; workloadsKnown: boolean }) {
  return (
    <section className="preview" aria-label="What the change will do" data-testid="sharing-preview">
      <h2>What the change will do</h2>
      <h3>Projects that gain the volume</h3>
      {preview.gain.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {preview.gain.map((p) => (
            <li key={p.projectId}>{p.name}</li>
          ))}
        </ul>
      )}
      <h3>Projects that lose the volume</h3>
      {preview.lose.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {preview.lose.map((p) => (
            <li key={p.projectId}>
              {p.name}
              {!workloadsKnown
                ? ' (you may not see which workloads use it there)'
                : p.workloads.length === 0
                  ? ': no workload uses it there'
                  : `: used there by ${p.workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`).join(', ')}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function withEntry(map: ReadonlyMap<string, ScopeRef>, key: string, ref: ScopeRef, present: boolean): ReadonlyMap<string, ScopeRef> {
  const next = new Map(map);
  if (present) next.set(key, ref);
  else next.delete(key);
  return next;
}

function treeHas(nodes: readonly ScopeNode[], key: string): boolean {
  return nodes.some((n) => scopeKey(n) === key || treeHas(n.children, key));
}
