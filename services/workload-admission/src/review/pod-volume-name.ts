/**
 * The name of the pod volume entry a data volume gets: `dv-<first 8 hex of the id>-<volume name>`,
 * a DNS label (at most 63 characters, alphanumeric at the end). The id prefix keeps two volumes of
 * the same name in different clusters apart; the name keeps `kubectl describe` readable.
 */
export function podVolumeName(volumeId: string, volumeName: string): string {
  const id8 = volumeId.replace(/-/g, '').slice(0, 8).toLowerCase();
  return `dv-${id8}-${volumeName}`.slice(0, 63).replace(/-+$/, '');
}
