// The local run: the whole system on an embedded default, no Docker. Starts the test bed's real
// servers (or uses NATS_URL / MONGO_URL / KUBECONFIG), every service as its own process, publishes
// the example org (deploy/examples/org.yaml) and grants demo access rules, then stays up until Ctrl-C.
// nats-server runs with the platform's users and permissions (deploy/nats/nats-server.conf): every
// process connects as its own user with a password made for this run, the streams are made by the
// provisioner, and this script calls as the operator. The identity provider (Ory Hydra, with our
// login-and-consent app for the org file's development users) runs beside them; its issuer URL is
// printed and written to tmp/local.env. Every service sends its spans to a Jaeger started beside them (its UI
// address is printed; DV_TRACING=off or OTEL_EXPORTER_OTLP_ENDPOINT say otherwise: see tracing.ts).
import { AuthzRpc, type NatsClientName, STREAMS, natsPasswordVariable } from '@dv/contracts';
import { RpcClient, connectNats, drainNats } from '@dv/messaging';
import { provisionPlatformStreams } from '@dv/runtime';
import {
  DEV_GROUPS_CLAIM,
  KUBE_WEBHOOK_CLIENT_NAME,
  type ServiceProcess,
  type TestBed,
  createCertificateAuthority,
  freePort,
  hydraAdmin,
  registerConsoleClient,
  issueServingCertificate,
  natsUserOf,
  registerCliClient,
  nodeEntryArgs,
  repoRoot,
  serviceModeFromEnv,
  startDevIdentityProvider,
  startSecuredTestBed,
  startServiceProcess,
} from '@dv/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_VOLUME_ADMINISTRATOR, grantDemoAccessRules } from './demo-access-rules';
import { LOCAL_ADMIN, LOCAL_GATEWAY_AUDIENCE, LOCAL_SERVICES } from './services';
import { startLocalTracing } from './tracing';

function say(line: string): void {
  process.stdout.write(`[local-run] ${line}\n`);
}

