// The console's production build: dist/apps/console, served by the gateway at /console/ (decision 0027).
import react from '@vitejs/plugin-react';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: resolve(here, '../../dist/apps/console'),
    emptyOutDir: true,
    // No inline script anywhere (the CSP has no 'unsafe-inline'): Vite's preload helper stays in the bundle.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
});
