import { type Rule, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { RULE_NAME, rpcHandlerPrincipal } from './rpc-handler-principal';

// ESLint's RuleTester runs each case as a jest test (it uses the global describe/it).
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });

/** A controller around one method, as the services write them. */
const controller = (method: string, prelude = '') => `${prelude}
@Controller()
export class SomeController {
  ${method}
}`;

// typescript-eslint's RuleContext type still declares context methods ESLint 9 removed (getScope…), so
// its rule type does not match ESLint's; the rule uses only what both have (sourceCode, report).
const rule = rpcHandlerPrincipal as unknown as Rule.RuleModule;

tester.run(RULE_NAME, rule, {
  valid: [
    // Reads the caller directly.
    controller(`@RpcHandler(Rpc.get)
  async get(request: Req, ctx: RpcCallContext): Promise<Reply> {
    return this.service.get(request, ctx.principal);
  }`),
    // Any name for the context; the caller destructured from it.
    controller(`@RpcHandler(Rpc.get)
  async get(request: Req, call: RpcCallContext): Promise<Reply> {
    const { principal, requestId } = call;
    return this.service.get(request, principal, requestId);
  }`),
    // A destructured parameter.
    controller(`@RpcHandler(Rpc.get)
  async get(request: Req, { principal }: RpcCallContext): Promise<Reply> {
    return this.service.get(request, principal);
  }`),
    // Authenticated is enough, said explicitly.
    controller(`@RpcHandler(Rpc.nameAvailability)
  async available(request: Req, ctx: RpcCallContext): Promise<Reply> {
    void ctx.principal;
    return this.names.free(request);
  }`),
    // Public, with a reason: a literal, or a const holding one.
    controller(`@RpcHandler(Rpc.echo, { public: 'benchmark echo: no caller' })
  async echo(request: Req): Promise<Reply> {
    return request;
  }`),
    controller(
      `@RpcHandler(Rpc.echo, { public: WHY })
  async echo(request: Req): Promise<Reply> {
    return request;
  }`,
      "const WHY = 'transport test: answered with or without a caller';",
    ),
    // Not an RPC handler: events carry their actor in the envelope.
    controller(`@EventHandler(Events.created)
  async created(data: Data): Promise<void> {
    await this.view.apply(data);
  }`),
    controller(`helper(ctx: RpcCallContext): string {
    return ctx.requestId;
  }`),
  ],
  invalid: [
    // The context taken but its caller never read (a hand-written check on ctx.headers, say).
    {
      code: controller(`@RpcHandler(Rpc.update)
  async update(request: Req, ctx: RpcCallContext): Promise<Reply> {
    return this.writer.change(request, ctx.requestId);
  }`),
      errors: [{ messageId: 'noPrincipal', data: { name: 'update' } }],
    },
    // No context at all.
    {
      code: controller(`@RpcHandler(Rpc.list)
  async list(request: Req): Promise<Reply> {
    return this.index.list(request);
  }`),
      errors: [{ messageId: 'noPrincipal' }],
    },
    // Passing the whole context on is not using the caller here: the authorization hides elsewhere.
    {
      code: controller(`@RpcHandler(Rpc.query)
  async query(request: Req, ctx: RpcCallContext): Promise<Reply> {
    await this.authorizer.requireReader(ctx);
    return this.store.query(request);
  }`),
      errors: [{ messageId: 'noPrincipal', data: { name: 'query' } }],
    },
    // Another member named principal does not count.
    {
      code: controller(`@RpcHandler(Rpc.get)
  async get(request: Req, ctx: RpcCallContext): Promise<Reply> {
    return this.service.get(request, this.principal, ctx.requestId);
  }`),
      errors: [{ messageId: 'noPrincipal' }],
    },
    // Public without a reason.
    {
      code: controller(`@RpcHandler(Rpc.echo, { public: '  ' })
  async echo(request: Req): Promise<Reply> {
    return request;
  }`),
      errors: [{ messageId: 'publicNeedsReason' }],
    },
    {
      code: controller(
        `@RpcHandler(Rpc.echo, { public: reason })
  async echo(request: Req): Promise<Reply> {
    return request;
  }`,
        "let reason = 'changes later';",
      ),
      errors: [{ messageId: 'publicNeedsReason' }],
    },
    // Nest's own decorator bypasses the contract and the caller.
    {
      code: controller(`@MessagePattern('dv.volume.get')
  async get(request: Req, ctx: RpcCallContext): Promise<Reply> {
    return this.service.get(request, ctx.principal);
  }`),
      errors: [{ messageId: 'useRpcHandler', data: { name: 'get' } }],
    },
  ],
});
