import { type Action, DvError, type Principal, type ResourceType, type ScopeRef, type ScopeType } from '@dv/contracts';
import { Injectable } from '@nestjs/common';
import { type ScopeNode } from '@dv/org';
import { AuthzState } from '../state/authz-state';

/** Authorizes the requests made to authz itself, with its own engine. Deny by default. */
@Injectable()
export class RequestAuthorizer {
  constructor(private readonly state: AuthzState) {}

  /** A live scope, or NOT_FOUND naming what the id is when it exists under another type. */
  scope(ref: ScopeRef): ScopeNode {
    const node = this.state.tree.live(ref.scopeType, ref.scopeId);
    if (node) return node;
    const others = this.state.tree.typesOf(ref.scopeId);
    const hint = others.length > 0 ? `; ${ref.scopeId} is a ${others.join(' and a ')}, not a ${ref.scopeType}` : '';
    throw DvError.notFound(`${ref.scopeType} ${ref.scopeId} does not exist${hint}`, {
      scopeType: ref.scopeType,
      scopeId: ref.scopeId,
      ...(others.length ? { existsAs: others } : {}),
    });
  }

  allowed(principal: Principal, action: Action, resourceType: ResourceType, node: ScopeNode): boolean {
    return this.state.engine.decide(principal, action, resourceType, node).allowed;
  }

  /** FORBIDDEN, with the engine's explanation, unless the caller may do it. */
  require(principal: Principal, action: Action, resourceType: ResourceType, node: ScopeNode): void {
    const outcome = this.state.engine.decide(principal, action, resourceType, node);
    if (outcome.allowed) return;
    const decision = this.state.engine.explain(principal, action, resourceType, node, outcome);
    throw DvError.forbidden(decision.message, { action, resourceType, scopeType: node.type, scopeId: node.id });
  }

  /** Asking about someone else is for services (service accounts) or holders of access-rule read rights there. */
  requireMayAskAbout(caller: Principal, subject: Principal, node: ScopeNode): void {
    if (caller.subjectType === 'service-account') return;
    if (caller.subjectType === subject.subjectType && caller.subjectId === subject.subjectId) return;
    this.require(caller, 'read', 'access_rules', node);
  }

  root(): ScopeNode {
    return this.state.tree.root;
  }

  typeOf(node: ScopeNode): ScopeType {
    return node.type;
  }
}
