/** The entry a path shows, with its `:name` parameters (decoded); the first entry that matches wins. */
export function matchPage<P extends { path: string }>(pages: readonly P[], path: string): { page: P; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  for (const page of pages) {
    const pattern = page.path.split('/').filter((p) => p !== '');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((segment, i) => {
      const part = parts[i] ?? '';
      if (segment.startsWith(':')) {
        try {
          params[segment.slice(1)] = decodeURIComponent(part);
        } catch {
          return false; // a malformed escape is no page of ours
        }
        return part !== '';
      }
      return segment === part;
    });
    if (ok) return { page, params };
  }
  return undefined;
}
