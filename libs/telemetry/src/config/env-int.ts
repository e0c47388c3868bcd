import { envField } from './env-field';

export interface EnvIntOptions {
  min?: number | undefined;
  max?: number | undefined;
  default?: number | undefined;
}

/** An integer variable, e.g. `envInt({ min: 1, max: 64, default: 8 })`. Rejects `1.5`, `1e3`, `0x10`. */
export function envInt(options: EnvIntOptions = {}) {
  const { min, max } = options;
  return envField<number>(
    describeRange(min, max),
    (raw) => {
      if (!/^[+-]?\d+$/.test(raw)) return { ok: false };
      const value = Number(raw);
      const inRange = Number.isSafeInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
      return inRange ? { ok: true, value } : { ok: false };
    },
    options.default,
  );
}

function describeRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `expected an integer between ${min} and ${max}`;
  if (min !== undefined) return `expected an integer >= ${min}`;
  if (max !== undefined) return `expected an integer <= ${max}`;
  return 'expected an integer';
}
