import { readFile } from 'node:fs/promises';
import { type Page } from 'playwright-core';
/* eslint-disable @nx/enforce-module-boundaries -- the role catalog the authz service serves, to check the console against */
import catalog from '../../../services/authz/src/catalog/roles.json';
import { CATALOG_CREATED_AT, CATALOG_CREATED_BY } from '../../../services/authz/src/catalog/role-catalog';
/* eslint-enable @nx/enforce-module-boundaries */
import { ConsoleHarness, eventually } from './console-harness';

/**
 * The Roles page as the seeds describe it, in Debian's Chromium against the real system: sign-in at
 * the provider's login page, the table (Role, Created by, Creation time) with filter, search, sort,
 * column selection and the CSV download of all 18 roles checked cell by cell against the catalog, the
 * role review form (every entity with View / Edit / Create / Delete) and the permitted workloads; axe
 * on each page, the CSP never violated, a token refreshed when the API refuses the old one, sign-out.
 */
const h = new ConsoleHarness();
const SYSTEM_ADMINISTRATOR = 1;
const LETTERS: Record<string, string> = { read: 'r', update: 'u', create: 'c', delete: 'd' };

interface CatalogRole {
  id: number;
  name: string;
  permissions: Record<string, string>;
}
const ROLES = (catalog as { roles: CatalogRole[] }).roles;
const ENTITIES = (catalog as { entities: Record<string, { displayName: string }> }).entities;
const byName = (a: string, b: string) => a.localeCompare(b, 'en');

let page: Page;

beforeAll(async () => {
  await h.start({ name: 'console-roles', rules: [['user', 'oscar@acme.example', SYSTEM_ADMINISTRATOR, 'tenant', 't1']], users: [] });
  page = await h.signIn('oscar');
}, 30 * 60_000);

afterAll(() => h.stop(), 120_000);

async function roleCells(): Promise<string[]> {
  return page.locator('section[aria-label="Roles"] tbody tr td:first-child').allInnerTexts();
}

/** The header cells' text without the sort arrow. */
async function headers(): Promise<string[]> {
  return (await page.locator('section[aria-label="Roles"] thead th').allInnerTexts()).map((t) => t.replace(/\s*[▲▼]$/, ''));
}

async function settled(): Promise<void> {
  await page.locator('section[aria-label="Roles"] table[aria-busy="false"]').waitFor();
}

