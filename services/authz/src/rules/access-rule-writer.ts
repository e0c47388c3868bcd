import {
  ACTIONS,
  type AccessRule,
  AuthzEvents,
  DvError,
  type EventEnvelope,
  type Principal,
  RESOURCE_TYPES,
  type Revision,
  type newAccessRuleSchema,
} from '@dv/contracts';
import { type z } from 'zod';
import { EventPublisher } from '@dv/messaging';
import { type OutboxRelay } from '@dv/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RequestAuthorizer } from '../decisions/request-authorizer';
import { AuthzState } from '../state/authz-state';
import { ACCESS_RULE_RELAY } from '../tokens';
import { type AccessRuleDoc, activeKeyOf, toAccessRule } from './access-rule.model';
import { AccessRuleNumberRepository } from './access-rule-number.repository';
import { AccessRuleRepository } from './access-rule.repository';

export type NewAccessRule = z.output<typeof newAccessRuleSchema>;

/** Claims of a rule number tried before giving up (each collision means another writer just took one). */
const MAX_NUMBER_ATTEMPTS = 30;

/** Who is writing: a caller (authorized) or the service itself (bootstrap). */
export type Writer = { kind: 'caller'; principal: Principal; requestId?: string } | { kind: 'system'; name: string };

export interface WriteResult {
  rule: AccessRule;
  revision: Revision;
}

/**
 * Creates and deletes access rules: validated, authorized (including no privilege escalation: a
 * caller grants only roles whose every permission it holds in that scope), written with their event
 * in one document, published at once, and applied to this replica's index.
 */
@Injectable()
export class AccessRuleWriter {
  private readonly logger = new Logger('AccessRuleWriter');
  /** The last number this replica tried to claim (its index may not have applied it yet). */
  private lastTried = 0;

  constructor(
    private readonly state: AuthzState,
    private readonly authorizer: RequestAuthorizer,
    private readonly publisher: EventPublisher,
    private readonly rules: AccessRuleRepository,
    private readonly numbers: AccessRuleNumberRepository,
    @Inject(ACCESS_RULE_RELAY) private readonly relay: OutboxRelay<AccessRuleDoc>,
  ) {}

  async create(input: NewAccessRule, writer: Writer): Promise<WriteResult> {
    const role = this.state.catalog.get(input.roleId);
    if (!role) throw DvError.notFound(`role ${input.roleId} does not exist`, { roleId: input.roleId });
    const node = this.authorizer.scope({ scopeType: input.scopeType, scopeId: input.scopeId });
    const cluster = this.state.tree.ancestorOfType(node, 'cluster');
    if (input.clusterId !== undefined && cluster?.id !== input.clusterId) {
      throw DvError.validation(`${input.scopeType} ${input.scopeId} is not in cluster ${input.clusterId}`, {
        clusterId: input.clusterId,
        actualClusterId: cluster?.id ?? null,
      });
    }
    if (writer.kind === 'caller') {
      this.authorizer.require(writer.principal, 'create', 'access_rules', node);
      const missing: string[] = [];
      for (const resourceType of RESOURCE_TYPES) {
        for (const action of ACTIONS) {
          if (this.state.catalog.grants(role, resourceType, action) && !this.authorizer.allowed(writer.principal, action, resourceType, node))
            missing.push(`${action} ${resourceType}`);
        }
      }
      if (missing.length > 0) {
        throw DvError.forbidden(
          `${writer.principal.subjectType} ${writer.principal.subjectId} may not grant ${role.name} in ${node.type} ${node.id}: it would give permissions the grantor lacks there (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? `, and ${missing.length - 5} more` : ''})`,
          {
            reason: 'privilege-escalation',
            missing,
          },
        );
      }
    }
    const id = randomUUID();
    const rule: AccessRule = {
      id,
      number: await this.claimNumber(id),
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      roleId: role.id,
      roleName: role.name,
      scopeType: node.type,
      scopeId: node.id,
      scopeName: node.name,
      createdAt: new Date().toISOString(),
      createdBy: this.actorId(writer),
      status: 'active',
    };
    if (cluster) rule.clusterId = cluster.id;
    const tenant = this.state.tree.ancestorOfType(node, 'tenant');
    if (tenant) rule.tenantId = tenant.id;
    const { id: _id, ...fields } = rule;
    const stored = await this.rules.insert({ _id: id, ...fields, activeKey: activeKeyOf(rule) }, (version) => [
      this.publisher.envelope(AuthzEvents.accessRuleCreated, rule, this.meta(writer, rule, version)),
    ]);
    this.state.applyRule(rule, 1);
    return { rule, revision: await this.publish(id, stored.outbox) };
  }

