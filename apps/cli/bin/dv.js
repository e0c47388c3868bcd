#!/usr/bin/env node
// `npx dv …` in the workspace (the root package.json's bin). Runs the command line from its TypeScript
// sources through the workspace's swc hook; `npm run build` style packaging uses dist/apps/cli/main.js.
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
require(path.join(root, 'scripts', 'ts-register.js'));
require(path.join(root, 'apps', 'cli', 'src', 'main.ts'));
