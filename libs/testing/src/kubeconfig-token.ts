import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

interface NamedEntry {
  name?: unknown;
  user?: { token?: unknown };
  context?: { user?: unknown };
}

function entries(value: unknown): NamedEntry[] {
  return Array.isArray(value) ? (value as NamedEntry[]) : [];
}

/** The bearer token of the current context's user in a kubeconfig, if it has one. */
export async function kubeconfigToken(path: string): Promise<string | undefined> {
  const config = parse(await readFile(path, 'utf8')) as { 'current-context'?: unknown; contexts?: unknown; users?: unknown } | null;
  if (!config) return undefined;
  const context = entries(config.contexts).find((c) => c.name === config['current-context']);
  const user = entries(config.users).find((u) => u.name === context?.context?.user);
  return typeof user?.user?.token === 'string' ? user.user.token : undefined;
}
