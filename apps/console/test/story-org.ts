/* eslint-disable-next-line @nx/enforce-module-boundaries -- the gateway's test set-up, shared with its own tests */
import { type OrgRule } from '../../../services/gateway/test/gateway-harness';

export const DATA_VOLUME_ADMINISTRATOR = 2256;
export const L1_RESEARCHER = 5;
export const L2_RESEARCHER = 8;
export const CLOUD_SUPPORT = 1709;

/**
 * The seed story's org (users of deploy/examples/org.yaml): dana's group administers data volumes in
 * department d1 (p1, p2), bob researches in p2, carol is an L2 researcher in p3 (department d2), oscar
 * is Cloud support at the system (reads the audit log and the access rules).
 */
export const STORY_RULES: readonly OrgRule[] = [
  ['group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'department', 'd1'],
  ['user', 'bob@acme.example', L1_RESEARCHER, 'project', 'p2'],
  ['user', 'carol@acme.example', L2_RESEARCHER, 'project', 'p3'],
  ['user', 'oscar@acme.example', CLOUD_SUPPORT, 'system', 'system'],
];
