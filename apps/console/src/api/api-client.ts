import { type Session } from '../auth/session';
import { ApiError } from './api-error';

/** A query value: repeated keys (filterBy) as arrays; undefined and '' left out. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

export function queryString(query: Readonly<Record<string, QueryValue>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

async function errorOf(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => undefined);
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message = typeof o['message'] === 'string' ? o['message'] : `${response.status} ${response.statusText}`;
  return new ApiError(response.status, message, o['details']);
}

/**
 * The public REST API (/api/...) with the signed-in person's bearer token: nothing else. A 401 gets one
 * refresh and one retry; a second 401 signs the person out (the page then offers to sign in again).
 */
export class ApiClient {
  constructor(private readonly session: Session) {}

  get<T>(path: string, query: Readonly<Record<string, QueryValue>> = {}, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', `${path}${queryString(query)}`, undefined, signal);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** A download (CSV, JSON file): the text as it came. */
  async text(path: string, query: Readonly<Record<string, QueryValue>> = {}): Promise<string> {
    const response = await this.send('GET', `${path}${queryString(query)}`);
    if (!response.ok) throw await errorOf(response);
    return response.text();
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.send(method, path, body, signal);
    if (!response.ok) throw await errorOf(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private async send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    if (!path.startsWith('/api/')) throw new ApiError(0, `not an API path: ${path}`);
    const attempt = (): Promise<Response> => {
      const headers: Record<string, string> = { accept: 'application/json' };
      const token = this.session.current?.accessToken;
      if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(signal === undefined ? {} : { signal }) }).catch(
        (error: unknown) => {
          if (error instanceof DOMException && error.name === 'AbortError') throw error;
          throw new ApiError(0, 'The platform cannot be reached. Please try again in few minutes.');
        },
      );
    };
    const first = await attempt();
    if (first.status !== 401 || this.session.current === undefined) return first;
    if (await this.session.refresh()) return attempt();
    return first;
  }
}
