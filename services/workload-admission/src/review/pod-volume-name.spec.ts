import { podVolumeName } from './pod-volume-name';

describe('podVolumeName', () => {
  it('joins the id prefix and the volume name', () => {
    expect(podVolumeName('8F3A21C0-1111-4222-8333-444455556666', 'imagenet')).toBe('dv-8f3a21c0-imagenet');
  });

  it('stays a DNS label for the longest volume names', () => {
    const name = podVolumeName('8f3a21c0-1111-4222-8333-444455556666', `a${'-b'.repeat(31)}`);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
