import { containerMountEntry, describeEntry, entryName, matchVolume, podVolumeEntry } from './mount-entries';
import { IMAGENET } from './testing/workload-patch-expectations';

describe('mount-entries', () => {
  it('builds read-only volume and mount entries', () => {
    expect(podVolumeEntry(IMAGENET)).toEqual({ name: 'dv-imagenet', persistentVolumeClaim: { claimName: 'dv-imagenet-runai-team-a', readOnly: true } });
    expect(containerMountEntry(IMAGENET)).toEqual({ name: 'dv-imagenet', mountPath: '/data/imagenet', readOnly: true });
  });

  it('matches an existing volume: same read-only claim, same claim writable, or something else', () => {
    expect(matchVolume(podVolumeEntry(IMAGENET), IMAGENET)).toBe('same');
    expect(matchVolume({ name: 'dv-imagenet', persistentVolumeClaim: { claimName: 'dv-imagenet-runai-team-a' } }, IMAGENET)).toBe('writable');
    expect(matchVolume({ name: 'dv-imagenet', persistentVolumeClaim: { claimName: 'other' } }, IMAGENET)).toBe('other');
    expect(matchVolume({ name: 'dv-imagenet', emptyDir: {} }, IMAGENET)).toBe('other');
    expect(matchVolume('dv-imagenet', IMAGENET)).toBe('other');
  });

  it('reads names only when they are strings', () => {
    expect(entryName({ name: 'a' })).toBe('a');
    expect(entryName({ name: 3 })).toBeUndefined();
    expect(entryName(null)).toBeUndefined();
    expect(describeEntry({ name: 'a' }, '#0')).toBe('"a"');
    expect(describeEntry({}, '#0')).toBe('#0');
  });
});
