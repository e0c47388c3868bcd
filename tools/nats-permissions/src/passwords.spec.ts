import { NATS_PERMISSION_MANIFEST, generateNatsPassword as generatePassword, isSafeNatsPassword as isSafePassword } from '@dv/contracts';
import { passwordsFor, renderEnvFile } from './passwords';
import { usersOf } from './render-server-config';

describe('passwords', () => {
  it('generates long random passwords nats-server reads back unchanged', () => {
    const a = generatePassword();
    expect(a).toHaveLength(32);
    expect(isSafePassword(a)).toBe(true);
    expect(generatePassword()).not.toBe(a);
  });

  it('refuses what nats-server would read as something else', () => {
    for (const bad of ['12345678901234', 'short1', 'has space inside', 'pass#word12345', 'true', '']) expect([bad, isSafePassword(bad)]).toEqual([bad, false]);
  });

  it('keeps the passwords the environment gives and generates the others', () => {
    const passwords = passwordsFor(usersOf(NATS_PERMISSION_MANIFEST), { DV_NATS_AUTHZ_PASSWORD: 'pGivenPassword123' });
    expect(Object.keys(passwords)).toEqual([
      'DV_NATS_AUTHZ_PASSWORD',
      'DV_NATS_VOLUME_PASSWORD',
      'DV_NATS_SHARING_PASSWORD',
      'DV_NATS_WORKLOAD_ADMISSION_PASSWORD',
      'DV_NATS_AUDIT_PASSWORD',
      'DV_NATS_GATEWAY_PASSWORD',
      'DV_NATS_PLATFORM_PUBLISHER_PASSWORD',
      'DV_NATS_AUDIT_READER_PASSWORD',
      'DV_NATS_PROVISIONER_PASSWORD',
      'DV_NATS_OPERATOR_PASSWORD',
    ]);
    expect(passwords['DV_NATS_AUTHZ_PASSWORD']).toBe('pGivenPassword123');
    expect(renderEnvFile({ A: 'x', B: 'y' })).toBe('A=x\nB=y\n');
  });
});
