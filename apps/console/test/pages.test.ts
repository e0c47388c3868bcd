import { registerConsoleClient, freePort, repoRoot } from '@dv/testing';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
/* eslint-disable-next-line @nx/enforce-module-boundaries -- the gateway's test set-up, shared with its own tests */
import { AUDIENCE } from '../../../services/gateway/test/oidc-client';
import { ConsoleHarness } from './console-harness';
import { STORY_RULES } from './story-org';

/** Application administrator: access rules CRUD (Cloud support only reads them). */
const APPLICATION_ADMINISTRATOR = 1708;

/**
 * Every page of the console (console-core's and these) in the browser, as the people who use them:
 * axe-core finds no serious or critical violation on any, each handles refusals (403) and empty
 * states, and with the tenant's data-volume setting off the data volume pages are gone. Screenshots
 * of each go to tmp/console-screenshots/.
 */
// A browser on a shared 2-core machine: steps take seconds, not milliseconds.
jest.setTimeout(90_000);

const h = new ConsoleHarness();
let volumeId = '';

async function personPage(user: string): Promise<Page> {
  await h.browser.context.clearCookies();
  return h.signIn(user);
}

/** Opens a console path, waits for what shows it is drawn, and checks it with axe (and screenshots it). */
async function checkPage(page: Page, path: string, ready: (page: Page) => Promise<unknown>, name: string): Promise<void> {
  await page.goto(`${h.consoleUrl}${path}`);
  await ready(page);
  await h.screenshot(page, `pages-${name}`);
  const violations = await h.seriousA11yViolations(page);
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}

beforeAll(async () => {
  await h.start({
    name: 'console-pages',
    rules: [...STORY_RULES, ['user', 'oscar@acme.example', APPLICATION_ADMINISTRATOR, 'system', 'system']],
    users: [],
  });
  await h.gateway.originPvc(h.gateway.namespaceOf('p1'), 'scans');
  volumeId = (await h.gateway.readyVolume('imagenet')).id;
}, 30 * 60_000);

afterAll(() => h.stop(), 60_000);

describe('every page, as a data admin', () => {
  let page: Page;
  beforeAll(async () => {
    page = await personPage('dana');
  }, 120_000);

  it('the data volume pages pass axe', async () => {
    await checkPage(page, 'datavolumes', (p) => p.getByRole('link', { name: 'imagenet' }).waitFor(), 'datavolumes');
    await checkPage(page, `datavolumes/${volumeId}`, (p) => p.getByRole('heading', { level: 1 }).waitFor(), 'datavolume');
  });

  it('create a volume: the PVCs of the project picked, the name checked, all accessible', async () => {
    await checkPage(
      page,
      'create-volume',
      async (p) => {
        await p.getByLabel('Project', { exact: true }).selectOption('p1');
        await p.locator('#cv-pvc option[value="scans"]').waitFor({ state: 'attached' });
        await p.getByLabel('Name', { exact: true }).fill('imagenet');
        await p.locator('[data-testid="name-note"][data-availability="taken"]').waitFor();
      },
      'create-volume',
    );
    // The API's own error next to its field: a description too long for the API (the form's limit bypassed).
    await page.getByLabel('Name', { exact: true }).fill('scans');
    await page.locator('#cv-pvc').selectOption('scans');
    await page.locator('#cv-description').evaluate((el) => el.removeAttribute('maxlength'));
    await page.locator('#cv-description').fill('x'.repeat(200));
    await page.getByRole('button', { name: 'Create data volume' }).click();
    await expect(page.locator('#cv-description-note').textContent()).resolves.toMatch(/127/);
    expect(await page.locator('#cv-description').getAttribute('aria-invalid')).toBe('true');
  });

  it('sharing with its preview passes axe', async () => {
    await checkPage(
      page,
      `sharing/${volumeId}`,
      async (p) => {
        await p.locator('input[value="project:p2"]').check();
        await p.getByRole('button', { name: 'Preview the change' }).click();
        await p.getByTestId('sharing-preview').waitFor();
      },
      'sharing',
    );
    await expect(page.getByTestId('sharing-preview').textContent()).resolves.toMatch(/gain the volume.*p2.*lose the volume\s*None/s);
  });

  it("my access and why can't I pass axe; who-can is refused to whoever may not read access rules", async () => {
    await checkPage(page, 'my-access', (p) => p.getByTestId('my-permissions').waitFor(), 'my-access');
    await expect(page.getByRole('table', { name: 'My access rules' }).textContent()).resolves.toMatch(/Data volume administrator/);
    await checkPage(
      page,
      'why-cant-i',
      async (p) => {
        await p.locator('#why-action').selectOption('delete');
        await p.locator('#why-scope-id').fill('p3');
        await p.getByRole('button', { name: 'Ask' }).click();
        await p.getByTestId('decision').waitFor();
      },
      'why-cant-i',
    );
    expect(await page.getByTestId('decision').getAttribute('data-allowed')).toBe('false');
    await expect(page.getByTestId('who-can').getAttribute('data-state')).resolves.toBe('403');
  });

  it('the audit log refuses a data admin with the 403 state', async () => {
    await checkPage(page, 'audit-log', (p) => p.locator('[data-state="403"]').waitFor(), 'audit-log-403');
  });
});

