import { join } from 'node:path';
import { freePort } from '../free-port';
import { type ProgressLog } from '../progress-log';
import { repoRoot } from '../repo-root';
import { type RunningHydra, startHydra } from '../start-hydra';
import { type RunningDevLogin, startDevLogin } from './dev-login-app';
import { type DevUser, readDevUsers } from './dev-users';

/** The password every development user signs in with, unless one is given. */
export const DEV_USER_PASSWORD = 'dev-password';

/** The claim of the access token (top level) that holds the user's groups. */
export const DEV_GROUPS_CLAIM = 'groups';

export interface StartDevIdentityProviderOptions {
  /** Hydra's config and log go here. */
  dir: string;
  /** The org file whose users may sign in (deploy/examples/org.yaml by default). */
  orgFile?: string;
  password?: string;
  log?: ProgressLog;
}

export interface DevIdentityProvider extends RunningHydra {
  login: RunningDevLogin;
  users: readonly DevUser[];
  password: string;
}

/** Ory Hydra with our login-and-consent app in front of the org file's development users. */
export async function startDevIdentityProvider(options: StartDevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const users = await readDevUsers(options.orgFile ?? join(repoRoot(), 'deploy', 'examples', 'org.yaml'));
  const password = options.password ?? DEV_USER_PASSWORD;
  // Hydra must know the app's URLs when it starts, and the app needs Hydra's admin URL: reserve the port first.
  const loginPort = await freePort();
  const appUrl = `http://127.0.0.1:${loginPort}`;
  const hydra = await startHydra({
    dir: options.dir,
    loginUrl: `${appUrl}/login`,
    consentUrl: `${appUrl}/consent`,
    logoutUrl: `${appUrl}/logout`,
    topLevelClaims: [DEV_GROUPS_CLAIM],
    ...(options.log !== undefined ? { log: options.log } : {}),
  });
  let login: RunningDevLogin;
  try {
    login = await startDevLogin({ hydraAdminUrl: hydra.adminUrl, users, password, port: loginPort });
  } catch (error: unknown) {
    await hydra.stop();
    throw error;
  }
  return {
    ...hydra,
    login,
    users,
    password,
    stop: async () => {
      await login.stop();
      await hydra.stop();
    },
  };
}
