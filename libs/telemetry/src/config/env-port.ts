import { envInt } from './env-int';

/** A TCP port; 0 is allowed so tests can ask the OS for a free one. */
export function envPort(defaultPort?: number) {
  return envInt({ min: 0, max: 65535, default: defaultPort });
}
