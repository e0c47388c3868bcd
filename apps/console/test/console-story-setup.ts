import { type DevIdentityProvider, freePort, registerConsoleClient, repoRoot } from '@dv/testing';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { type OrgRule } from '../../../services/gateway/test/gateway-harness';
import { AUDIENCE } from '../../../services/gateway/test/oidc-client';

export const DATA_VOLUME_ADMINISTRATOR = 2256;
export const L1_RESEARCHER = 5;
export const L2_RESEARCHER = 8;
export const CLOUD_SUPPORT = 1709;

/**
 * The org of the story (deploy/examples/org.yaml's users): dana's group administers data volumes in
 * department d1 (p1, p2), bob researches in p2, carol is an L2 researcher in p3 (department d2), oscar
 * is Cloud support at the system (reads the audit log and the access rules).
 */
export const CONSOLE_STORY_RULES: readonly OrgRule[] = [
  ['group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'department', 'd1'],
  ['user', 'bob@acme.example', L1_RESEARCHER, 'project', 'p2'],
  ['user', 'carol@acme.example', L2_RESEARCHER, 'project', 'p3'],
  ['user', 'oscar@acme.example', CLOUD_SUPPORT, 'system', 'system'],
];

const CONSOLE_DIST = join(repoRoot(), 'dist', 'apps', 'console');

let building: Promise<void> | undefined;

/**
 * The built console (dist/apps/console): built once when missing (npm test builds every project
 * before jest; a local run of one test file may not have). Set DV_CONSOLE_REBUILD=1 to build anyway.
 */
export function ensureConsoleBuilt(): Promise<void> {
  building ??= new Promise<void>((resolve, reject) => {
    if (existsSync(join(CONSOLE_DIST, 'index.html')) && process.env['DV_CONSOLE_REBUILD'] !== '1') return resolve();
    execFile(
      'npx',
      ['vite', 'build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn'],
      { cwd: repoRoot(), maxBuffer: 16 * 1024 * 1024 },
      (error, _out, stderr) => (error ? reject(new Error(`the console's build failed: ${stderr.slice(-3000)}`)) : resolve()),
    );
  });
  return building;
}

/**
 * The gateway's env serving the console: a port chosen first, so the console's client can be registered
 * at the provider with its redirect URI on the gateway's origin before the gateway starts.
 */
export async function consoleGatewayEnv(idp: DevIdentityProvider): Promise<Record<string, string>> {
  await ensureConsoleBuilt();
  const port = await freePort();
  const clientId = await registerConsoleClient(idp.adminUrl, `http://127.0.0.1:${port}`, AUDIENCE);
  return { GATEWAY_PORT: String(port), GATEWAY_CONSOLE_DIR: CONSOLE_DIST, GATEWAY_CONSOLE_CLIENT_ID: clientId };
}

/** Signs a person in the way a person does: the console's Sign in button, the provider's page, back to the console. */
export async function signIn(page: Page, baseUrl: string, user: string, password = 'dev-password'): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
  await page.locator('select[name="username"]').selectOption(user);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/console/') && !url.pathname.endsWith('/callback'));
  await page.getByTestId('signed-in-as').waitFor();
}

/** The test's screenshot folder (tmp/ is git-ignored), emptied first. */
export async function screenshotDir(name: string): Promise<string> {
  const dir = join(repoRoot(), 'tmp', 'console-screenshots', name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}
