import { useEffect, useState } from 'react';
import { useApi } from '../../app/console-context';

interface PermittedScopes {
  read?: { projects?: readonly { id: string; name?: string }[] | readonly string[] };
}

/**
 * The projects whose usable volumes the person may list (`POST /permitted-scopes` for datavolumes
 * read), or "Originated" for none picked. When the API does not list them, a project id can be typed.
 */
export function ProjectPicker({ value, onChange }: { value: string; onChange: (project: string) => void }) {
  const api = useApi();
  const [projects, setProjects] = useState<readonly { id: string; name: string }[] | undefined>(undefined);
  useEffect(() => {
    api
      .post<PermittedScopes>('/api/v1/authorization/permitted-scopes', { resourceType: 'datavolumes', action: 'read' })
      .then((answer) => {
        const list = answer.read?.projects ?? [];
        setProjects(list.map((p) => (typeof p === 'string' ? { id: p, name: p } : { id: p.id, name: p.name ?? p.id })));
      })
      .catch(() => setProjects([]));
  }, [api]);
  return (
    <label className="field">
      <span>Show</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="project-picker">
        <option value="">Originated in my scopes</option>
        {(projects ?? []).map((p) => (
          <option key={p.id} value={p.id}>
            Usable in project {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
