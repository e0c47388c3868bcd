import { join } from 'node:path';

/** The committed OpenAPI document (`npm run api:generate` writes it). */
export const OPENAPI_FILE = join(__dirname, '../../../../docs/api/openapi.json');
