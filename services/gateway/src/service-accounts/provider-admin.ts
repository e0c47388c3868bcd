import { DvError } from '@dv/contracts';
import { request } from 'node:http';

export interface AdminAnswer {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body; undefined when empty. */
  body: unknown;
}

export interface ProviderAdminOptions {
  /** `unix:<socket path>` or an http(s) URL (GATEWAY_PROVIDER_ADMIN_URL). */
  url: string;
  /** Sent as a bearer token when set (GATEWAY_PROVIDER_ADMIN_TOKEN). */
  token?: string | undefined;
  timeoutMs: number;
}

/**
 * The identity provider's admin API (Ory Hydra's `/admin/...`), over a unix socket (the local provider:
 * its admin API is on a 0600 socket, never on TCP) or https with an optional bearer token. Any answer
 * comes back as it is; only a provider that cannot be reached, is too slow or answers 5xx or garbage is
 * an error (UNAVAILABLE: the caller's request may be fine).
 */
export class ProviderAdmin {
  constructor(private readonly options: ProviderAdminOptions) {}

  async call(method: string, path: string, body?: unknown): Promise<AdminAnswer> {
    let answer: { status: number; headers: AdminAnswer['headers']; text: string };
    try {
      answer = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body));
    } catch (error) {
      throw DvError.unavailable(`the identity provider's admin API did not answer ${method} ${path.split('?')[0] ?? ''}`, {
        cause: error instanceof Error ? error.message : String(error),
      });
    }
    if (answer.status >= 500) throw DvError.unavailable(`the identity provider's admin API answered ${answer.status}`, { status: answer.status });
    let parsed: unknown;
    try {
      parsed = answer.text === '' ? undefined : (JSON.parse(answer.text) as unknown);
    } catch {
      throw DvError.unavailable("the identity provider's admin API answered something that is not JSON", { status: answer.status });
    }
    return { status: answer.status, headers: answer.headers, body: parsed };
  }

  private async send(method: string, path: string, payload: string | undefined): Promise<{ status: number; headers: AdminAnswer['headers']; text: string }> {
    const headers: Record<string, string> = {};
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token !== undefined) headers['authorization'] = `Bearer ${this.options.token}`;
    if (!this.options.url.startsWith('unix:')) {
      const response = await fetch(`${this.options.url.replace(/\/+$/, '')}${path}`, {
        method,
        headers,
        body: payload ?? null,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
    }
    const socketPath = this.options.url.slice('unix:'.length);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath,
          path,
          method,
          timeout: this.options.timeoutMs,
          headers: { host: 'provider-admin', ...headers, ...(payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
