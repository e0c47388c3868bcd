/** Every service of the platform the local run starts, with its own environment. */
export interface LocalService {
  name: string;
  env: Record<string, string>;
}

/** The platform operator of deploy/examples/org.yaml is the first System administrator. */
export const LOCAL_ADMIN = 'oscar@acme.example';

export const LOCAL_SERVICES: readonly LocalService[] = [
  { name: 'authz', env: { AUTHZ_BOOTSTRAP_ADMINS: `user:${LOCAL_ADMIN}` } },
  { name: 'sharing', env: {} },
  { name: 'volume', env: { VOLUME_USAGE_CHECK: 'required' } },
  // Its webhook (HTTPS, certificate made at start) is registered with the local kube-apiserver: see main.ts.
  { name: 'workload-admission', env: {} },
  { name: 'audit', env: {} },
  // The REST API; its issuer (the local identity provider) and port are set by main.ts.
  { name: 'gateway', env: {} },
];

/** The audience the local gateway accepts in tokens (request it from the provider: `audience=dv-gateway`). */
export const LOCAL_GATEWAY_AUDIENCE = 'dv-gateway';
