// The workspace's own lint rules. @nx/eslint-plugin loads this folder (tools/eslint-rules) and
// registers each rule as `@nx/workspace-<name>` (see eslint.config.mjs).
import { RULE_NAME as RPC_HANDLER_PRINCIPAL, rpcHandlerPrincipal } from './rules/rpc-handler-principal';

export const rules = {
  [RPC_HANDLER_PRINCIPAL]: rpcHandlerPrincipal,
};
