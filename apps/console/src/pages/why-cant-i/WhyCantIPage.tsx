import { type FormEvent, type ReactNode, useMemo, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { ROLES_PATH, type Role } from '../../api/types/roles';
import { useApi } from '../../app/console-context';
import { ErrorState } from '../../app/states';
import { useLoad } from '../../app/use-load';
import { apiFieldErrors } from '../create-volume/field-errors';
import './why-cant-i.css';

const ACTIONS = ['read', 'create', 'update', 'delete'] as const;
const SCOPE_TYPES = ['system', 'tenant', 'cluster', 'department', 'project'] as const;
const SUBJECT_TYPES = ['user', 'app', 'service-account'] as const;

interface Decision {
  allowed: boolean;
  reason: string;
  message: string;
  grantedBy?: { ruleId: string; subjectType: string; subjectId: string; roleName: string; scopeType: string; scopeId: string };
  scopePath: { scopeType: string; scopeId: string; name: string }[];
}

interface WhoCan {
  subjects: { subjectType: string; subjectId: string; via: { ruleId: string; roleName: string; scopeType: string; scopeId: string }[] }[];
}

type Answer<T> = { data: T } | { error: unknown };

/**
 * "Why can't I?": for a subject (the person by default), an action, a resource type and a scope, the
 * decision with its explanation (`/api/dv/v1/check`: the deciding rule and the scope path), and who
 * can do it there (`/api/dv/v1/who-can`, for whoever may read access rules in that scope).
 */
export default function WhyCantIPage() {
  const api = useApi();
  // The resource types are the entities of the role catalog: the console keeps no list of its own.
  const roles = useLoad('why-roles', (signal) => api.get<Role[]>(ROLES_PATH, {}, signal));
  const resourceTypes = useMemo(() => {
    const names = new Map<string, string>();
    for (const role of roles.data ?? []) for (const p of role.permissions) names.set(p.resourceType, p.displayName);
    return [...names.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  }, [roles.data]);
  const [who, setWho] = useState<'me' | 'other'>('me');
  const [subjectType, setSubjectType] = useState<string>('user');
  const [subjectId, setSubjectId] = useState('');
  const [action, setAction] = useState<string>('read');
  const [resourceType, setResourceType] = useState('datavolumes');
  const [scopeType, setScopeType] = useState<string>('project');
  const [scopeId, setScopeId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ decision: Answer<Decision>; whoCan: Answer<WhoCan> } | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (who === 'other' && subjectId.trim() === '') missing['subject.subjectId'] = 'Name the subject, or ask about yourself.';
    if (scopeId.trim() === '') missing['scope.scopeId'] = 'Name the scope (its id).';
    if (Object.keys(missing).length > 0) return setErrors(missing);
    setErrors({});
    setBusy(true);
    const scope = { scopeType, scopeId: scopeId.trim() };
    const body = { action, resourceType, scope, ...(who === 'other' ? { subject: { subjectType, subjectId: subjectId.trim() } } : {}) };
    const settle = <T,>(p: Promise<T>): Promise<Answer<T>> =>
      p.then(
        (data) => ({ data }),
        (error: unknown) => ({ error }),
      );
    void Promise.all([
      settle(api.post<Decision>('/api/dv/v1/check', body)),
      settle(api.post<WhoCan>('/api/dv/v1/who-can', { action, resourceType, scope })),
    ]).then(([decision, whoCan]) => {
      setBusy(false);
      if ('error' in decision && decision.error instanceof ApiError && decision.error.status === 400) {
        setErrors(apiFieldErrors(decision.error, ['subject.subjectId', 'scope.scopeId', 'action', 'resourceType']));
        return setResult(undefined);
      }
      setResult({ decision, whoCan });
    });
  };

  return (
    <Page>
      <form className="why-form" onSubmit={ask} noValidate aria-label="Ask why">
        <fieldset>
          <legend>Who</legend>
          <label>
            <input type="radio" name="who" checked={who === 'me'} onChange={() => setWho('me')} /> Me
          </label>
          <label>
            <input type="radio" name="who" checked={who === 'other'} onChange={() => setWho('other')} /> Someone else
          </label>
          {who === 'other' && (
            <div className="row">
              <label className="field">
                <span>Subject type</span>
                <select value={subjectType} onChange={(e) => setSubjectType(e.target.value)}>
                  {SUBJECT_TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>Subject</span>
                <input
                  value={subjectId}
                  onChange={(e) => setSubjectId(e.target.value)}
                  aria-invalid={errors['subject.subjectId'] !== undefined}
                  aria-describedby="why-subject-note"
                />
              </label>
              <span id="why-subject-note" className="note error">
                {errors['subject.subjectId']}
              </span>
            </div>
          )}
        </fieldset>
        <div className="row">
          <label className="field">
            <span>Action</span>
            <select id="why-action" value={action} onChange={(e) => setAction(e.target.value)}>
              {ACTIONS.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Resource type</span>
            {roles.error !== undefined ? (
              // Whoever may not read the role catalog types the resource type (datavolumes, access_rules…).
              <input id="why-resource-type" value={resourceType} onChange={(e) => setResourceType(e.target.value)} />
            ) : (
              <select id="why-resource-type" value={resourceType} onChange={(e) => setResourceType(e.target.value)} disabled={roles.loading}>
                {resourceTypes.length === 0 && <option value="datavolumes">Data volumes</option>}
                {resourceTypes.map(([type, name]) => (
                  <option key={type} value={type}>
                    {name} ({type})
                  </option>
                ))}
              </select>
            )}
          </label>
          <label className="field">
            <span>Scope type</span>
            <select id="why-scope-type" value={scopeType} onChange={(e) => setScopeType(e.target.value)}>
              {SCOPE_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Scope id</span>
            <input
              id="why-scope-id"
              value={scopeId}
              onChange={(e) => setScopeId(e.target.value)}
              aria-invalid={errors['scope.scopeId'] !== undefined}
              aria-describedby="why-scope-note"
            />
          </label>
        </div>
        <span id="why-scope-note" className="note error">
          {errors['scope.scopeId'] ?? errors['']}
        </span>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Asking…' : 'Ask'}
        </button>
      </form>
      {result !== undefined && <DecisionView answer={result.decision} />}
      {result !== undefined && <WhoCanView answer={result.whoCan} />}
    </Page>
  );
}

function Page({ children }: { children: ReactNode }) {
  return (
    <>
      <h1>Why can&apos;t I?</h1>
      {children}
    </>
  );
}

function DecisionView({ answer }: { answer: Answer<Decision> }) {
  if ('error' in answer) return <ErrorState error={answer.error} />;
  const d = answer.data;
  return (
    <section className={d.allowed ? 'decision allowed' : 'decision denied'} aria-label="The decision" data-testid="decision" data-allowed={String(d.allowed)}>
      <h2>{d.allowed ? 'Allowed' : 'Not allowed'}</h2>
      <p>{d.message}</p>
      {d.grantedBy !== undefined && (
        <p>
          Granted by rule {d.grantedBy.ruleId}: {d.grantedBy.subjectType} {d.grantedBy.subjectId} is {d.grantedBy.roleName} in {d.grantedBy.scopeType}{' '}
          {d.grantedBy.scopeId}.
        </p>
      )}
      {d.scopePath.length > 0 && (
        <p>
          Scopes looked at: <span data-testid="scope-path">{d.scopePath.map((s) => `${s.scopeType} ${s.name}`).join(' › ')}</span>
        </p>
      )}
    </section>
  );
}

function WhoCanView({ answer }: { answer: Answer<WhoCan> }) {
  if ('error' in answer) {
    if (answer.error instanceof ApiError && answer.error.status === 403) {
      return (
        <p className="state" data-state="403" data-testid="who-can">
          You may not see who can do this there (that needs access rules read in the scope).
        </p>
      );
    }
    return <ErrorState error={answer.error} />;
  }
  return (
    <section aria-label="Who can" data-testid="who-can">
      <h2>Who can do it there</h2>
      {answer.data.subjects.length === 0 ? (
        <p>Nobody.</p>
      ) : (
        <table aria-label="Subjects who can">
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">Through</th>
            </tr>
          </thead>
          <tbody>
            {answer.data.subjects.map((s) => (
              <tr key={`${s.subjectType}:${s.subjectId}`}>
                <td>
                  {s.subjectType} {s.subjectId}
                </td>
                <td>{s.via.map((v) => `${v.roleName} in ${v.scopeType} ${v.scopeId} (rule ${v.ruleId})`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
