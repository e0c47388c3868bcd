import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One built file of the console, held in memory (the build is a few hundred KB) with its gzip form. */
export interface ConsoleFile {
  readonly body: Buffer;
  /** Only when it is smaller than the body. */
  readonly gzip: Buffer | undefined;
  readonly contentType: string;
  /** Vite's hashed assets (`assets/name-<hash>.js`): their name changes with their content, so they are cached for good. */
  readonly immutable: boolean;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A bound on what is read into memory: a console build is far below it; a wrong folder (a home directory) is refused. */
const MAX_FILES = 500;
const MAX_TOTAL_BYTES = 20 * 1024 * 1024;

export class ConsoleFilesError extends Error {
  override readonly name = 'ConsoleFilesError';
}

/**
 * Every file of the console's build folder by its URL path under the console (`index.html`,
 * `assets/index-abc123.js`). Read once at start: the files never change while the gateway runs, a
 * request can only get a file of this map (no path from the URL reaches the file system), and each
 * answer is a buffer already compressed. Source maps and dotfiles are left out.
 */
export function loadConsoleFiles(dir: string): ReadonlyMap<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  let total = 0;
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      const type = TYPES[extname(entry.name)];
      if (!entry.isFile() || type === undefined) continue;
      total += statSync(path).size;
      if (files.size >= MAX_FILES || total > MAX_TOTAL_BYTES) {
        throw new ConsoleFilesError(`${dir} holds more than ${MAX_FILES} files or ${MAX_TOTAL_BYTES} bytes: not a console build`);
      }
      const body = readFileSync(path);
      const gzip = gzipSync(body, { level: 9 });
      const key = relative(dir, path).split(sep).join('/');
      files.set(key, { body, gzip: gzip.length < body.length ? gzip : undefined, contentType: type, immutable: key.startsWith('assets/') });
    }
  };
  walk(dir);
  if (!files.has('index.html')) throw new ConsoleFilesError(`${dir} has no index.html: build the console first (npx nx build console)`);
  return files;
}
