// @dv/testing: the test bed of real servers (nats-server with JetStream, FerretDB or mongod,
// etcd + kube-apiserver), built from source once into a cache outside the repository.
export { ALL_SERVER_BUILDS, type BinaryPaths, type EnsureBinariesOptions, type ServerBuild, ensureBinaries } from './ensure-binaries';
export { cacheRoot } from './cache-root';
export { freePort } from './free-port';
export { type HttpRequestOptions, type HttpResponse, httpRequest } from './http-request';
export { type ProjectionMetrics, projectionMetrics } from './projection-metrics';
export { publishedVolume } from './published-volume';
export { type KubeconfigInput, writeKubeconfig } from './kubeconfig';
export { type ProgressLog, silentProgressLog, stderrProgressLog } from './progress-log';
export { findOnPath } from './find-on-path';
export { repoRoot } from './repo-root';
export { type RunningServer } from './running-server';
export { type ServerProcess, type SpawnServerOptions, ServerExitedError, spawnServer } from './server-process';
export { FERRETDB_VERSION, NATS_SERVER_VERSION } from './server-versions';
export { type RunningEtcd, type StartEtcdOptions, startEtcd } from './start-etcd';
export { type RunningFerret, type StartFerretOptions, startFerret } from './start-ferret';
export { type StartFerretPostgresOptions, findPostgres, startFerretPostgres } from './start-ferret-postgres';
export {
  type RunningKube,
  type StartKubeOptions,
  type WebhookClientFiles,
  KUBE_ADMIN_USER,
  KUBE_WEBHOOK_CLIENT_NAME,
  SERVICE_ACCOUNT_ISSUER,
  SERVICE_CLUSTER_IP_RANGE,
  startKube,
} from './start-kube';
export { type RunningMongo, type StartMongoOptions, startMongo } from './start-mongo';
export { type RunningMongod, type StartMongodOptions, startMongod } from './start-mongod';
export { type RunningNats, type StartNatsOptions, startNats } from './start-nats';
export { type StartTestBedOptions, type TestBed, startTestBed } from './test-bed';
export {
  type CertificateAuthority,
  type ClientCertificateRequest,
  type ServingCertificate,
  type ServingCertificateRequest,
  createCertificateAuthority,
  issueClientCertificate,
  issueServingCertificate,
} from './tls-certificates';
export { type WaitForOptions, waitFor } from './wait-for';
export { type ServiceProcess, type ServiceProcessOptions, startIsolatedNats, startServiceProcess } from './service-process';
export { SERVICE_NODE_FLAGS, serviceNodeFlags } from './service-node-flags';
export { type ServiceMode, nodeEntryArgs, serviceModeFromEnv } from './node-entry';
export { buildProjects } from './build-projects';
export { HARNESS_ORG, HARNESS_ROOT, type HarnessService, PlatformHarness, natsUserOf } from './platform-harness';
export {
  type ConnectAsOptions,
  SecuredNats,
  type StartSecuredNatsOptions,
  type TestNatsUser,
  generateNatsPasswords,
  natsServerConfigPath,
  startSecuredTestBed,
} from './secured-nats';
export { KubePlatformHarness, testBedEnv } from './kube-platform-harness';
export { WORKLOAD_CRDS, installWorkloadCrds } from './workload-crds';
export { type BoundPvcOptions, createBoundPvc } from './bound-pvc';
export { type RestartableNats, startRestartableNats } from './restartable-nats';
export { type NatsCluster, type NatsClusterNode, type StartNatsClusterOptions, startNatsCluster } from './nats-cluster';
export { HELM_VERSION, HYDRA_VERSION } from './server-versions';
export { ensureHelmBinary, helmBuild } from './helm-build';
export { type RunningHydra, type StartHydraOptions, ensureHydraBinary, startHydra } from './start-hydra';
export { type DevUser, findDevUser, parseDevUsers, readDevUsers } from './dev-login/dev-users';
export { type RunningDevLogin, type StartDevLoginOptions, startDevLogin } from './dev-login/dev-login-app';
export {
  DEV_GROUPS_CLAIM,
  DEV_USER_PASSWORD,
  type DevIdentityProvider,
  type StartDevIdentityProviderOptions,
  startDevIdentityProvider,
} from './dev-login/start-dev-identity-provider';
export { type HydraClient, TestBrowser, hydraAdmin } from './dev-login/oidc-test-client';
export { type AdminAnswer, adminRequest } from './dev-login/admin-request';
export { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from './chromium';
export { CONSOLE_CALLBACK_PATH, CONSOLE_SIGNED_OUT_PATH, registerConsoleClient } from './dev-login/console-client';
export { CLI_REDIRECT_URI, CLI_SCOPE, type RegisterCliClientOptions, registerCliClient } from './dev-login/cli-client';
export { JAEGER_VERSION } from './server-versions';
export { type RunningJaeger, type StartJaegerOptions, ensureJaegerBinary, startJaeger } from './start-jaeger';
