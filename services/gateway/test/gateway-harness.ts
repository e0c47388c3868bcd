import { type DevIdentityProvider, type HarnessService, KubePlatformHarness, type ServiceProcess } from '@dv/testing';
import { AUDIENCE } from './oidc-client';

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
