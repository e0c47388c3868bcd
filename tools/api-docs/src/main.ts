// `npm run api:generate` (with the gateway's OpenAPI): writes docs/api/asyncapi.json from libs/contracts;
// `--check` writes nothing and exits 1 when the committed file is stale.
// node -r ./scripts/ts-register.js tools/api-docs/src/main.ts [--check]
import { asyncApiDocument } from './asyncapi-document';
import { ASYNCAPI_FILE, documentText, writeOrCheck } from './asyncapi-file';

async function main(): Promise<number> {
  const outcome = await writeOrCheck(ASYNCAPI_FILE, documentText(asyncApiDocument()), process.argv.includes('--check'));
  if (outcome === 'stale') {
    process.stderr.write('docs/api/asyncapi.json is stale: regenerate it with npm run api:generate\n');
    return 1;
  }
  process.stderr.write(`docs/api/asyncapi.json ${outcome}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`api-docs: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
