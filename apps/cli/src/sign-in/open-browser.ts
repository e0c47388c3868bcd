import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Env } from '../core/config-file';

/** The system's "open this URL" command: `open` on macOS, `xdg-open` elsewhere, when it is on PATH. */
export function browserOpener(env: Env, platform: NodeJS.Platform = process.platform): string | undefined {
  const name = platform === 'darwin' ? 'open' : platform === 'win32' ? undefined : 'xdg-open';
  if (name === undefined) return undefined;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Opens the URL in the person's browser, detached (its output is not ours); false when there is nothing to open it with. */
export function openInBrowser(url: string, env: Env): boolean {
  const opener = browserOpener(env);
  if (opener === undefined) return false;
  try {
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore', env: { ...env } });
    child.on('error', () => undefined); // the URL is printed anyway
    child.unref();
    return true;
  } catch {
    return false;
  }
}
