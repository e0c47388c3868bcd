#!/usr/bin/env node
// The production build of one project: plain CommonJS JavaScript in dist/<project root>/, run with
// `node --enable-source-maps dist/<project root>/<entry>.js` (no TypeScript at start-up).
//
//   node scripts/build.js <project root> [entry under src/ ...]   (default entry: main.ts)
//   node scripts/build.js services/audit main.ts cli/export-audit.ts
//
// Starting from the entries it follows every require of the transpiled code: the project's own files
// and the @dv/* libraries it uses (the path aliases of tsconfig.base.json) are transpiled with the
// workspace's .swcrc (the same transform the tests and scripts/ts-register.js use, Nest's decorator
// metadata included), JSON files are copied, and every other module must be a runtime dependency of
// package.json (what `npm ci --omit=dev` installs in the image), else the build fails. Only what the
// entries reach is written, so a spec file or the test bed never lands in the output.
// Layout: the project's src/ at the top of the output folder, any other workspace file under its
// repository path (dist/services/audit/main.js, dist/services/audit/libs/messaging/src/index.js).
// Nx (`nx build <project>`) caches the output; run directly it always rebuilds (cheap: swc only).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const aliases = new Map(Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, path.join(root, target)]));
const runtimeDependencies = new Set(Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).dependencies ?? {}));
const builtins = new Set(builtinModules);

function fail(message) {
  process.stderr.write(`[build] ${message}\n`);
  process.exit(1);
}

/** The package name of a bare specifier (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The workspace file a relative or aliased specifier names, as Node (and tsc) would find it. */
function resolveSource(specifier, fromFile) {
  const base = aliases.get(specifier) ?? path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, `${base}.json`, path.join(base, 'index.ts'), path.join(base, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function build(projectRoot, entries) {
  const project = path.join(root, projectRoot);
  const src = path.join(project, 'src');
  const out = path.join(root, 'dist', projectRoot);
  if (!fs.existsSync(src)) fail(`${projectRoot}/src does not exist`);

  /** Where a workspace source file lands in the output. */
  const outputOf = (file) => {
    const relative = file.startsWith(src + path.sep) ? path.relative(src, file) : path.relative(root, file);
    return path.join(out, relative.replace(/\.ts$/, '.js'));
  };

  fs.rmSync(out, { recursive: true, force: true });
  const queue = entries.map((entry) => path.join(src, entry));
  const done = new Set();
  const external = new Set();
  let bytes = 0;
  while (queue.length > 0) {
    const file = queue.pop();
    if (done.has(file)) continue;
    done.add(file);
    if (!fs.existsSync(file)) fail(`entry ${path.relative(root, file)} does not exist`);
    const target = outputOf(file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!file.endsWith('.ts')) {
      fs.copyFileSync(file, target);
      bytes += fs.statSync(target).size;
      continue;
    }
    const { code, map } = transformSync(fs.readFileSync(file, 'utf8'), {
      ...swcrc,
      swcrc: false,
      filename: file,
      sourceFileName: path.relative(path.dirname(target), file),
      sourceMaps: true,
    });
    // Every import of the transpiled CommonJS is a literal require("…") (static and dynamic imports alike).
    const js = code.replace(/\brequire\("([^"]+)"\)/g, (call, specifier) => {
      if (specifier.startsWith('node:') || builtins.has(specifier)) return call;
      if (!specifier.startsWith('.') && !aliases.has(specifier)) {
        if (!runtimeDependencies.has(packageOf(specifier)))
          fail(`${path.relative(root, file)} requires "${specifier}", which is not a runtime dependency in package.json`);
        external.add(packageOf(specifier));
        return call;
      }
      const resolved = resolveSource(specifier, file);
      if (!resolved) fail(`${path.relative(root, file)}: cannot resolve "${specifier}"`);
      queue.push(resolved);
      let relative = path.relative(path.dirname(target), outputOf(resolved)).split(path.sep).join('/');
      if (!relative.startsWith('.')) relative = `./${relative}`;
      return `require(${JSON.stringify(relative)})`;
    });
    const text = `${js}\n//# sourceMappingURL=${path.basename(target)}.map\n`;
    fs.writeFileSync(target, text);
    fs.writeFileSync(`${target}.map`, map);
    bytes += Buffer.byteLength(text) + Buffer.byteLength(map);
  }
  process.stderr.write(
    `[build] ${projectRoot}: ${done.size} files, ${(bytes / 1024).toFixed(0)} KiB in ${path.relative(root, out)}/ (runtime packages: ${[...external].sort().join(', ')})\n`,
  );
}

const [projectRoot, ...entries] = process.argv.slice(2);
if (!projectRoot) fail('usage: node scripts/build.js <project root> [entry under src/ ...]');
build(projectRoot.replace(/\/+$/, ''), entries.length > 0 ? entries : ['main.ts']);
