import { type FormEvent, useMemo, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { ROLES_PATH, type Role } from '../../api/types/roles';
import { useApi } from '../../app/console-context';
import { ErrorState } from '../../app/states';
import { useLoad } from '../../app/use-load';
import { type Column, DataTable } from '../../table/DataTable';
import { apiSource } from '../../table/api-source';
import { apiFieldErrors } from '../create-volume/field-errors';
import { ScopeTree } from '../scope-tree/ScopeTree';
import { type ScopeRef, scopeKey } from '../scope-tree/scope-tree';
import { loadScopeTree } from '../scope-tree/use-scope-tree';
import { ACCESS_RULES_PATH, type AccessRule, type AccessRulePage, SUBJECT_TYPES } from './access-rule';
import './access-rules.css';

/**
 * Access rules: the table (the API's filters, search, sort, paging, CSV), a form creating one
 * (subject, role, scope from the tree of scopes where the person may create rules) and a delete per row.
 */
export default function AccessRulesPage() {
  const api = useApi();
  // A new source after each change: the table reads again.
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const source = useMemo(
    () => apiSource<AccessRule>(api, { path: ACCESS_RULES_PATH, countPath: `${ACCESS_RULES_PATH}/count`, rows: (a) => (a as AccessRulePage).accessRules }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, version],
  );
  const remove = (rule: AccessRule) => {
    if (!window.confirm(`Delete access rule ${rule.id}: ${rule.subjectId} as ${rule.roleName} in ${rule.scopeName}?`)) return;
    api
      .delete<unknown>(`${ACCESS_RULES_PATH}/${rule.id}`)
      .then(() => {
        setNotice({ ok: true, text: `Access rule ${rule.id} deleted.` });
        setVersion((v) => v + 1);
      })
      .catch((error: unknown) => setNotice({ ok: false, text: error instanceof Error ? error.message : String(error) }));
  };
  const columns: readonly Column<AccessRule>[] = [
    { key: 'id', header: 'Id', value: (r) => String(r.id), sortable: false, filterable: false },
    { key: 'subjectType', header: 'Subject type', value: (r) => r.subjectType },
    { key: 'subjectId', header: 'Subject', value: (r) => r.subjectId },
    { key: 'roleName', header: 'Role', value: (r) => r.roleName },
    { key: 'scopeType', header: 'Scope type', value: (r) => r.scopeType },
    { key: 'scopeName', header: 'Scope', value: (r) => r.scopeName },
    { key: 'scopeId', header: 'Scope id', value: (r) => r.scopeId, hidden: true },
    { key: 'createdBy', header: 'Created by', value: (r) => r.createdBy },
    { key: 'createdAt', header: 'Creation time', value: (r) => r.createdAt },
    {
      key: 'actions',
      header: 'Actions',
      value: () => '',
      sortable: false,
      filterable: false,
      render: (r) => (
        <button type="button" onClick={() => remove(r)} aria-label={`Delete access rule ${r.id} (${r.subjectId}, ${r.roleName}, ${r.scopeName})`}>
          Delete
        </button>
      ),
    },
  ];
  return (
    <>
      <h1>Access rules</h1>
      {notice !== undefined && (
        <p role={notice.ok ? 'status' : 'alert'} className={notice.ok ? 'note' : 'note error'} data-testid="access-rule-notice">
          {notice.text}
        </p>
      )}
      <details className="create-rule">
        <summary>New access rule</summary>
        <CreateRuleForm
          onCreated={(rule) => {
            setNotice({ ok: true, text: `Access rule ${rule.id} created: ${rule.subjectId} is ${rule.roleName} in ${rule.scopeName}.` });
            setVersion((v) => v + 1);
          }}
        />
      </details>
      <DataTable
        key={version}
        title="Access rules"
        columns={columns}
        source={source}
        rowKey={(r) => String(r.id)}
        initialSort={{ by: 'createdAt', order: 'desc' }}
        emptyText="No access rule matches."
      />
    </>
  );
}

const FIELDS = ['subjectType', 'subjectId', 'roleId', 'scopeType', 'scopeId'];

function CreateRuleForm({ onCreated }: { onCreated: (rule: AccessRule) => void }) {
  const api = useApi();
  const loaded = useLoad('create-rule', async (signal) => {
    const [roles, tree] = await Promise.all([api.get<Role[]>(ROLES_PATH, {}, signal), loadScopeTree(api, 'access_rules', ['create'], signal)]);
    return { roles: [...roles].sort((a, b) => a.name.localeCompare(b.name)), tree };
  });
  const [subjectType, setSubjectType] = useState<string>('user');
  const [subjectId, setSubjectId] = useState('');
  const [roleId, setRoleId] = useState('');
  const [scope, setScope] = useState<ScopeRef | undefined>(undefined);
  const [errors, setErrors] = useState<Record<string, string>>({});
  if (loaded.error !== undefined) return <ErrorState error={loaded.error} />;
  if (loaded.data === undefined) return <p aria-busy="true">Loading roles and scopes…</p>;
  const { roles, tree } = loaded.data;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (subjectId.trim() === '') missing['subjectId'] = 'Name the subject.';
    if (roleId === '') missing['roleId'] = 'Pick a role.';
    if (scope === undefined) missing['scopeId'] = 'Pick a scope in the tree.';
    if (Object.keys(missing).length > 0 || scope === undefined) return setErrors(missing);
    setErrors({});
    api
      .post<AccessRule>(ACCESS_RULES_PATH, {
        subjectType,
        subjectId: subjectId.trim(),
        roleId: Number(roleId),
        scopeType: scope.scopeType,
        scopeId: scope.scopeId,
      })
      .then((rule) => {
        setSubjectId('');
        onCreated(rule);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError) {
          const found = apiFieldErrors(error, FIELDS);
          // The scope's type and id are one pick: their errors show at the tree.
          if (found['scopeType'] !== undefined) found['scopeId'] = found['scopeType'];
          setErrors(found);
        } else setErrors({ '': String(error) });
      });
  };
  const creatable = tree.permitted.create ?? new Set<string>();
  return (
    <form className="rule-form" onSubmit={submit} noValidate aria-label="New access rule">
      {errors[''] !== undefined && (
        <p className="note error" role="alert">
          {errors['']}
        </p>
      )}
      <div className="field">
        <label htmlFor="ar-subject-type">Subject type</label>
        <select id="ar-subject-type" value={subjectType} onChange={(e) => setSubjectType(e.target.value)}>
          {SUBJECT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="ar-subject">Subject</label>
        <input
          id="ar-subject"
          value={subjectId}
          onChange={(e) => setSubjectId(e.target.value)}
          aria-invalid={errors['subjectId'] !== undefined}
          aria-describedby="ar-subject-note"
        />
        <span id="ar-subject-note" className="note error">
          {errors['subjectId'] ?? errors['subjectType']}
        </span>
      </div>
      <div className="field">
        <label htmlFor="ar-role">Role</label>
        <select
          id="ar-role"
          value={roleId}
          onChange={(e) => setRoleId(e.target.value)}
          aria-invalid={errors['roleId'] !== undefined}
          aria-describedby="ar-role-note"
        >
          <option value="">Pick a role</option>
          {roles.map((r) => (
            <option key={r.id} value={String(r.id)}>
              {r.name}
            </option>
          ))}
        </select>
        <span id="ar-role-note" className="note error">
          {errors['roleId']}
        </span>
      </div>
      <ScopeTree
        label="Scope"
        roots={tree.roots}
        mode="single"
        checked={new Set(scope === undefined ? [] : [scopeKey(scope)])}
        selectable={(node) => creatable.has(scopeKey(node))}
        onToggle={(node) => setScope({ scopeType: node.scopeType, scopeId: node.scopeId })}
      />
      <span className="note error" role={errors['scopeId'] === undefined ? undefined : 'alert'}>
        {errors['scopeId']}
      </span>
      <button type="submit" className="primary">
        Create access rule
      </button>
    </form>
  );
}
