import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertificateAuthority {
  certPath: string;
  keyPath: string;
  /** PEM of the CA certificate, for clients (kubeconfig, caBundle of a webhook). */
  certPem: string;
}

export interface ServingCertificate {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
}

export interface ServingCertificateRequest {
  /** File name stem: <dir>/<name>.crt and <name>.key. */
  name: string;
  ipAddresses?: readonly string[];
  dnsNames?: readonly string[];
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error: unknown) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${error instanceof Error ? error.message : String(error)} ${stderr}`.trim());
  }
}

function opensslConfig(commonName: string, extensions: string): string {
  return `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = ${commonName}\n[ext]\n${extensions}\n`;
}

/** A throw-away certificate authority (ECDSA P-256, valid 30 days) made with the openssl CLI in dir. */
export async function createCertificateAuthority(dir: string, commonName = 'dv-testbed-ca'): Promise<CertificateAuthority> {
  const configPath = join(dir, 'ca.cnf');
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  await writeFile(
    configPath,
    opensslConfig(commonName, 'basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash'),
  );
  await openssl(['req', '-x509', '-new', '-config', configPath, '-extensions', 'ext', ...EC_KEY, '-keyout', keyPath, '-out', certPath, '-days', '30']);
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8') };
}

/** A TLS serving certificate for the given IPs and DNS names, signed by ca. */
export async function issueServingCertificate(ca: CertificateAuthority, dir: string, request: ServingCertificateRequest): Promise<ServingCertificate> {
  const names = [...(request.ipAddresses ?? []).map((ip) => `IP:${ip}`), ...(request.dnsNames ?? []).map((dns) => `DNS:${dns}`)];
  if (names.length === 0) throw new Error('a serving certificate needs at least one IP address or DNS name');
  const configPath = join(dir, `${request.name}.cnf`);
  const csrPath = join(dir, `${request.name}.csr`);
  const certPath = join(dir, `${request.name}.crt`);
  const keyPath = join(dir, `${request.name}.key`);
  const extensions = [
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = ${names.join(',')}`,
    'authorityKeyIdentifier = keyid',
  ].join('\n');
  await writeFile(configPath, opensslConfig(request.dnsNames?.[0] ?? request.name, extensions));
  await openssl(['req', '-new', '-config', configPath, ...EC_KEY, '-keyout', keyPath, '-out', csrPath]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csrPath,
    '-CA',
    ca.certPath,
    '-CAkey',
    ca.keyPath,
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    '30',
    '-extfile',
    configPath,
    '-extensions',
    'ext',
    '-out',
    certPath,
  ]);
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
}

export interface ClientCertificateRequest {
  /** File name stem: <dir>/<name>.crt and <name>.key. */
  name: string;
  /** The certificate's subject common name: who the client is. */
  commonName: string;
}

/** A TLS client certificate (extendedKeyUsage clientAuth) for commonName, signed by ca. */
export async function issueClientCertificate(ca: CertificateAuthority, dir: string, request: ClientCertificateRequest): Promise<ServingCertificate> {
  const configPath = join(dir, `${request.name}.cnf`);
  const csrPath = join(dir, `${request.name}.csr`);
  const certPath = join(dir, `${request.name}.crt`);
  const keyPath = join(dir, `${request.name}.key`);
  const extensions = [
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage = clientAuth',
    'authorityKeyIdentifier = keyid',
  ].join('\n');
  await writeFile(configPath, opensslConfig(request.commonName, extensions));
  await openssl(['req', '-new', '-config', configPath, ...EC_KEY, '-keyout', keyPath, '-out', csrPath]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csrPath,
    '-CA',
    ca.certPath,
    '-CAkey',
    ca.keyPath,
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    '30',
    '-extfile',
    configPath,
    '-extensions',
    'ext',
    '-out',
    certPath,
  ]);
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
}
