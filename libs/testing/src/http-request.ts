import { request as httpRequestRaw } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM of the CA that signed the server's certificate (https). */
  ca?: string;
  /** PEM of a client certificate and its key (https: mutual TLS). */
  cert?: string;
  key?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** A small HTTP(S) client for readiness probes; https verifies against the given CA. */
export function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequestRaw : httpRequestRaw;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, cert: options.cert, key: options.key, timeout: options.timeoutMs ?? 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${req.method} ${url} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
