import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** sha256 (hex) of an entity's payload: what tells "changed" from "unchanged" between runs. */
export function contentHash(data: unknown): string {
  return createHash('sha256').update(canonicalJson(data)).digest('hex');
}
