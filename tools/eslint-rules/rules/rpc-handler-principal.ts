import { ASTUtils, AST_NODE_TYPES, ESLintUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

/**
 * Every RPC handler answers a caller (docs/decisions/0018). The transport resolves it once, into
 * `ctx.principal`; this rule makes a handler that never reads it fail lint, unless the handler is
 * declared public with a reason: `@RpcHandler(def, { public: 'why no caller is needed' })`. In the
 * spirit of twenty's "REST API methods should be guarded" rule: the guard is explicit at each
 * handler, so a forgotten authorization shows in review and in CI, not in production.
 *
 * `@MessagePattern` is refused outright: it bypasses the contract (and so the transport's caller
 * resolution); the transport would refuse it at start anyway.
 */
export const RULE_NAME = 'rpc-handler-principal';

type MessageId = 'noPrincipal' | 'publicNeedsReason' | 'useRpcHandler';

const createRule = ESLintUtils.RuleCreator((name) => `https://github.com/dv/data-volumes/blob/main/docs/decisions/0018-caller-principal.md#${name}`);

export const rpcHandlerPrincipal = createRule<[], MessageId>({
  name: RULE_NAME,
  meta: {
    type: 'problem',
    docs: { description: 'RPC handlers must use the caller the transport resolved (ctx.principal), or be declared public with a reason' },
    schema: [],
    messages: {
      noPrincipal:
        "RPC handler '{{name}}' does not use its caller: read ctx.principal (the caller the transport resolved) to authorize, or declare it @RpcHandler(def, { public: '<why no caller is needed>' })",
      publicNeedsReason: "RPC handler '{{name}}' is public without a reason: give `public` a non-empty string (a literal, or a const holding one)",
      useRpcHandler: "'{{name}}' uses @MessagePattern: use @RpcHandler(def) so that the contract and the caller are checked",
    },
  },
  defaultOptions: [],
  create(context) {
    return {
      MethodDefinition(node) {
        const decorator = node.decorators
          .map((d) => d.expression)
          .find((e): e is TSESTree.CallExpression => e.type === AST_NODE_TYPES.CallExpression && HANDLER_DECORATORS.has(calleeName(e) ?? ''));
        if (!decorator) return;
        const name = methodName(node);
        if (calleeName(decorator) === 'MessagePattern') {
          context.report({ node: decorator, messageId: 'useRpcHandler', data: { name } });
          return;
        }
        const publicReason = publicOption(decorator.arguments[1]);
        if (publicReason !== undefined) {
          if (!isReason(publicReason, context)) context.report({ node: publicReason, messageId: 'publicNeedsReason', data: { name } });
          return;
        }
        if (!readsPrincipal(node.value, context)) context.report({ node: node.key, messageId: 'noPrincipal', data: { name } });
      },
    };
  },
});

const HANDLER_DECORATORS = new Set(['RpcHandler', 'MessagePattern']);

function calleeName(call: TSESTree.CallExpression): string | undefined {
  const callee = call.callee;
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  if (callee.type === AST_NODE_TYPES.MemberExpression && callee.property.type === AST_NODE_TYPES.Identifier) return callee.property.name;
  return undefined;
}

function methodName(node: TSESTree.MethodDefinition): string {
  if (node.key.type === AST_NODE_TYPES.Identifier) return node.key.name;
  if (node.key.type === AST_NODE_TYPES.Literal) return String(node.key.value);
  return '(computed)';
}

function keyIs(property: TSESTree.Property | TSESTree.RestElement, name: string): property is TSESTree.Property {
  if (property.type !== AST_NODE_TYPES.Property || property.computed) return false;
  return (
    (property.key.type === AST_NODE_TYPES.Identifier && property.key.name === name) ||
    (property.key.type === AST_NODE_TYPES.Literal && property.key.value === name)
  );
}

/** The value given to `public` in the decorator's options, if any. */
function publicOption(options: TSESTree.CallExpressionArgument | undefined): TSESTree.Node | undefined {
  if (options?.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  const property = options.properties.find((p): p is TSESTree.Property => p.type === AST_NODE_TYPES.Property && keyIs(p, 'public'));
  return property?.value;
}

/** A reason is a non-blank string: a literal, a template without expressions, or a const initialized with one. */
function isReason(value: TSESTree.Node, context: Readonly<TSESLint.RuleContext<MessageId, []>>): boolean {
  if (value.type === AST_NODE_TYPES.Literal) return typeof value.value === 'string' && value.value.trim().length > 0;
  if (value.type === AST_NODE_TYPES.TemplateLiteral)
    return value.expressions.length === 0 && value.quasis.some((q) => (q.value.cooked ?? '').trim().length > 0);
  if (value.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(context.sourceCode.getScope(value), value.name);
  const definition = variable?.defs[0]?.node;
  if (definition?.type !== AST_NODE_TYPES.VariableDeclarator || !definition.init || definition.parent.kind !== 'const') return false;
  return isReason(definition.init, context);
}

/** The handler reads `principal` from its second parameter (ctx.principal, `{ principal } = ctx`, or a destructured parameter). */
function readsPrincipal(
  fn: TSESTree.FunctionExpression | TSESTree.TSEmptyBodyFunctionExpression,
  context: Readonly<TSESLint.RuleContext<MessageId, []>>,
): boolean {
  const ctx = fn.params[1];
  if (!ctx) return false;
  const pattern = ctx.type === AST_NODE_TYPES.TSParameterProperty ? ctx.parameter : ctx;
  if (pattern.type === AST_NODE_TYPES.ObjectPattern) return pattern.properties.some((p) => keyIs(p, 'principal'));
  if (pattern.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = context.sourceCode.getDeclaredVariables(fn).find((v) => v.name === pattern.name);
  return (variable?.references ?? []).some(({ identifier }) => {
    const parent = identifier.parent;
    if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) {
      return parent.computed
        ? parent.property.type === AST_NODE_TYPES.Literal && parent.property.value === 'principal'
        : parent.property.type === AST_NODE_TYPES.Identifier && parent.property.name === 'principal';
    }
    return (
      parent?.type === AST_NODE_TYPES.VariableDeclarator &&
      parent.init === identifier &&
      parent.id.type === AST_NODE_TYPES.ObjectPattern &&
      parent.id.properties.some((p) => keyIs(p, 'principal'))
    );
  });
}
