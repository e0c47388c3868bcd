// Exports a time range of the audit log to a file, chunk by chunk:
//   node -r ./scripts/ts-register.js services/audit/src/cli/export-audit.ts \
//     --from 2025-01-01T00:00:00Z --to 2025-02-01T00:00:00Z --format csv --out audit.csv
// NATS_URL names the server; AUDIT_IDENTITY (`<subjectType>:<subjectId>`) the caller.
import { SUBJECT_TYPES, type SubjectType } from '@dv/contracts';
import { RpcClient, connectNats, drainNats } from '@dv/messaging';
import { parseArgs } from 'node:util';
import { exportRange } from './export-range';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string', default: 'jsonl' }, out: { type: 'string' } },
  });
  const identity = process.env['AUDIT_IDENTITY'] ?? '';
  const i = identity.indexOf(':');
  const subjectType = identity.slice(0, i);
  if (
    !values.from ||
    !values.to ||
    !values.out ||
    (values.format !== 'jsonl' && values.format !== 'csv') ||
    i <= 0 ||
    !(SUBJECT_TYPES as readonly string[]).includes(subjectType)
  ) {
    process.stderr.write(
      'usage: AUDIT_IDENTITY=<subjectType>:<subjectId> NATS_URL=nats://… export-audit --from <iso> --to <iso> [--format jsonl|csv] --out <file>\n',
    );
    process.exit(2);
  }
  const nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', name: 'audit-export-cli' });
  try {
    const result = await exportRange(new RpcClient(nc), {
      from: values.from,
      to: values.to,
      format: values.format,
      file: values.out,
      identity: { subjectType: subjectType as SubjectType, subjectId: identity.slice(i + 1) },
    });
    process.stderr.write(`${result.records} records in ${result.chunks} chunks written to ${values.out}\n`);
  } finally {
    await drainNats(nc);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`export failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
