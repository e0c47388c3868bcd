/** What the gateway tells the console at `/console/config.json`: the provider and this console's client. */
export interface ConsoleConfig {
  issuer: string;
  clientId: string;
  audience: string;
  scopes: string;
  authorizationEndpoint: string;
  endSessionEndpoint?: string;
  revocationEndpoint?: string;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) throw new Error(`config.json: ${name} is missing`);
  return value;
}

function url(value: unknown, name: string): string {
  const given = text(value, name);
  const parsed = new URL(given);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`config.json: ${name} is not an http(s) URL`);
  return given;
}

/** The config as read, checked field by field (the console trusts its origin, but a broken deployment gets a clear message). */
export function parseConsoleConfig(body: unknown): ConsoleConfig {
  if (typeof body !== 'object' || body === null) throw new Error('config.json is not an object');
  const o = body as Record<string, unknown>;
  const config: ConsoleConfig = {
    issuer: url(o['issuer'], 'issuer'),
    clientId: text(o['clientId'], 'clientId'),
    audience: text(o['audience'], 'audience'),
    scopes: text(o['scopes'], 'scopes'),
    authorizationEndpoint: url(o['authorizationEndpoint'], 'authorizationEndpoint'),
  };
  if (o['endSessionEndpoint'] !== undefined) config.endSessionEndpoint = url(o['endSessionEndpoint'], 'endSessionEndpoint');
  if (o['revocationEndpoint'] !== undefined) config.revocationEndpoint = url(o['revocationEndpoint'], 'revocationEndpoint');
  return config;
}

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`the console's configuration answered ${response.status}`);
  return parseConsoleConfig(await response.json());
}
