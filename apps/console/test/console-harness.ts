// The console in a real browser against the real system: the platform and the gateway serving the
// console's production build (dist/apps/console, `nx build console`, cached), the development provider
// (Ory Hydra and its login app) with the console's public client, and Debian's Chromium.
import { buildProjects, freePort, registerConsoleClient, repoRoot } from '@dv/testing';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type Page } from 'playwright-core';
/* eslint-disable @nx/enforce-module-boundaries -- the gateway's test set-up, shared with its own tests */
import { GatewayHarness, type OrgRule } from '../../../services/gateway/test/gateway-harness';
import { AUDIENCE } from '../../../services/gateway/test/oidc-client';
/* eslint-enable @nx/enforce-module-boundaries */
import { type RunningChromium, launchChromium } from './chromium-browser';

/** Where the screenshots go (git-ignored): one file per page and test step. */
export const SCREENSHOTS_DIR = join(repoRoot(), 'tmp', 'console-screenshots');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

export class ConsoleHarness {
  readonly gateway = new GatewayHarness();
  browser!: RunningChromium;
  /** API tokens of the users named at start, for setting up through the API (never what the browser uses). */
  tokens: Record<string, string> = {};
  /** `http://127.0.0.1:<port>/console/` */
  consoleUrl = '';
  /** Content-Security-Policy violations the browser reported on any page: none expected. */
  readonly cspViolations: string[] = [];

  async start(options: { name: string; rules: readonly OrgRule[]; users: readonly string[]; gatewayEnv?: Record<string, string> }): Promise<void> {
    await buildProjects(['console']);
    this.tokens = await this.gateway.startAll({
      ...options,
      // The client's redirect URI names the gateway's origin: its port is picked before the gateway starts.
      gatewayEnv: async (idp) => {
        const port = await freePort();
        const clientId = await registerConsoleClient(idp.adminUrl, `http://127.0.0.1:${port}`, AUDIENCE);
        return {
          GATEWAY_PORT: String(port),
          GATEWAY_CONSOLE_DIR: join(repoRoot(), 'dist', 'apps', 'console'),
          GATEWAY_CONSOLE_CLIENT_ID: clientId,
          ...options.gatewayEnv,
        };
      },
    });
    this.consoleUrl = `${this.gateway.baseUrl}/console/`;
    this.browser = await launchChromium();
    await mkdir(SCREENSHOTS_DIR, { recursive: true });
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.gateway.stopAll();
  }

  /** A new tab that records CSP violations and page errors. */
  async newPage(): Promise<Page> {
    const page = await this.browser.context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) this.cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => this.cspViolations.push(`page error: ${error.message}`));
    return page;
  }

  /**
   * Signs `user` (a development user's name: `dana` for dana@acme.example) in through the console's
   * Sign in button and the provider's own login page, and waits for the console's first page.
   */
  async signIn(user: string, page?: Page): Promise<Page> {
    const tab = page ?? (await this.newPage());
    await tab.goto(this.consoleUrl);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForURL((url) => url.toString().startsWith(this.gateway.idp.login.url));
    await tab.locator('select[name=username]').selectOption(`${user}@acme.example`);
    await tab.locator('input[name=password]').fill(this.gateway.idp.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForURL((url) => url.toString().startsWith(this.consoleUrl) && !url.pathname.endsWith('/callback'));
    await tab.getByRole('navigation', { name: 'Pages' }).waitFor();
    return tab;
  }

  /** Opens a page of the console through its navigation (no reload), by its title. */
  async openFromNav(page: Page, title: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  }

  async screenshot(page: Page, name: string): Promise<string> {
    const path = join(SCREENSHOTS_DIR, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  /**
   * axe-core's WCAG 2 A/AA rules on the page as it is, evaluated through the DevTools protocol (the
   * console's CSP rightly refuses an injected script tag). Returns the serious and critical violations.
   */
  async seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
    const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(source);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
    });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }
}

/**
 * Reads until the value equals `expected` (the page updates after an answer), then asserts it: a
 * failure shows the last value read.
 */
export async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!isDeepStrictEqual(last, expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
  expect(last).toEqual(expected);
}
