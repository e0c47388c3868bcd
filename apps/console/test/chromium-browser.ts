// Debian's Chromium driven by playwright-core (a dev dependency: kept out of @dv/testing, which the
// production builds of the tools follow).
import { CHROMIUM_ARGS, ensureChromium } from '@dv/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export interface RunningChromium {
  context: BrowserContext;
  /** Its fresh profile folder, removed by close(). */
  userDataDir: string;
  close(): Promise<void>;
}

/** Headless, with a fresh profile (no cookie or storage of an earlier run); installed by apt-get first when missing. */
export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<RunningChromium> {
  const executablePath = await ensureChromium();
  const userDataDir = await mkdtemp(join(tmpdir(), 'dv-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      acceptDownloads: true,
      viewport: options.viewport ?? { width: 1280, height: 900 },
    });
    return {
      context,
      userDataDir,
      close: async () => {
        await context.close().catch(() => undefined);
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error: unknown) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
