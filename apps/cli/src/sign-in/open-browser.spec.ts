import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserOpener } from './open-browser';

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
});