describe('every page, as Cloud support and Application administrator (roles, access rules, audit log)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await personPage('oscar');
  }, 120_000);

  it('the roles pages pass axe', async () => {
    await checkPage(page, 'roles', (p) => p.getByTestId('table-status').filter({ hasText: 'of 18' }).waitFor(), 'roles');
    await checkPage(page, 'roles/2256', (p) => p.getByRole('heading', { level: 1, name: /Data volume administrator/ }).waitFor(), 'role');
  });

  it("why can't I answers with who can do it there", async () => {
    await checkPage(
      page,
      'why-cant-i',
      async (p) => {
        await p.locator('#why-resource-type').selectOption('datavolumes');
        await p.locator('#why-scope-type').selectOption('department');
        await p.locator('#why-scope-id').fill('d1');
        await p.getByRole('button', { name: 'Ask' }).click();
        await p.getByRole('table', { name: 'Subjects who can' }).waitFor();
      },
      'why-cant-i-who-can',
    );
    await expect(page.getByTestId('who-can').textContent()).resolves.toMatch(/group data-admins.*Data volume administrator/);
  });

  it('access rules: the table and the new rule form pass axe; a rule is created from the tree and deleted', async () => {
    await checkPage(page, 'access-rules', (p) => p.getByRole('cell', { name: 'oscar@acme.example' }).first().waitFor(), 'access-rules');
    await page.getByText('New access rule').click();
    await page.locator('#ar-subject').fill('eve@acme.example');
    await page.locator('#ar-role').selectOption({ label: 'Viewer' });
    await page.locator('.rule-form input[value="project:p3"]').check();
    const violations = await h.seriousA11yViolations(page);
    expect(violations).toEqual([]);
    await h.screenshot(page, 'pages-access-rule-form');
    await page.getByRole('button', { name: 'Create access rule' }).click();
    await expect(page.getByTestId('access-rule-notice').textContent()).resolves.toMatch(/created: eve@acme\.example is Viewer in/);
    const row = page.getByRole('row').filter({ hasText: 'eve@acme.example' });
    await row.waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: /Delete access rule/ }).click();
    await page.getByText(/Access rule \d+ deleted/).waitFor();
  });

  it('the audit log and its verdict pass axe', async () => {
    await checkPage(
      page,
      'audit-log',
      async (p) => {
        await p.getByRole('cell', { name: 'Succeeded' }).first().waitFor();
        await p.getByRole('button', { name: 'Verify' }).click();
        await p.locator('[data-testid="verify-verdict"][data-ok="true"]').waitFor();
      },
      'audit-log',
    );
  });

  it('an empty state where the person may create no volume', async () => {
    await checkPage(page, 'create-volume', (p) => p.locator('[data-state="empty"]').waitFor(), 'create-volume-empty');
    expect(h.cspViolations).toEqual([]);
  });
});

describe("with the tenant's data-volume setting off", () => {
  it('the data volume pages are gone from the navigation and from their paths', async () => {
    // A second gateway of the same platform, with the setting off, and its own console client.
    const port = await freePort();
    const clientId = await registerConsoleClient(h.gateway.idp.adminUrl, `http://127.0.0.1:${port}`, AUDIENCE);
    await h.gateway.addReplica({
      name: 'gateway',
      env: {
        GATEWAY_PORT: String(port),
        GATEWAY_OIDC_ISSUER: h.gateway.idp.issuer,
        GATEWAY_OIDC_AUDIENCE: AUDIENCE,
        GATEWAY_CONSOLE_DIR: join(repoRoot(), 'dist', 'apps', 'console'),
        GATEWAY_CONSOLE_CLIENT_ID: clientId,
        GATEWAY_ENABLE_DATA_VOLUMES: 'false',
      },
    });
    const first = h.consoleUrl;
    h.consoleUrl = `http://127.0.0.1:${port}/console/`;
    try {
      const page = await personPage('dana');
      const nav = page.getByRole('navigation', { name: 'Pages' });
      const titles = await nav.getByRole('link').allTextContents();
      expect(titles).not.toEqual(expect.arrayContaining(['Data volumes']));
      expect(titles.filter((t) => ['Data volumes', 'Create a data volume', 'Sharing'].includes(t))).toEqual([]);
      expect(titles).toEqual(expect.arrayContaining(['Roles', 'Access rules', 'Audit log']));
      await checkPage(page, 'create-volume', (p) => p.getByRole('heading', { name: 'Not found' }).waitFor(), 'setting-off');
    } finally {
      h.consoleUrl = first;
    }
  });
});
