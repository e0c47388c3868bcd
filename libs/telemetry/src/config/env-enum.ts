import { envField } from './env-field';

/**
 * One of a fixed set of values, e.g. `envEnum(['error', 'warn', 'info', 'debug'], 'info')`. Matching
 * ignores case (LOG_LEVEL=INFO is a common spelling) and yields the canonical value.
 */
export function envEnum<const T extends readonly [string, ...string[]]>(values: T, defaultValue?: T[number]) {
  return envField<T[number]>(
    `expected one of ${values.join('|')}`,
    (raw) => {
      const value = values.find((v) => v.toLowerCase() === raw.toLowerCase());
      return value === undefined ? { ok: false } : { ok: true, value };
    },
    defaultValue,
  );
}
