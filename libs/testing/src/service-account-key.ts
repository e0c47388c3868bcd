import { generateKeyPair } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

/** An RSA key for kube-apiserver to sign and verify service-account tokens; returns the PEM file's path. */
export async function createServiceAccountKey(dir: string): Promise<string> {
  const { privateKey } = await generate('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const path = join(dir, 'service-account.key');
  await writeFile(path, privateKey, { mode: 0o600 });
  return path;
}
