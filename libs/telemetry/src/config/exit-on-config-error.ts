import { ConfigError } from './config-error';

/**
 * Runs `fn` (sync or async); a ConfigError is printed as one line without a stack and the process
 * exits with code 2, so a misconfigured pod fails fast with a readable reason instead of a trace.
 * Other errors pass through.
 */
export function exitOnConfigError<T>(fn: () => Promise<T>): Promise<T>;
export function exitOnConfigError<T>(fn: () => T): T;
export function exitOnConfigError<T>(fn: () => T | Promise<T>): T | Promise<T> {
  try {
    const result = fn();
    return result instanceof Promise ? result.catch(exitIfConfigError) : result;
  } catch (error) {
    return exitIfConfigError(error);
  }
}

function exitIfConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
  return process.exit(2);
}
