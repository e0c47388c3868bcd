import { useSyncExternalStore } from 'react';

/** The console's base path (`/console/`): every page path is relative to it. */
export const BASE = import.meta.env.BASE_URL;

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** The page path under the console: `/roles` for `/console/roles`, `/` for the console's root. */
export function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length - 1) : location.pathname;
  return path === '' ? '/' : path;
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** A page change without a reload (history API); `replace` for redirects. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${path.replace(/^\//, '')}`;
  if (options.replace === true) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const listener of listeners) listener();
}

/** The href of a page path, for links that also open in a new tab. */
export function hrefOf(path: string): string {
  return `${BASE}${path.replace(/^\//, '')}`;
}
