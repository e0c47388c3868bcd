// What a test needs to act as a client of the development identity provider: Hydra's admin API, and a
// browser of sorts for the authorization-code flow through the login app. The identity provider's own
// tests and the gateway's use them; nothing here is faked.
import { adminRequest } from './admin-request';

/** An OAuth2 client as Hydra's admin API answers it (the secret only when it made one). */
export interface HydraClient {
  client_id: string;
  client_secret?: string;
}

/** A call to Hydra's admin API (`adminUrl`: the provider's, `unix:<socket>` or http); a non-2xx answer throws with its body. */
export async function hydraAdmin<T>(adminUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const { status, text } = await adminRequest(adminUrl, method, path, body);
  if (status < 200 || status >= 300) throw new Error(`${method} ${path}: ${status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A browser of sorts: keeps cookies per host and follows no redirect by itself, so each hop is seen. */
export class TestBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ status: number; location: string | undefined; body: string }> {
    const target = new URL(url);
    const jar = this.cookies.get(target.host) ?? new Map<string, string>();
    this.cookies.set(target.host, jar);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : null,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, location: location === undefined ? undefined : new URL(location, target).toString(), body: await response.text() };
  }

  /** Follows 302/303s (GET) until the location starts with `stopAt`, and returns that location. */
  async followUntil(location: string, stopAt: string): Promise<string> {
    let next = location;
    for (let hop = 0; hop < 10; hop++) {
      if (next.startsWith(stopAt)) return next;
      const response = await this.request(next);
      if (response.status !== 302 && response.status !== 303) throw new Error(`GET ${next} answered ${response.status}: ${response.body.slice(0, 500)}`);
      next = response.location ?? '';
    }
    throw new Error(`too many redirects towards ${stopAt}`);
  }
}
