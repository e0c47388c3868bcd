import { waitFor } from '@dv/testing';
import { type Locator, type Page } from 'playwright-core';
import { ConsoleHarness } from './console-harness';
import { STORY_RULES } from './story-org';

/**
 * The seed's story in a real browser (issue 15, "What must be shown"), on the real system and the real
 * provider's sign-in page: a data admin creates a volume from a Bound PVC and shares it with her
 * department (preview first); a researcher of a project there sees it as usable in his project; an L2
 * researcher of another department does not see it and is refused its page; the audit log shows the
 * story and Verify says the chain holds. A screenshot of each page goes to tmp/console-screenshots/.
 */
// A browser on a shared 2-core machine: steps take seconds, not milliseconds.
jest.setTimeout(90_000);

const h = new ConsoleHarness();
let dana: Page;
let volumeId = '';

/** Each person in a tab of their own, signed in afresh (the provider's session cookie of the previous person cleared). */
async function personPage(user: string): Promise<Page> {
  await h.browser.context.clearCookies();
  return h.signIn(user);
}

async function shot(page: Page, name: string): Promise<void> {
  await h.screenshot(page, `story-${name}`);
}

beforeAll(async () => {
  await h.start({ name: 'console-story', rules: STORY_RULES, users: [] });
  await h.gateway.originPvc(h.gateway.namespaceOf('p1'), 'coco');
  await h.gateway.originPvc(h.gateway.namespaceOf('p1'), 'pending-scans', { bound: false });
}, 30 * 60_000);

afterAll(() => h.stop(), 60_000);

describe("the seed's story, in the browser", () => {
  it('a data admin creates a volume from a Bound PVC of her project (only Bound PVCs offered, the name checked as typed)', async () => {
    dana = await personPage('dana');
    const page = dana;
    await page.goto(`${h.consoleUrl}create-volume`);
    await page.getByLabel('Project', { exact: true }).selectOption('p1');
    const pvc = page.getByLabel("PVC (Bound, in the project's namespace)");
    await expectOptions(pvc, ['coco']);
    expect(await pvc.locator('option[value="coco"]').textContent()).toMatch(/coco — 5Gi, nfs-data/);
    await pvc.selectOption('coco');
    await page.getByLabel('Name', { exact: true }).fill('Coco');
    await page.locator('[data-testid="name-note"][data-availability="invalid"]').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('coco');
    await page.locator('[data-testid="name-note"][data-availability="free"]').waitFor();
    await page.getByLabel('Description').fill('COCO 2017');
    await shot(page, '01-create-volume');
    await page.getByRole('button', { name: 'Create data volume' }).click();
    await page.waitForURL(/\/console\/datavolumes\/[0-9a-f-]{36}$/);
    volumeId = /datavolumes\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? '';
    await waitFor(
      async () => {
        await page.reload();
        return (await page.getByTestId('volume-phase').textContent()) === 'Ready' ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000, what: 'the volume page to show Ready' },
    );
    await shot(page, '02-volume-ready');

    // The name is now taken: typing it again says so next to the field.
    await page.goto(`${h.consoleUrl}create-volume`);
    await page.getByLabel('Project', { exact: true }).selectOption('p1');
    await page.getByLabel('Name', { exact: true }).fill('coco');
    await expect(page.locator('[data-testid="name-note"][data-availability="taken"]').textContent()).resolves.toMatch(/taken/);
  });

  it('she shares it with department d1, seeing first which projects gain it', async () => {
    const page = dana;
    await page.goto(`${h.consoleUrl}sharing/${volumeId}`);
    await page.locator('input[value="department:d1"]').check();
    await page.getByRole('button', { name: 'Preview the change' }).click();
    const preview = page.getByTestId('sharing-preview');
    await expect(preview.textContent()).resolves.toMatch(/gain the volume.*p2/s);
    await shot(page, '03-sharing-preview');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByTestId('sharing-result').textContent()).resolves.toMatch(/Applied/);
    await expect(page.getByTestId('shared-with').textContent()).resolves.toMatch(/department/);
    await shot(page, '04-shared');
  });

  it('a researcher of p2 (in d1) sees it as usable in his project', async () => {
    const page = await personPage('bob');
    await page.goto(`${h.consoleUrl}datavolumes`);
    await page.getByTestId('project-picker').selectOption('p2');
    await page.getByRole('link', { name: 'coco' }).waitFor();
    await shot(page, '05-researcher-usable');
  });

  it('an L2 researcher of p3 (department d2) does not see it, and is refused its page', async () => {
    const page = await personPage('carol');
    await page.goto(`${h.consoleUrl}datavolumes`);
    await page.getByTestId('project-picker').selectOption('p3');
    await page.getByText('No data volume here yet.').waitFor();
    expect(await page.getByRole('link', { name: 'coco' }).count()).toBe(0);
    await shot(page, '06-l2-researcher-empty');
    await page.goto(`${h.consoleUrl}datavolumes/${volumeId}`);
    await page.locator('[data-state="403"]').waitFor();
    await shot(page, '07-l2-researcher-refused');
  });

  it('the audit log shows the story, and Verify says the chain holds', async () => {
    const page = await personPage('oscar');
    await page.goto(`${h.consoleUrl}audit-log`);
    const table = page.getByRole('table');
    await waitFor(
      async () => {
        await page.reload();
        await page.getByTestId('table-status').filter({ hasNotText: 'Loading' }).waitFor();
        const text = (await table.textContent()) ?? '';
        return /dana@acme\.example.*share/s.test(text) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000, what: 'the share to be in the audit log' },
    );
    const rows = await table.locator('tbody tr').allTextContents();
    const story = rows.filter((r) => r.includes('dana@acme.example') && r.includes('volume') && r.includes('Succeeded'));
    // Newest first: the share, then the create.
    expect(story.map((r) => (r.includes('share') ? 'share' : r.includes('create') ? 'create' : 'other'))).toEqual(['share', 'create']);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('[data-testid="verify-verdict"][data-ok="true"]').waitFor();
    await expect(page.getByTestId('verify-verdict').textContent()).resolves.toMatch(/The chain holds/);
    await shot(page, '08-audit-log-verified');
    expect(h.cspViolations).toEqual([]);
  });
});

async function expectOptions(select: Locator, values: string[]): Promise<void> {
  await select.locator(`option[value="${values[0] ?? ''}"]`).waitFor({ state: 'attached' });
  const all = await select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''));
  expect(all).toEqual(values);
}
