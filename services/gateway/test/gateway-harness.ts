import { type DevIdentityProvider, type HarnessService, KubePlatformHarness, type ServiceProcess, startDevIdentityProvider } from '@dv/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIENCE, userToken } from './oidc-client';

/** An access rule the test's org starts with: `[subjectType, subjectId, roleId, scopeType, scopeId]`. */
export type OrgRule = readonly ['user' | 'group' | 'service-account', string, number, 'system' | 'tenant' | 'cluster' | 'department' | 'project', string];

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** The platform with Kubernetes (authz, sharing, volume, admission) and the gateway in front, trusting the given provider. */
export class GatewayHarness extends KubePlatformHarness {
  gateway!: ServiceProcess;
  baseUrl = '';

  /** `alsoRun`: the services besides authz, sharing, volume and admission (the audit service, which the audit endpoints call, by default). */
  async startWithGateway(
    idp: DevIdentityProvider,
    gatewayEnv: Record<string, string> = {},
    alsoRun: readonly HarnessService[] = [{ name: 'audit' }],
  ): Promise<void> {
    await this.startPlatform({
      webhook: false,
      alsoRun: [...alsoRun, { name: 'gateway', env: { GATEWAY_PORT: '0', GATEWAY_OIDC_ISSUER: idp.issuer, GATEWAY_OIDC_AUDIENCE: AUDIENCE, ...gatewayEnv } }],
    });
    this.gateway = this.processes.get('gateway')?.[0] as ServiceProcess;
    const port = /"msg":"service ready".*?"httpPort":(\d+)/.exec(this.gateway.output())?.[1];
    if (port === undefined) throw new Error(`the gateway did not log its HTTP port:\n${this.gateway.output().slice(-2000)}`);
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  /** The provider made by `startAll` and its folder. */
  idp!: DevIdentityProvider;
  providerDir = '';

  /**
   * A test file's setup in one call: the development identity provider in a folder of its own, the
   * platform with the gateway trusting it, the org's access rules, and a token (signed in through the
   * provider's login app) for each user named, by user name. `stopAll` undoes it.
   */
  async startAll(options: {
    name: string;
    rules: readonly OrgRule[];
    users: readonly string[];
    /** The gateway's env; may register clients at the provider first (the console's). */
    gatewayEnv?: (idp: DevIdentityProvider) => Record<string, string> | Promise<Record<string, string>>;
  }): Promise<Record<string, string>> {
    this.providerDir = await mkdtemp(join(tmpdir(), `dv-gateway-${options.name}-`));
    this.idp = await startDevIdentityProvider({ dir: this.providerDir });
    await this.startWithGateway(this.idp, (await options.gatewayEnv?.(this.idp)) ?? {});
    for (const [subjectType, subjectId, roleId, scopeType, scopeId] of options.rules) await this.grant(subjectType, subjectId, roleId, scopeType, scopeId);
    const tokens: Record<string, string> = {};
    for (const user of options.users) tokens[user] = await userToken(this.idp, `${user}@acme.example`);
    return tokens;
  }

  async stopAll(): Promise<void> {
    await this.stopPlatform();
    await this.idp?.stop();
    if (this.providerDir !== '') await rm(this.providerDir, { recursive: true, force: true });
  }

  /** A GET whose answer is not JSON (a download): the text as it came. */
  async download(path: string, token: string): Promise<{ status: number; headers: Headers; text: string }> {
    const response = await fetch(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  /** One HTTP call to the gateway; `body` is sent as JSON unless it is a string (sent as is). */
  async http(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }
}
