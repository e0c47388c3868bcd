import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random NATS password that nats-server reads back unchanged from its environment: letters and
 * digits only, starting with a letter (it parses an environment value as a config token, so `123`
 * would be a number and `#…` a comment). 32 characters: about 185 bits.
 */
export function generateNatsPassword(length = 32): string {
  const bytes = randomBytes(length);
  let out = 'p';
  for (let i = 1; i < length; i++) out += ALPHABET[(bytes[i] ?? 0) % ALPHABET.length];
  return out;
}

/** True when nats-server reads the value back as this very string (and it is long enough). */
export function isSafeNatsPassword(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]{11,}$/.test(value);
}
