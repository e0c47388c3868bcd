import { type NatsClientManifest, natsPasswordVariable } from '@dv/contracts';
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random password nats-server reads back unchanged from its environment: letters and digits
 * only, starting with a letter (it parses an environment value as a config token, so `123` would be
 * a number and `#…` a comment). 32 characters: about 185 bits.
 */
export function generatePassword(length = 32): string {
  const bytes = randomBytes(length);
  let out = 'p';
  for (let i = 1; i < length; i++) out += ALPHABET[(bytes[i] ?? 0) % ALPHABET.length];
  return out;
}

/** True when nats-server reads the value back as this very string. */
export function isSafePassword(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]{11,}$/.test(value);
}

/**
 * `DV_NATS_<CLIENT>_PASSWORD` of every user: the value of the environment when set, a new random
 * one otherwise.
 */
export function passwordsFor(users: readonly NatsClientManifest[], env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    users.map((entry) => {
      const variable = natsPasswordVariable(entry.client);
      const given = env[variable];
      return [variable, given !== undefined && given !== '' ? given : generatePassword()];
    }),
  );
}

/** A dotenv-style file: `VARIABLE=value` per line. */
export function renderEnvFile(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([variable, value]) => `${variable}=${value}\n`)
    .join('');
}
