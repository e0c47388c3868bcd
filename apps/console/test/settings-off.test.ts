import { type Page } from 'playwright-core';
import { ConsoleHarness } from './console-harness';

/**
 * The tenant's data-volume setting off (GATEWAY_ENABLE_DATA_VOLUMES=false): the console hides the
 * Data volumes pages; and a person without any access rule sees the 403 state, not an error page.
 */
const h = new ConsoleHarness();
let page: Page;

beforeAll(async () => {
  await h.start({ name: 'console-off', rules: [], users: [], gatewayEnv: { GATEWAY_ENABLE_DATA_VOLUMES: 'false' } });
  page = await h.signIn('alice');
}, 30 * 60_000);

afterAll(() => h.stop(), 120_000);

it('leaves Data volumes out of the navigation and lands on the first page shown', async () => {
  const nav = page.getByRole('navigation', { name: 'Pages' });
  // Every page but the data-volume ones (Data volumes, Create a data volume, Sharing), in the order of pages.ts.
  expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Roles', 'Access rules', 'My access', 'Audit log', "Why can't I?"]);
  await page.getByRole('heading', { level: 1, name: 'Roles' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/console/roles');
});

it('answers a Data volumes address with "not found", saying the feature is off', async () => {
  await page.goto(`${h.consoleUrl}datavolumes`);
  await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
  await page.getByText('data volumes are turned off for this tenant').waitFor();
});

it('shows the 403 state to a person the API refuses', async () => {
  await page.goto(`${h.consoleUrl}roles`);
  const state = page.locator('[data-state="403"]');
  await state.waitFor();
  expect(await state.getAttribute('role')).toBe('alert');
  expect(await state.innerText()).toMatch(/do not have permission/);
  await h.screenshot(page, 'roles-forbidden');
  expect(await h.seriousA11yViolations(page)).toEqual([]);
  expect(h.cspViolations).toEqual([]);
});
