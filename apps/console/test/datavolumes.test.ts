import { type Page } from 'playwright-core';
/* eslint-disable @nx/enforce-module-boundaries -- the gateway's test helpers: a volume made Ready through the API */
import { type PublicVolume, readyVolume } from '../../../services/gateway/test/http-expect';
/* eslint-enable @nx/enforce-module-boundaries */
import { ConsoleHarness, eventually } from './console-harness';

/**
 * The Data volumes page in Debian's Chromium against the real system: the Originated table with
 * server paging, filter and search; a project picked shows the volumes usable there; a volume's page
 * shows its phase and conditions, where it is shared and which workloads use it; axe and the CSP on each.
 */
const h = new ConsoleHarness();
const DATA_VOLUME_ADMINISTRATOR = 2256;
let page: Page;
let mnist: PublicVolume;

const names = () => page.locator('section.data-table tbody tr td:first-child').allInnerTexts();

beforeAll(async () => {
  await h.start({ name: 'console-volumes', rules: [['group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'tenant', 't1']], users: ['dana'] });
  const dana = h.tokens['dana'] as string;
  mnist = await readyVolume(h.gateway, dana, 'mnist', 'p1');
  await readyVolume(h.gateway, dana, 'imagenet', 'p1');
  await readyVolume(h.gateway, dana, 'coco', 'p2');
  const shared = await h.gateway.http('PATCH', `/api/v1/datavolumes/${mnist.id}/sharedScopes`, {
    token: dana,
    body: { add: [{ scopeType: 'project', scopeId: 'p3' }] },
  });
  expect(shared.status).toBe(200);
  page = await h.signIn('dana');
}, 30 * 60_000);

afterAll(() => h.stop(), 120_000);

it('lands on the Originated volumes, sorted by name, with their phase', async () => {
  await page.getByRole('heading', { level: 1, name: 'Data volumes' }).waitFor();
  await eventually(names, ['coco', 'imagenet', 'mnist']);
  await eventually(() => page.getByTestId('table-status').innerText(), '1–3 of 3');
  expect(await page.locator('section.data-table tbody tr td:nth-child(2)').allInnerTexts()).toEqual(['Ready', 'Ready', 'Ready']);
  await h.screenshot(page, 'datavolumes');
  expect(await h.seriousA11yViolations(page)).toEqual([]);
});

it('filters with the API operators, searches and pages on the server', async () => {
  await page.getByTestId('filter-field').selectOption('projectId');
  await page.getByTestId('filter-op').selectOption('==');
  await page.getByTestId('filter-value').fill('p1');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await eventually(names, ['imagenet', 'mnist']);
  await page.getByTestId('table-search').fill('mni');
  await eventually(names, ['mnist']);
  await page.getByTestId('table-search').fill('');
  await page.getByRole('button', { name: 'Remove the filter projectId==p1' }).click();
  await eventually(names, ['coco', 'imagenet', 'mnist']);
  // A page of 25 with 3 volumes: no next page; sorted the other way by name.
  await page.getByRole('button', { name: 'Name', exact: true }).click();
  await eventually(names, ['mnist', 'imagenet', 'coco']);
  expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
});

it('with a project picked, lists the volumes usable there (shared with it or originating in it)', async () => {
  await page.getByTestId('project-picker').selectOption('p3');
  await eventually(names, ['mnist']);
  await page.getByTestId('project-picker').selectOption('p2');
  await eventually(names, ['coco']);
  await h.screenshot(page, 'datavolumes-usable-in-p2');
  await page.getByTestId('project-picker').selectOption('');
  await eventually(async () => (await names()).length, 3);
});

it("shows a volume's status, conditions, sharing and usage", async () => {
  await page.getByRole('link', { name: 'mnist' }).click();
  await page.getByRole('heading', { level: 1, name: 'Data volume: mnist' }).waitFor();
  expect(await page.getByTestId('volume-phase').innerText()).toBe('Ready');
  expect(await page.getByTestId('volume-scopes').locator('li').allInnerTexts()).toEqual([expect.stringContaining('project')]);
  expect(await page.getByTestId('volume-scopes').innerText()).toContain('p3');
  await page.getByText('No workload uses it.').waitFor();
  await h.screenshot(page, 'datavolume');
  expect(await h.seriousA11yViolations(page)).toEqual([]);
  expect(h.cspViolations).toEqual([]);
});
