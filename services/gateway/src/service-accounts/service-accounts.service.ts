import { AuthzRpc, type Action, DvError, type Identity, type Revision, ServiceAccountEvents } from '@dv/contracts';
import { type EventPublisher } from '@dv/messaging';
import { type FastifyRequest } from 'fastify';
import { type ServiceCalls } from '../http/service-calls';
import { type ProviderClient, type ProviderClients } from './provider-clients';
import { type ServiceAccount, type ServiceAccountWithSecret } from './service-account-shape';
import { type ServiceAccountStates } from './service-account-states';

/**
 * Who may manage service accounts: `apps` (Applications, the resource type of the catalog that
 * service accounts replace) at the system scope: System administrator and Cloud operator; read also
 * Editor, Application and Department administrator there. Service accounts are not placed in a scope
 * (one provider, platform-wide); their access rules say what they may do.
 */
const MANAGED_AS = { resourceType: 'apps', scope: { scopeType: 'system', scopeId: 'system' } } as const;

export interface ServiceAccountsDeps {
  /** Undefined when GATEWAY_PROVIDER_ADMIN_URL is unset: every call answers 503. */
  clients: ProviderClients | undefined;
  states: ServiceAccountStates;
  events: EventPublisher;
  calls: ServiceCalls;
  /** How long a write waits for this replica to apply its own event. */
  waitMs: number;
}

/**
 * The service-account use cases: authorize the caller (authz), change the provider's client, and
 * record the change as an event that every gateway replica applies (disabled and deleted accounts'
 * tokens refused). Disabling records the event first, then withdraws the grant at the provider;
 * enabling restores the grant first, then records the event: a failure in between leaves the account
 * refused, never open.
 */
export class ServiceAccountsService {
  constructor(private readonly deps: ServiceAccountsDeps) {}

  async create(caller: Identity, request: FastifyRequest, name: string): Promise<{ account: ServiceAccountWithSecret; revision: Revision }> {
    const clients = await this.authorize(caller, request, 'create');
    if ((await clients.list({ name })).length > 0) throw DvError.conflict('Resource with this name already exists', { name });
    const client = await clients.create(name, caller.subjectId);
    const revision = await this.record(ServiceAccountEvents.created, client, caller, request);
    return { account: withSecret(this.shape(client), client), revision };
  }

  async list(
    caller: Identity,
    request: FastifyRequest,
    page: { offset: number; limit: number },
  ): Promise<{ next?: number; serviceAccounts: ServiceAccount[] }> {
    const clients = await this.authorize(caller, request, 'read');
    const all = await clients.list();
    const serviceAccounts = all.slice(page.offset, page.offset + page.limit).map((c) => this.shape(c));
    const next = page.offset + page.limit;
    return next < all.length ? { next, serviceAccounts } : { serviceAccounts };
  }

  async get(caller: Identity, request: FastifyRequest, id: string): Promise<ServiceAccount> {
    const clients = await this.authorize(caller, request, 'read');
    return this.shape(await clients.get(id));
  }

  async regenerateSecret(caller: Identity, request: FastifyRequest, id: string): Promise<{ account: ServiceAccountWithSecret; revision: Revision }> {
    const clients = await this.authorize(caller, request, 'update');
    const client = await clients.regenerateSecret(id, caller.subjectId);
    const revision = await this.record(ServiceAccountEvents.secretRegenerated, client, caller, request);
    return { account: withSecret(this.shape(client), client), revision };
  }

  async setEnabled(caller: Identity, request: FastifyRequest, id: string, enabled: boolean): Promise<{ account: ServiceAccount; revision: Revision }> {
    const clients = await this.authorize(caller, request, 'update');
    let client: ProviderClient;
    let revision: Revision;
    if (enabled) {
      client = await clients.setGrantsTokens(id, true, caller.subjectId);
      revision = await this.record(ServiceAccountEvents.enabled, client, caller, request);
    } else {
      const before = await clients.get(id);
      revision = await this.record(ServiceAccountEvents.disabled, before, caller, request);
      client = await clients.setGrantsTokens(id, false, caller.subjectId);
    }
    return { account: this.shape(client), revision };
  }

  async delete(caller: Identity, request: FastifyRequest, id: string): Promise<Revision> {
    const clients = await this.authorize(caller, request, 'delete');
    const client = await clients.get(id);
    const revision = await this.record(ServiceAccountEvents.deleted, client, caller, request);
    await clients.delete(id);
    return revision;
  }

  private async authorize(caller: Identity, request: FastifyRequest, action: Action): Promise<ProviderClients> {
    const decision = await this.deps.calls.call(
      AuthzRpc.check,
      { subject: { subjectId: caller.subjectId, subjectType: subjectTypeOf(caller), groups: caller.groups }, action, ...MANAGED_AS },
      caller,
      request,
    );
    if (!decision.allowed) throw DvError.forbidden('You do not have sufficient permissions.', { resourceType: MANAGED_AS.resourceType, action });
    if (this.deps.clients === undefined) throw DvError.unavailable('service accounts need the identity provider admin API (GATEWAY_PROVIDER_ADMIN_URL)');
    return this.deps.clients;
  }

  /** Publishes the change, then waits until this replica applied it: the caller's next call through it sees the new state. */
  private async record(
    event: (typeof ServiceAccountEvents)[keyof typeof ServiceAccountEvents],
    client: ProviderClient,
    caller: Identity,
    request: FastifyRequest,
  ): Promise<Revision> {
    const { seq } = await this.deps.events.publish(
      event,
      { serviceAccountId: client.clientId, name: client.name },
      { actor: { id: caller.subjectId, type: caller.subjectType }, subject: client.clientId, requestId: request.id },
    );
    await this.deps.states.waitForApplied(seq, this.deps.waitMs).catch(() => {
      throw DvError.unavailable('the change was recorded, but this replica has not applied it yet', { revision: { events: seq } });
    });
    return { events: seq };
  }

  private shape(client: ProviderClient): ServiceAccount {
    return {
      id: client.clientId,
      name: client.name,
      clientId: client.clientId,
      // The gateway's own record decides (a disabled account is refused even while the provider still grants it).
      enabled: this.deps.states.refusalOf(client.clientId) === undefined && client.grantsTokens,
      createdBy: client.createdBy,
      createdAt: client.createdAt,
      updatedBy: client.updatedBy,
      updatedAt: client.updatedAt,
    };
  }
}

function withSecret(account: ServiceAccount, client: ProviderClient): ServiceAccountWithSecret {
  if (client.secret === undefined) throw DvError.unavailable('the identity provider did not return the client secret');
  return { ...account, clientSecret: client.secret };
}

function subjectTypeOf(caller: Identity): 'user' | 'app' | 'service-account' {
  // The bearer hook makes users and service accounts only; a group is never a caller.
  if (caller.subjectType === 'group') throw new DvError('UNAUTHENTICATED', 'a group is never a caller');
  return caller.subjectType;
}
