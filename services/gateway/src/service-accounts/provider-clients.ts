import { DvError } from '@dv/contracts';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type ProviderAdmin } from './provider-admin';

/** How our clients are told from the provider's others: Hydra's `owner` field, which its list filters on. */
export const SERVICE_ACCOUNT_OWNER = 'dv-service-account';
/** The grant a service account has while enabled; a disabled one has none, so the provider issues it nothing. */
const ENABLED_GRANTS = ['client_credentials'];
const PAGE_SIZE = 500;

const dvMetadataSchema = z.object({ createdBy: z.string(), updatedBy: z.string() });

const providerClientSchema = z.object({
  client_id: z.string(),
  client_name: z.string().optional(),
  client_secret: z.string().optional(),
  owner: z.string().optional(),
  grant_types: z.array(z.string()).nullish(),
  metadata: z.object({ dv: dvMetadataSchema.optional() }).nullish(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});

/** A service account as the provider keeps it (an OAuth2 client of ours). */
export interface ProviderClient {
  clientId: string;
  name: string;
  /** Whether the provider issues it tokens (client_credentials granted). */
  grantsTokens: boolean;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  /** Only when just made (creation, regeneration). */
  secret?: string;
}

/**
 * Service accounts as OAuth2 clients of the identity provider, through Ory Hydra's admin API: the
 * client-credentials grant, the gateway's audience, `client_secret_basic`, our owner mark and who made
 * and changed it in the metadata. The provider is their only store (the gateway owns no database).
 */
export class ProviderClients {
  constructor(
    private readonly admin: ProviderAdmin,
    private readonly audience: string,
  ) {}

  async create(name: string, by: string): Promise<ProviderClient> {
    const answer = await this.admin.call('POST', '/admin/clients', {
      client_name: name,
      client_secret: newSecret(),
      owner: SERVICE_ACCOUNT_OWNER,
      grant_types: ENABLED_GRANTS,
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      audience: [this.audience],
      metadata: { dv: { createdBy: by, updatedBy: by } },
    });
    return this.clientOf(answer.status, answer.body, 201);
  }

  /** Ours by id; NOT_FOUND for an unknown id or a client that is not a service account. */
  async get(id: string): Promise<ProviderClient> {
    const answer = await this.admin.call('GET', `/admin/clients/${encodeURIComponent(id)}`);
    if (answer.status === 404) throw notFound(id);
    const client = this.clientOf(answer.status, answer.body, 200);
    return client;
  }

  /** Every service account, oldest first (the provider's order). */
  async list(filter: { name?: string } = {}): Promise<ProviderClient[]> {
    const all: ProviderClient[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const query = new URLSearchParams({ owner: SERVICE_ACCOUNT_OWNER, page_size: String(PAGE_SIZE) });
      if (filter.name !== undefined) query.set('client_name', filter.name);
      if (pageToken !== undefined) query.set('page_token', pageToken);
      const answer = await this.admin.call('GET', `/admin/clients?${query.toString()}`);
      if (answer.status !== 200) throw unexpected(answer.status);
      const parsed = z.array(providerClientSchema).safeParse(answer.body);
      if (!parsed.success) throw DvError.unavailable("the identity provider's client list has an unexpected shape");
      for (const raw of parsed.data) {
        const client = toClient(raw);
        if (client !== undefined) all.push(client);
      }
      pageToken = nextPageToken(answer.headers['link']);
      if (pageToken === undefined || parsed.data.length < PAGE_SIZE) break;
    }
    return all;
  }

  /** Grants or withdraws the client-credentials grant: a client without it gets no token from the provider. */
  async setGrantsTokens(id: string, grants: boolean, by: string): Promise<ProviderClient> {
    return this.patch(id, [
      { op: 'replace', path: '/grant_types', value: grants ? ENABLED_GRANTS : [] },
      { op: 'replace', path: '/metadata/dv/updatedBy', value: by },
    ]);
  }

  /** A new secret: the old one gets no token from now on. */
  async regenerateSecret(id: string, by: string): Promise<ProviderClient> {
    const secret = newSecret();
    const client = await this.patch(id, [
      { op: 'replace', path: '/client_secret', value: secret },
      { op: 'replace', path: '/metadata/dv/updatedBy', value: by },
    ]);
    return { ...client, secret };
  }

  /** Removes the client; an already removed one is fine (a retried delete). */
  async delete(id: string): Promise<void> {
    const answer = await this.admin.call('DELETE', `/admin/clients/${encodeURIComponent(id)}`);
    if (answer.status !== 204 && answer.status !== 404) throw unexpected(answer.status);
  }

  private async patch(id: string, operations: readonly unknown[]): Promise<ProviderClient> {
    await this.get(id); // ours, or NOT_FOUND: never patch a client the gateway did not make
    const answer = await this.admin.call('PATCH', `/admin/clients/${encodeURIComponent(id)}`, operations);
    if (answer.status === 404) throw notFound(id);
    return this.clientOf(answer.status, answer.body, 200);
  }

  private clientOf(status: number, body: unknown, expected: number): ProviderClient {
    if (status !== expected) throw unexpected(status);
    const parsed = providerClientSchema.safeParse(body);
    const client = parsed.success ? toClient(parsed.data) : undefined;
    if (client === undefined) {
      if (parsed.success) throw notFound(parsed.data.client_id);
      throw DvError.unavailable("the identity provider's client has an unexpected shape");
    }
    return client;
  }
}

/** 32 random bytes (256 bits), base64url: safe in a form, a header and a URL without escaping. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function toClient(raw: z.output<typeof providerClientSchema>): ProviderClient | undefined {
  const dv = raw.metadata?.dv;
  if (raw.owner !== SERVICE_ACCOUNT_OWNER || dv === undefined) return undefined;
  const client: ProviderClient = {
    clientId: raw.client_id,
    name: raw.client_name ?? '',
    grantsTokens: (raw.grant_types ?? []).includes('client_credentials'),
    createdBy: dv.createdBy,
    updatedBy: dv.updatedBy,
    createdAt: raw.created_at ?? '',
    updatedAt: raw.updated_at ?? raw.created_at ?? '',
  };
  if (raw.client_secret !== undefined && raw.client_secret !== '') client.secret = raw.client_secret;
  return client;
}

/** Hydra pages with `Link: <...page_token=...>; rel="next"`. */
function nextPageToken(link: string | string[] | undefined): string | undefined {
  const text = Array.isArray(link) ? link.join(',') : link;
  if (text === undefined) return undefined;
  for (const part of text.split(',')) {
    if (!/rel="?next"?/.test(part)) continue;
    const url = /<([^>]+)>/.exec(part)?.[1];
    if (url === undefined) continue;
    const token = new URL(url, 'http://provider').searchParams.get('page_token');
    if (token !== null && token !== '') return token;
  }
  return undefined;
}

function notFound(id: string): DvError {
  return DvError.notFound(`Service account ${id} does not exist.`, { id });
}

function unexpected(status: number): DvError {
  return DvError.unavailable(`the identity provider's admin API answered ${status}`, { status });
}
