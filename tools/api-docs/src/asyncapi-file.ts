import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The committed AsyncAPI document (`npm run api:generate` writes it). */
export const ASYNCAPI_FILE = join(__dirname, '../../../docs/api/asyncapi.json');

/** As committed: 2-space JSON and a final newline, so a regeneration diffs line by line. */
export function documentText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Writes the file, or (`check`) says whether the committed one is what the generator makes now. */
export async function writeOrCheck(path: string, text: string, check: boolean): Promise<'written' | 'up-to-date' | 'stale'> {
  if (!check) {
    await writeFile(path, text);
    return 'written';
  }
  return (await readFile(path, 'utf8').catch(() => undefined)) === text ? 'up-to-date' : 'stale';
}
