/**
 * Mount paths are compared after normalisation: `/data/`, `//data` and `/data` are the same
 * directory to the kubelet, so treating them as different would let two volumes fight over it.
 */
export function normalizeMountPath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

/** True when both are strings naming the same directory once normalised. */
export function sameMountPath(left: unknown, right: string): boolean {
  return typeof left === 'string' && normalizeMountPath(left) === normalizeMountPath(right);
}