  /** Deletes a rule given by id or by number (digits: looked up in the store, so a replica that has not applied the rule yet finds it). */
  async delete(idOrNumber: string, writer: Writer): Promise<WriteResult> {
    const id = /^\d{1,15}$/.test(idOrNumber) ? await this.numbers.ruleIdOf(Number(idOrNumber)) : idOrNumber;
    const doc = id === undefined ? null : await this.rules.read(id);
    if (id === undefined || !doc) throw DvError.notFound(`access rule ${idOrNumber} does not exist`);
    if (doc.status === 'deleted') throw DvError.precondition(`access rule ${id} was already deleted at ${doc.deletedAt ?? 'an earlier time'}`);
    if (writer.kind === 'caller') {
      this.authorizer.require(writer.principal, 'delete', 'access_rules', this.state.tree.ensure(doc.scopeType, doc.scopeId));
    }
    const deletedAt = new Date().toISOString();
    const deleted: AccessRule = { ...toAccessRule(doc), status: 'deleted', deletedAt, deletedBy: this.actorId(writer) };
    const updated = await this.rules.update(
      id,
      doc.version,
      { $set: { status: 'deleted', deletedAt, deletedBy: deleted.deletedBy, activeKey: `deleted:${id}` } },
      (version) => [this.publisher.envelope(AuthzEvents.accessRuleDeleted, deleted, this.meta(writer, deleted, version))],
    );
    this.state.applyRule(deleted, doc.version + 1);
    return { rule: deleted, revision: await this.publish(id, updated.outbox.slice(-1)) };
  }

  /**
   * The next free rule number, after the highest this replica knows or has tried: taken synchronously,
   * so this replica's concurrent writes never try the same one. A number another replica claimed
   * meanwhile is skipped; every few collisions the store's highest claim moves the start. A claim whose
   * rule is never written (a refused duplicate, a crash) leaves a gap: numbers are unique, not dense.
   */
  private async claimNumber(ruleId: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const candidate = (this.lastTried = Math.max(this.state.index.highestNumber, this.lastTried) + 1);
      if (await this.numbers.claim(candidate, ruleId)) return candidate;
      if (attempt >= MAX_NUMBER_ATTEMPTS) throw DvError.unavailable(`no free access rule number after ${attempt} attempts (writers racing): try again`);
      if (attempt % 3 === 0) this.lastTried = Math.max(this.lastTried, await this.numbers.highest());
    }
  }

  private actorId(writer: Writer): string {
    return writer.kind === 'caller' ? writer.principal.subjectId : writer.name;
  }

  private meta(writer: Writer, rule: AccessRule, version: number) {
    return {
      actor: writer.kind === 'caller' ? { id: writer.principal.subjectId, type: writer.principal.subjectType } : { id: writer.name, type: 'system' as const },
      subject: rule.id,
      scope: { scopeType: rule.scopeType, scopeId: rule.scopeId },
      aggregateVersion: version,
      ...(writer.kind === 'caller' && writer.requestId ? { requestId: writer.requestId } : {}),
    };
  }

  /** Publishes the write's event now; if NATS is away the relay's sweep publishes it later. */
  /** `own`: the write's events, whose sequence is its revision (whoever publishes them). */
  private async publish(id: string, own: readonly EventEnvelope[]): Promise<Revision> {
    try {
      const { revision } = await this.relay.flush(id, own);
      return revision === undefined ? {} : { events: revision };
    } catch (error) {
      this.logger.warn(`event of rule ${id} not published yet (the relay will retry): ${error instanceof Error ? error.message : String(error)}`);
      return {};
    }
  }
}
