import { AuthzRpc, type CheckItem, type Decision, type Principal, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { type Histogram, MetricsRegistry } from '@dv/telemetry';
import { Controller, Inject } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from '../../config/authz-config';
import { RequestAuthorizer } from '../../decisions/request-authorizer';
import { AuthzState } from '../../state/authz-state';

/** Decisions take microseconds from memory; a wait for a revision (atLeast) can take up to AUTHZ_REVISION_WAIT_MS. */
const DECISION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** check and batch check: decisions from memory, each with its explanation. */
@Controller()
export class CheckController {
  /** From the request's arrival to its decision, the wait for the caller's revision included: what a caller of authz waits. */
  private readonly latency: Histogram<'rpc' | 'outcome'>;

  constructor(
    private readonly state: AuthzState,
    private readonly authorizer: RequestAuthorizer,
    @Inject(AUTHZ_CONFIG) private readonly config: AuthzConfig,
    metrics: MetricsRegistry,
  ) {
    this.latency = metrics.histogram({
      name: 'dv_authz_decision_seconds',
      help: 'Time authz takes to decide a check (rpc=check: outcome allowed, denied or error) or a batch (rpc=check_batch: ok or error), revision wait included.',
      labelNames: ['rpc', 'outcome'],
      buckets: DECISION_BUCKETS,
    });
  }

  @RpcHandler(AuthzRpc.check)
  async check(request: RpcRequest<typeof AuthzRpc.check>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.check>> {
    const started = process.hrtime.bigint();
    let outcome = 'error';
    try {
      const caller = ctx.principal;
      await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
      const decision = this.decide(caller, request);
      outcome = decision.allowed ? 'allowed' : 'denied';
      return decision;
    } finally {
      this.latency.observe({ rpc: 'check', outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  @RpcHandler(AuthzRpc.checkBatch)
  async checkBatch(request: RpcRequest<typeof AuthzRpc.checkBatch>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.checkBatch>> {
    const started = process.hrtime.bigint();
    let outcome = 'error';
    try {
      const reply = await this.decideBatch(request, ctx.principal);
      outcome = 'ok';
      return reply;
    } finally {
      this.latency.observe({ rpc: 'check_batch', outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async decideBatch(request: RpcRequest<typeof AuthzRpc.checkBatch>, caller: Principal): Promise<RpcReplyInput<typeof AuthzRpc.checkBatch>> {
    await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
    // Validate every scope (and the caller's right to ask) before answering any: all or nothing.
    const nodes = request.checks.map((item) => {
      const node = this.authorizer.scope(item.scope);
      this.authorizer.requireMayAskAbout(caller, item.subject, node);
      return node;
    });
    return { decisions: request.checks.map((item, i) => this.explain(item, nodes[i] as NonNullable<(typeof nodes)[number]>)) };
  }

  private decide(caller: Principal, item: CheckItem): Decision {
    const node = this.authorizer.scope(item.scope);
    this.authorizer.requireMayAskAbout(caller, item.subject, node);
    return this.explain(item, node);
  }

  private explain(item: CheckItem, node: ReturnType<RequestAuthorizer['scope']>): Decision {
    const outcome = this.state.engine.decide(item.subject, item.action, item.resourceType, node);
    return this.state.engine.explain(item.subject, item.action, item.resourceType, node, outcome);
  }
}
