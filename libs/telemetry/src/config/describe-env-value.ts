const SECRET_NAME = /PASS|SECRET|TOKEN|KEY|CREDENTIAL/i;
const MAX_SHOWN = 80;

/**
 * The offending value as shown in a ConfigError. Error messages end up in logs, so values of
 * secret-looking variables are hidden and passwords inside URLs are masked.
 */
export function describeEnvValue(variable: string, value: string): string {
  if (SECRET_NAME.test(variable)) return '(hidden)';
  const masked = value.replace(/(\/\/[^/@:\s]*:)[^/@\s]*@/g, '$1***@');
  const shown = masked.length > MAX_SHOWN ? `${masked.slice(0, MAX_SHOWN)}…` : masked;
  return JSON.stringify(shown);
}
