import { envField } from './env-field';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** A boolean variable; accepts true/false, 1/0, yes/no, on/off in any case. */
export function envBool(defaultValue?: boolean) {
  return envField<boolean>(
    'expected a boolean (true/false, 1/0, yes/no, on/off)',
    (raw) => {
      const lower = raw.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false };
    },
    defaultValue,
  );
}
