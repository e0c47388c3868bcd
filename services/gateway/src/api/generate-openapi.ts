// `npm run api:generate` (with the AsyncAPI of tools/api-docs): writes docs/api/openapi.json from the
// operations' descriptors; `--check` writes nothing and exits 1 when the committed file is stale.
// node -r ./scripts/ts-register.js services/gateway/src/api/generate-openapi.ts [--check]
import { ALL_OPERATIONS } from './all-operations';
import { documentText, writeOrCheck } from './api-document-file';
import { openApiDocument } from './openapi-document';
import { OPENAPI_FILE } from './openapi-file';

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const outcome = await writeOrCheck(OPENAPI_FILE, documentText(openApiDocument(ALL_OPERATIONS)), check);
  if (outcome === 'stale') {
    process.stderr.write(`docs/api/openapi.json is stale: regenerate it with npm run api:generate\n`);
    return 1;
  }
  process.stderr.write(`docs/api/openapi.json ${outcome}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`generate-openapi: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
