import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyState, type PublisherState } from './publisher-state';
import { StateFileError, readStateFile, writeStateFile } from './state-file';

describe('state file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-state-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a missing file as the empty state', async () => {
    await expect(readStateFile(join(dir, 'missing.json'))).resolves.toEqual(emptyState());
  });

  it('writes (creating its folder) and reads back', async () => {
    const state: PublisherState = {
      format: 1,
      entities: {
        'tenant:t1': {
          kind: 'tenant',
          id: 't1',
          version: 2,
          contentHash: 'a'.repeat(64),
          lastAction: 'updated',
          eventId: 'pp:tenant:updated:v2:aaaaaaaaaaaaaaaa:t1',
          data: { tenantId: 't1', name: 'T' },
          publishedAt: '2025-01-01T00:00:00.000Z',
        },
      },
    };
    const path = join(dir, 'nested', 'state.json');
    await writeStateFile(path, state);
    await expect(readStateFile(path)).resolves.toEqual(state);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('refuses a file that is not JSON or not a state, saying so', async () => {
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, '{');
    await expect(readStateFile(garbage)).rejects.toThrow(StateFileError);
    await expect(readStateFile(garbage)).rejects.toThrow(/is not JSON .*fix or remove it/);
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ format: 2, entities: {} }));
    await expect(readStateFile(other)).rejects.toThrow(/is not a platform-publisher state: format: /);
  });
});
