import { type NatsClientManifest, generateNatsPassword, natsPasswordVariable } from '@dv/contracts';

/**
 * `DV_NATS_<CLIENT>_PASSWORD` of every user: the value of the environment when set, a new random
 * one otherwise.
 */
export function passwordsFor(users: readonly NatsClientManifest[], env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    users.map((entry) => {
      const variable = natsPasswordVariable(entry.client);
      const given = env[variable];
      return [variable, given !== undefined && given !== '' ? given : generateNatsPassword()];
    }),
  );
}

/** A dotenv-style file: `VARIABLE=value` per line. */
export function renderEnvFile(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([variable, value]) => `${variable}=${value}\n`)
    .join('');
}