it('serves the console with a strict CSP, immutable hashed assets and the SPA fallback', async () => {
  const index = await fetch(`${h.consoleUrl}roles`);
  expect(index.status).toBe(200);
  const csp = index.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(index.headers.get('cache-control')).toBe('no-cache');
  const html = await index.text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
  const js = await fetch(`${h.gateway.baseUrl}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
  expect(js.status).toBe(200);
  expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect((await fetch(`${h.gateway.baseUrl}/console/assets/missing-abc123.js`)).status).toBe(404);
  const config = (await (await fetch(`${h.consoleUrl}config.json`)).json()) as Record<string, string>;
  expect(config).toMatchObject({ issuer: h.gateway.idp.issuer, audience: 'dv-gateway', authorizationEndpoint: `${h.gateway.idp.publicUrl}/oauth2/auth` });
});

it('signed in through the provider, shows the Roles table sorted by role, 18 roles', async () => {
  await h.openFromNav(page, 'Roles');
  await settled();
  await expect(page.getByTestId('table-status').innerText()).resolves.toBe('1–18 of 18');
  expect(await headers()).toEqual(['Role', 'Created by', 'Creation time']);
  expect(await roleCells()).toEqual(ROLES.map((r) => r.name).sort(byName));
  await h.screenshot(page, 'roles');
  expect(await h.seriousA11yViolations(page)).toEqual([]);
});

it('sorts by any column, both ways', async () => {
  await page.getByRole('button', { name: 'Role', exact: true }).click();
  await eventually(
    roleCells,
    ROLES.map((r) => r.name)
      .sort(byName)
      .reverse(),
  );
  await expect(page.locator('th[aria-sort="descending"]').innerText()).resolves.toContain('Role');
  await page.getByRole('button', { name: 'Role', exact: true }).click();
  await eventually(roleCells, ROLES.map((r) => r.name).sort(byName));
  // Every role has the same creator and time: a stable sort keeps the rows, the header says which column sorts.
  await page.getByRole('button', { name: 'Created by', exact: true }).click();
  await expect(page.locator('th[aria-sort="ascending"]').innerText()).resolves.toContain('Created by');
  await page.getByRole('button', { name: 'Role', exact: true }).click();
  await eventually(roleCells, ROLES.map((r) => r.name).sort(byName));
});

it('searches as typed and filters with the API operators', async () => {
  await page.getByTestId('table-search').fill('ADMIN');
  const admins = ROLES.map((r) => r.name)
    .filter((n) => n.toLowerCase().includes('admin'))
    .sort(byName);
  await eventually(roleCells, admins);
  await h.screenshot(page, 'roles-search');
  await page.getByTestId('table-search').fill('');
  await eventually(async () => (await roleCells()).length, ROLES.length);

  await page.getByTestId('filter-field').selectOption('name');
  await page.getByTestId('filter-op').selectOption('=$');
  await page.getByTestId('filter-value').fill('researcher');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await eventually(roleCells, ['L1 researcher', 'L2 researcher']);
  await page.getByTestId('filter-op').selectOption('!@');
  await page.getByTestId('filter-value').fill('L2');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await eventually(roleCells, ['L1 researcher']);
  await h.screenshot(page, 'roles-filtered');
  expect(await h.seriousA11yViolations(page)).toEqual([]);
  for (const filter of ['name!@L2', 'name=$researcher']) await page.getByRole('button', { name: `Remove the filter ${filter}` }).click();
  await eventually(async () => (await roleCells()).length, ROLES.length);
});

it('shows the columns chosen', async () => {
  await page.getByText('Columns', { exact: true }).click();
  await page.getByRole('checkbox', { name: 'Created by' }).uncheck();
  expect(await headers()).toEqual(['Role', 'Creation time']);
  await page.getByRole('checkbox', { name: 'Created by' }).check();
  expect(await headers()).toEqual(['Role', 'Created by', 'Creation time']);
  await page.getByText('Columns', { exact: true }).click();
});

it('downloads the 18 roles as CSV, each cell as the catalog says', async () => {
  // A page of 25 holds them all; the download pages the source whatever the page shows.
  await page.getByText('More', { exact: true }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('roles.csv');
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trimEnd().split('\r\n');
  expect(lines[0]).toBe('Role,Created by,Creation time');
  const expected = ROLES.map((r) => r.name)
    .sort(byName)
    .map((name) => [name, CATALOG_CREATED_BY, CATALOG_CREATED_AT]);
  expect(lines.slice(1).map((line) => line.split(','))).toEqual(expected);
  await page.getByText('More', { exact: true }).click();
});

it('reviews a role: every entity with View / Edit / Create / Delete as the catalog grants, and the permitted workloads', async () => {
  const role = ROLES.find((r) => r.name === 'Data volume administrator') as CatalogRole;
  await page.getByRole('link', { name: role.name }).click();
  await page.getByRole('heading', { level: 1, name: `Role: ${role.name}` }).waitFor();
  await expect(page.getByTestId('role-name').inputValue()).resolves.toBe(role.name);
  const rows = page.locator('[data-testid=role-permissions] tbody tr');
  const shown: Record<string, string> = {};
  for (const row of await rows.all()) {
    const entity = (await row.getAttribute('data-entity')) ?? '';
    let letters = '';
    for (const action of ['read', 'update', 'create', 'delete'] as const) {
      if (await row.locator(`input[data-action=${action}]`).isChecked()) letters += LETTERS[action];
    }
    shown[entity] = letters;
  }
  const normalised = (letters: string) => [...letters].sort().join('');
  expect(Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, normalised(v)]))).toEqual(
    Object.fromEntries(Object.entries(role.permissions).map(([k, v]) => [k, normalised(v)])),
  );
  expect(await rows.locator('th').allInnerTexts()).toEqual(
    Object.keys(role.permissions)
      .map((k) => ENTITIES[k]?.displayName ?? k)
      .sort(byName),
  );
  const kinds = await page.getByTestId('workload-kinds').locator('li').allInnerTexts();
  expect(kinds).toContain('kubeflow.org: PyTorchJob');
  expect(kinds).toContain('argoproj.io: Workflow');
  expect(new Set(kinds).size).toBe(kinds.length);
  await h.screenshot(page, 'role-review');
  expect(await h.seriousA11yViolations(page)).toEqual([]);
});

it('refreshes the access token when the API refuses it, without a new sign-in', async () => {
  // The stored access token replaced by one the gateway refuses; the refresh token stays.
  await page.evaluate(() => {
    const tokens = JSON.parse(sessionStorage.getItem('dv.console.tokens') ?? '{}') as Record<string, unknown>;
    sessionStorage.setItem('dv.console.tokens', JSON.stringify({ ...tokens, accessToken: 'e30.e30.invalid' }));
  });
  const tokenCalls: number[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/v2/token')) tokenCalls.push(response.status());
  });
  await page.goto(`${h.consoleUrl}roles`);
  await settled();
  await expect(page.getByTestId('table-status').innerText()).resolves.toBe('1–18 of 18');
  expect(tokenCalls).toContain(200);
  const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('dv.console.tokens') ?? '{}') as { accessToken: string });
  expect(stored.accessToken).not.toBe('e30.e30.invalid');
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
});

it('signs out at the provider and back to the console', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.toString().startsWith(`${h.consoleUrl}signed-out`));
  await page.getByText('You are signed out.').waitFor();
  expect(await page.evaluate(() => sessionStorage.getItem('dv.console.tokens'))).toBeNull();
  await h.screenshot(page, 'signed-out');
  expect(h.cspViolations).toEqual([]);
});
