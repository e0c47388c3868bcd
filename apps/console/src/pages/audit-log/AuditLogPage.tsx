import { type FormEvent, useMemo, useState } from 'react';
import { useApi } from '../../app/console-context';
import { type Column, DataTable } from '../../table/DataTable';
import { auditFileSearch, isoOfLocal, localOfIso } from './audit-query';
import { type AuditRecord, auditSource } from './audit-source';
import './audit-log.css';

const COLUMNS: readonly Column<AuditRecord>[] = [
  { key: 'seq', header: 'Seq', value: (r) => String(r.metadata.seq), filterable: false },
  { key: 'timestamp', header: 'Time', value: (r) => r.timestamp, filterable: false },
  { key: 'subject', header: 'Subject', value: (r) => r.subject },
  { key: 'subject_type', header: 'Subject type', value: (r) => r.subject_type, hidden: true },
  { key: 'action', header: 'Action', value: (r) => r.action },
  { key: 'entity_type', header: 'Entity type', value: (r) => r.entity_type },
  { key: 'entity_name', header: 'Entity', value: (r) => r.entity_name ?? '' },
  { key: 'entity_id', header: 'Entity id', value: (r) => r.entity_id ?? '', hidden: true },
  { key: 'result', header: 'Result', value: (r) => r.result },
  {
    key: 'scope_id',
    header: 'Scope',
    value: (r) => (r.metadata.scope_id === null ? '' : `${r.metadata.scope_type ?? ''} ${r.metadata.scope_id}`),
    hidden: true,
  },
  { key: 'cluster_id', header: 'Cluster', value: (r) => r.cluster_id ?? '', hidden: true },
  { key: 'event_type', header: 'Event', value: (r) => r.metadata.event_type, hidden: true },
  { key: 'request_id', header: 'Request id', value: (r) => r.request_id ?? '', hidden: true },
];

interface Verdict {
  ok: boolean;
  checked: number;
  fromSeq: number;
  toSeq: number;
  firstBad?: { seq: number; problem: string; message: string; id?: string };
}

function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The audit log: a time range (required: the API answers nothing without one), the table's filters,
 * search, sort and paging over it, export of the same range and filters (the API's file, streamed in
 * chain order), and Verify: whether the hash chain holds and, if not, the record that broke it.
 */
export default function AuditLogPage() {
  const api = useApi();
  const [startText, setStartText] = useState(() => localOfIso(new Date(Date.now() - 24 * 3_600_000).toISOString()));
  const [endText, setEndText] = useState(() => localOfIso(new Date(Date.now() + 3_600_000).toISOString()));
  const [range, setRange] = useState(() => ({ start: isoOfLocal(startText) ?? '', end: isoOfLocal(endText) ?? '' }));
  const [rangeError, setRangeError] = useState('');
  const source = useMemo(() => auditSource(api, range), [api, range]);
  const [exporting, setExporting] = useState('');
  const [verdict, setVerdict] = useState<{ verdict?: Verdict; error?: string; busy: boolean }>({ busy: false });

  const applyRange = (event: FormEvent) => {
    event.preventDefault();
    const start = isoOfLocal(startText);
    const end = isoOfLocal(endText);
    if (start === undefined || end === undefined) return setRangeError('Both the start and the end of the range are required.');
    if (Date.parse(end) < Date.parse(start)) return setRangeError('The end of the range is before its start.');
    setRangeError('');
    setRange({ start, end });
  };
  const exportAs = (fileType: 'CSV' | 'JSON') => {
    const q = source.lastQuery() ?? { ...range, filters: [], search: '', sortOrder: 'asc' as const, offset: 0, pageSize: 0 };
    setExporting(`Exporting ${fileType}…`);
    api
      .text(`/api/v1/audit/log/file?${auditFileSearch(q, fileType)}`)
      .then((text) => {
        saveFile(fileType === 'CSV' ? 'audit-log.csv' : 'audit-log.json', text, fileType === 'CSV' ? 'text/csv;charset=utf-8' : 'application/json');
        setExporting(`Exported ${fileType}.`);
      })
      .catch((error: unknown) => setExporting(`The export failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  const verify = () => {
    setVerdict({ busy: true });
    api
      .get<Verdict>('/api/dv/v1/audit/verify')
      .then((v) => setVerdict({ verdict: v, busy: false }))
      .catch((error: unknown) => setVerdict({ error: error instanceof Error ? error.message : String(error), busy: false }));
  };
  return (
    <>
      <h1>Audit log</h1>
      <form className="toolbar audit-range" onSubmit={applyRange} aria-label="Time range" noValidate>
        <label>
          <span>From</span>
          <input type="datetime-local" required value={startText} onChange={(e) => setStartText(e.target.value)} />
        </label>
        <label>
          <span>To</span>
          <input type="datetime-local" required value={endText} onChange={(e) => setEndText(e.target.value)} />
        </label>
        <button type="submit">Show range</button>
        {rangeError !== '' && (
          <span className="note error" role="alert">
            {rangeError}
          </span>
        )}
      </form>
      <div className="toolbar audit-actions">
        <button type="button" onClick={() => exportAs('CSV')}>
          Export CSV
        </button>
        <button type="button" onClick={() => exportAs('JSON')}>
          Export JSON
        </button>
        <button type="button" className="primary" onClick={verify} disabled={verdict.busy}>
          {verdict.busy ? 'Verifying…' : 'Verify'}
        </button>
        <span className="note" aria-live="polite">
          {exporting}
        </span>
      </div>
      <VerdictView {...verdict} />
      <DataTable
        key={`${range.start}/${range.end}`}
        title="Audit records"
        columns={COLUMNS}
        source={source}
        rowKey={(r) => r.id}
        initialSort={{ by: 'seq', order: 'desc' }}
        emptyText="No audit record in this range matches."
      />
    </>
  );
}

function VerdictView({ verdict, error }: { verdict?: Verdict; error?: string }) {
  if (error !== undefined) {
    return (
      <p className="verdict broken" role="alert" data-testid="verify-verdict" data-ok="error">
        The chain could not be verified: {error}
      </p>
    );
  }
  if (verdict === undefined) return null;
  if (verdict.ok) {
    return (
      <p className="verdict holds" role="status" data-testid="verify-verdict" data-ok="true">
        The chain holds: {verdict.checked} records checked (seq {verdict.fromSeq} to {verdict.toSeq}).
      </p>
    );
  }
  return (
    <p className="verdict broken" role="alert" data-testid="verify-verdict" data-ok="false">
      The chain is broken at record seq {verdict.firstBad?.seq ?? '?'}
      {verdict.firstBad?.id !== undefined ? ` (id ${verdict.firstBad.id})` : ''}: {verdict.firstBad?.problem ?? 'unknown problem'} —{' '}
      {verdict.firstBad?.message ?? ''}
    </p>
  );
}