async function main(): Promise<void> {
  const root = repoRoot();
  const logs = join(root, 'tmp', 'logs');
  await mkdir(logs, { recursive: true });
  say('starting the servers (nats-server, FerretDB, etcd + kube-apiserver)…');
  const bed = await startSecuredTestBed();
  const env: Record<string, string> = { ...bed.env };
  const natsAs = natsEnvOf(bed);
  if (!bed.securedNats) {
    say(
      `NATS_URL is set: the streams are provisioned there as ${process.env['DV_NATS_PROVISIONER_PASSWORD'] ? 'the provisioner' : 'an anonymous client (set DV_NATS_<CLIENT>_PASSWORD for a server with users)'}`,
    );
    const provisioner = natsAs('provisioner');
    await provisionPlatformStreams({
      NATS_URL: env['NATS_URL'] ?? '',
      NATS_USER: provisioner['NATS_USER'],
      NATS_PASSWORD: provisioner['NATS_PASSWORD'],
      NATS_STREAM_REPLICAS: 1,
      LOG_LEVEL: 'info',
    });
  }
  say('starting Jaeger for the traces (built once on first use: many minutes)…');
  const tracing = await startLocalTracing(root).catch(async (error: unknown) => {
    await bed.stop();
    throw error;
  });
  Object.assign(env, tracing.env);
  say(tracing.summary);
  say('starting the identity provider (Ory Hydra, built once on first use) and the development login app…');
  const idp = await startDevIdentityProvider({ dir: join(root, 'tmp', 'hydra') }).catch(async (error: unknown) => {
    await tracing.stop();
    await bed.stop();
    throw error;
  });
  say(
    `identity provider: issuer ${idp.issuer} (admin API on the 0600 socket ${idp.adminSocket}, log tmp/hydra/hydra.log); sign in as a user of deploy/examples/org.yaml with password "${idp.password}", groups in the "${DEV_GROUPS_CLAIM}" claim`,
  );
  // The command line's public client (browser sign-in of people, decision 0028): `dv login` reads it from DV_OIDC_*.
  const cliClientId = await registerCliClient(idp.adminUrl, { audience: LOCAL_GATEWAY_AUDIENCE }).catch(async (error: unknown) => {
    await idp.stop();
    await bed.stop();
    throw error;
  });
  const idpEnv = {
    DV_OIDC_ISSUER: idp.issuer,
    DV_OIDC_CLIENT_ID: cliClientId,
    DV_OIDC_AUDIENCE: LOCAL_GATEWAY_AUDIENCE,
    OIDC_ISSUER: idp.issuer,
    OIDC_JWKS_URL: `${idp.publicUrl}/.well-known/jwks.json`,
    HYDRA_ADMIN_URL: idp.adminUrl,
    DEV_LOGIN_URL: idp.login.url,
    DEV_USER_PASSWORD: idp.password,
  };
  // The gateway trusts the local provider's tokens for its audience; GATEWAY_PORT picks its port (a free one otherwise).
  const gatewayPort = process.env['GATEWAY_PORT'] ?? String(await freePort());
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  // Service accounts become clients of the provider through its admin API, on its socket (never on TCP).
  const gatewayEnv = {
    GATEWAY_PORT: gatewayPort,
    GATEWAY_OIDC_ISSUER: idp.issuer,
    GATEWAY_OIDC_AUDIENCE: LOCAL_GATEWAY_AUDIENCE,
    GATEWAY_PROVIDER_ADMIN_URL: idp.adminUrl,
    // The web console (dist/apps/console, built by npm start) at /console/, signing people in as its own public client.
    GATEWAY_CONSOLE_DIR: join(root, 'dist', 'apps', 'console'),
    GATEWAY_CONSOLE_CLIENT_ID: await registerConsoleClient(idp.adminUrl, gatewayUrl, LOCAL_GATEWAY_AUDIENCE),
  };
  // The run's own folder (git-ignored), readable by its owner only: the operator's password of this run, for the nats CLI.
  const localEnv = {
    ...env,
    ...natsAs('operator'),
    ...idpEnv,
    GATEWAY_URL: gatewayUrl,
    GATEWAY_AUDIENCE: LOCAL_GATEWAY_AUDIENCE,
    ...(tracing.uiUrl !== undefined ? { JAEGER_UI_URL: tracing.uiUrl } : {}),
  };
  const localEnvPath = join(root, 'tmp', 'local.env');
  await rm(localEnvPath, { force: true }); // an earlier run's file would keep its mode through writeFile
  await writeFile(
    localEnvPath,
    `${Object.entries(localEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
    { mode: 0o600 },
  );

  const running: { name: string; process: ServiceProcess }[] = [];
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    for (const s of running.reverse()) await s.process.stop();
    await idp.stop();
    await tracing.stop();
    await bed.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  // The webhook listens on 127.0.0.1: register it only with our own kube-apiserver, never a real cluster's.
  const webhookEnv = process.env['KUBECONFIG'] ? {} : await localWebhookEnv(join(root, 'tmp', 'webhook'), bed.env['KUBE_WEBHOOK_CLIENT_CA_FILE'] ?? '');
  if (process.env['KUBECONFIG']) say('KUBECONFIG is set: the admission webhook is not registered with that cluster (reviews over NATS only)');
  for (const service of LOCAL_SERVICES) {
    const extra = service.name === 'workload-admission' ? webhookEnv : service.name === 'gateway' ? gatewayEnv : {};
    const proc = await startServiceProcess({
      service: service.name,
      env: { ...env, ...natsAs(natsUserOf(service.name)), ...service.env, ...extra },
      logPath: join(logs, `${service.name}.log`),
    });
    running.push({ name: service.name, process: proc });
    say(`${service.name} is up: health http://127.0.0.1:${proc.healthPort}/readyz, log tmp/logs/${service.name}.log`);
    if (service.name === 'gateway')
      say(
        `the REST API: ${gatewayUrl}/api/v1/datavolumes (bearer tokens of ${idp.issuer} for the audience ${LOCAL_GATEWAY_AUDIENCE}, or from ${gatewayUrl}/api/v2/token; GATEWAY_URL in tmp/local.env)`,
      );
    if (service.name === 'gateway') say(`the web console: ${gatewayUrl}/console/ (sign in as a user of deploy/examples/org.yaml, password "${idp.password}")`);
  }

  say('publishing the example org (deploy/examples/org.yaml) and creating its namespaces…');
  const publisher = spawnSync(
    process.execPath,
    [
      ...nodeEntryArgs('tools/platform-publisher', 'main.ts', serviceModeFromEnv()),
      '--file',
      join(root, 'deploy/examples/org.yaml'),
      '--state',
      join(root, 'tmp', 'local-run.org-state.json'),
    ],
    { env: { ...process.env, ...env, ...natsAs('platform-publisher') }, encoding: 'utf8' },
  );
  if (publisher.status !== 0) throw new Error(`the platform publisher failed: ${publisher.stderr}`);

  const operator = natsAs('operator');
  const nc = await connectNats({
    url: env['NATS_URL'] ?? '',
    name: 'local-run',
    ...(operator['NATS_USER'] !== undefined ? { user: operator['NATS_USER'], pass: operator['NATS_PASSWORD'] ?? '' } : {}),
  });
  const platformSeq = (await (await jetstreamManager(nc)).streams.info(STREAMS.platform.name)).state.last_seq;
  const client = new RpcClient(nc);
  for (const line of await grantDemoAccessRules(client, platformSeq)) say(line);
  const decision = await client.call(
    AuthzRpc.check,
    {
      subject: { subjectType: 'user', subjectId: 'alice@acme.example', groups: ['researchers', 'vision-team'] },
      action: 'create',
      resourceType: 'workloads',
      scope: { scopeType: 'project', scopeId: 'proj-a' },
    },
    { identity: { subjectId: LOCAL_ADMIN, subjectType: 'user' } },
  );
  say(`example decision: ${decision.message}`);
  // A service account to try the REST API and the command line with at once: a client of the provider
  // (as the gateway makes them), Data volume administrator in the tenant. Its secret goes to tmp/local.env (0600) only.
  const demo = await hydraAdmin<{ client_id: string; client_secret: string }>(idp.adminUrl, 'POST', '/admin/clients', {
    client_name: 'local-demo',
    client_secret: randomBytes(24).toString('base64url'),
    owner: 'dv-service-account',
    grant_types: ['client_credentials'],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    audience: [LOCAL_GATEWAY_AUDIENCE],
    metadata: { dv: { createdBy: LOCAL_ADMIN, updatedBy: LOCAL_ADMIN } },
  });
  await client.call(
    AuthzRpc.createAccessRule,
    { subjectType: 'service-account', subjectId: demo.client_id, roleId: DATA_VOLUME_ADMINISTRATOR, scopeType: 'tenant', scopeId: 'tenant-acme' },
    { identity: { subjectId: LOCAL_ADMIN, subjectType: 'user' } },
  );
  await appendFile(localEnvPath, `DV_DEMO_CLIENT_ID=${demo.client_id}\nDV_DEMO_CLIENT_SECRET=${demo.client_secret}\n`);
  say(
    `service account local-demo (${demo.client_id}), Data volume administrator in tenant-acme: its client id and secret are DV_DEMO_CLIENT_ID and DV_DEMO_CLIENT_SECRET in tmp/local.env (try: set -a; . tmp/local.env; set +a; DV_CLIENT_SECRET=$DV_DEMO_CLIENT_SECRET npx dv login --url $GATEWAY_URL --client-id $DV_DEMO_CLIENT_ID && npx dv datavolume list -A)`,
  );
  await drainNats(nc);

  say(
    `a person signs in from the command line through the browser: set -a; . tmp/local.env; set +a; npx dv login --url $GATEWAY_URL (the provider and the client ${cliClientId} come from DV_OIDC_ISSUER and DV_OIDC_CLIENT_ID)`,
  );
  say(
    'the system is up. Servers: see tmp/local.env (NATS_URL, MONGO_URL, KUBECONFIG, NATS_USER/NATS_PASSWORD of the operator, OIDC_ISSUER, GATEWAY_URL, JAEGER_UI_URL). Ctrl-C stops everything.',
  );
  say(tracing.summary);
}

