import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { browserOpener, openInBrowser } from './open-browser';

describe('the browser opener', () => {
  it('is xdg-open on Linux and open on macOS when on PATH (executable), none on Windows or when missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dv-opener-'));
    writeFileSync(join(dir, 'xdg-open'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'open'), '#!/bin/sh\n', { mode: 0o644 }); // not executable
    expect(browserOpener({ PATH: `/nonexistent:${dir}` }, 'linux')).toBe(join(dir, 'xdg-open'));
    expect(browserOpener({ PATH: dir }, 'darwin')).toBeUndefined();
    expect(browserOpener({ PATH: dir }, 'win32')).toBeUndefined();
    expect(browserOpener({ PATH: '/nonexistent' }, 'linux')).toBeUndefined();
  });

  it('hands the URL, untouched, to the opener it finds (here a stand-in xdg-open recording its argument)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dv-opener-'));
    const record = join(dir, 'opened.txt');
    writeFileSync(join(dir, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`, { mode: 0o755 });
    const url = 'http://127.0.0.1:1/oauth2/auth?client_id=dv-cli&state=a%20b&redirect_uri=http%3A%2F%2F127.0.0.1%3A2%2Fcallback';
    expect(openInBrowser(url, { PATH: dir })).toBe(true); // Linux, as CI
    const opened = await waitForFile(record);
    expect(opened).toBe(url);
    expect(openInBrowser(url, { PATH: '/nonexistent' })).toBe(false);
  });
});

async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      if (text !== '') return text;
    }
    await sleep(50);
  }
  throw new Error(`${path} was not written`);
}
