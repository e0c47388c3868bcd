import { request } from 'node:http';

export interface AdminAnswer {
  status: number;
  text: string;
}

/**
 * One HTTP call to Hydra's admin API. `adminUrl` is `unix:<socket path>` (how the test bed and
 * `npm start` run it: a 0600 socket, so only its owner may mint clients or tokens) or an http(s) URL
 * (a provider of one's own).
 */
export async function adminRequest(adminUrl: string, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<AdminAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (!adminUrl.startsWith('unix:')) {
    const response = await fetch(`${adminUrl}${path}`, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      body: payload ?? null,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  }
  const socketPath = adminUrl.slice('unix:'.length);
  return new Promise<AdminAnswer>((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path,
        method,
        timeout: timeoutMs,
        headers: {
          host: 'hydra-admin',
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} on ${adminUrl} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}