/**
 * NATS_USER and NATS_PASSWORD of a client: from the bed's nats-server (users on, passwords of this
 * run), or, on a server of one's own (NATS_URL), the client's DV_NATS_<CLIENT>_PASSWORD when set
 * (none: an open server).
 */
function natsEnvOf(bed: TestBed): (client: NatsClientName) => Record<string, string> {
  return (client) => {
    if (bed.securedNats) return { NATS_USER: client, NATS_PASSWORD: bed.securedNats.password(client) };
    const password = process.env[natsPasswordVariable(client)];
    return password ? { NATS_USER: client, NATS_PASSWORD: password } : ({} as Record<string, string>);
  };
}

/**
 * The admission webhook of the local run: a CA and a serving certificate for 127.0.0.1 made afresh,
 * and the service registers its MutatingWebhookConfiguration with the local kube-apiserver (project
 * namespaces only) when it starts, and removes it when it stops. It answers only the local API server,
 * by the client certificate the test bed's kube-apiserver presents to webhooks (clientCaFile).
 */
async function localWebhookEnv(dir: string, clientCaFile: string): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const ca = await createCertificateAuthority(dir, 'dv-local-webhook-ca');
  const cert = await issueServingCertificate(ca, dir, { name: 'workload-admission', ipAddresses: ['127.0.0.1'] });
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
  await writeFile(files.ca, ca.certPem);
  await writeFile(files.cert, cert.certPem);
  await writeFile(files.key, cert.keyPem, { mode: 0o600 });
  return {
    ADMISSION_WEBHOOK_PORT: String(await freePort()),
    ADMISSION_WEBHOOK_HOST: '127.0.0.1',
    ADMISSION_WEBHOOK_CERT_FILE: files.cert,
    ADMISSION_WEBHOOK_KEY_FILE: files.key,
    ADMISSION_WEBHOOK_CA_FILE: files.ca,
    ADMISSION_WEBHOOK_CLIENT_CA_FILE: clientCaFile,
    ADMISSION_WEBHOOK_CLIENT_NAMES: KUBE_WEBHOOK_CLIENT_NAME,
    ADMISSION_WEBHOOK_REGISTER_AS: 'dv-workload-admission-local',
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`[local-run] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
