import { envField } from './env-field';
import { parseDurationMs } from './parse-duration-ms';

/** A duration in milliseconds, written as `500ms`, `5s`, `2m`, `1h` or a bare number of ms. */
export function envDurationMs(defaultMs?: number) {
  return envField<number>(
    'expected a duration like 500ms, 5s, 2m or a number of milliseconds',
    (raw) => {
      const value = parseDurationMs(raw);
      return value === undefined ? { ok: false } : { ok: true, value };
    },
    defaultMs,
  );
}
