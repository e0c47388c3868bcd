/** A path into the org file as the user reads it: `clusters[1].tenantId`. */
export type YamlPath = readonly (string | number)[];

export function formatYamlPath(path: YamlPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}
