// The authz service's own in-memory classes, for the in-process benchmark. They have no public entry
// point (the service is an app, reached over NATS), so this one file reaches into services/authz/src;
// every other file of the authz benchmarks imports them from here.
/* eslint-disable @nx/enforce-module-boundaries -- benchmarks measure the service's own classes in-process */
export { ACTION_BIT, RESOURCE_INDEX, RoleCatalog } from '../../../services/authz/src/catalog/role-catalog';
export { DecisionEngine } from '../../../services/authz/src/decisions/decision-engine';
export { RuleIndex } from '../../../services/authz/src/rules/rule-index';
export { AuthzState } from '../../../services/authz/src/state/authz-state';
/* eslint-enable @nx/enforce-module-boundaries */
export { ScopeTree, type ScopeNode } from '@dv/org';
