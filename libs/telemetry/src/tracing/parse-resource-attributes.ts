/**
 * OTEL_RESOURCE_ATTRIBUTES (`k8s.pod.name=abc,k8s.namespace.name=dv`, values percent-encoded) as
 * attributes, so the deployment can label spans without code changes. Malformed pairs are skipped.
 */
export function parseResourceAttributes(raw: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    const value = decode(pair.slice(at + 1).trim());
    if (key && value !== undefined) attributes[key] = value;
  }
  return attributes;
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
