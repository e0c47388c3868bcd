import { summarizeIssues } from '@dv/contracts';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage } from '../errors/error-message';
import { systemErrorCode } from '../errors/system-error-code';
import { emptyState, type PublisherState, publisherStateSchema } from './publisher-state';

/** Raised for a state file that exists but cannot be used: the operator must look, not the publisher guess. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** Reads the state file; a missing file is the empty state (first run). */
export async function readStateFile(path: string): Promise<PublisherState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    if (systemErrorCode(error) === 'ENOENT') return emptyState();
    throw new StateFileError(`cannot read state file ${path}: ${errorMessage(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error: unknown) {
    throw new StateFileError(`state file ${path} is not JSON (${errorMessage(error)}); fix or remove it`);
  }
  const parsed = publisherStateSchema.safeParse(json);
  if (!parsed.success) throw new StateFileError(`state file ${path} is not a platform-publisher state: ${summarizeIssues(parsed.error)}; fix or remove it`);
  return parsed.data;
}

/** Writes through a temporary file and a rename, so a crash never leaves half a state file. */
export async function writeStateFile(path: string, state: PublisherState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, path);
}
