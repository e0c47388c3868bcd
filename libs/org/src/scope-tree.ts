import { PARENT_SCOPE_TYPE, type ScopePathEntry, type ScopeRef, type ScopeType, SCOPE_TYPES } from '@dv/contracts';

export interface ScopeNode {
  readonly type: ScopeType;
  readonly id: string;
  name: string;
  parent: ScopeNode | null;
  readonly children: Set<ScopeNode>;
  /** The stream sequence of the last org event applied to this node (0: only referenced so far). */
  version: number;
  deleted: boolean;
  /** Known from an org event, not only referenced as someone's parent or by a rule. */
  known: boolean;
  /** A project's Kubernetes namespace. */
  namespace?: string;
}

export interface ScopeUpsert {
  type: ScopeType;
  id: string;
  name: string;
  parent: ScopeRef | null;
  version: number;
  namespace?: string;
  /** Restores a deleted scope (a tombstone from a snapshot) where it was in the tree. */
  deleted?: boolean;
}

export const SYSTEM_SCOPE_ID = 'system';

/**
 * The scope hierarchy (system ⊃ tenant ⊃ cluster ⊃ department ⊃ project), a projection of the org
 * events held in memory (authz decides from it; sharing and volume resolve projects with it). Changes apply only when newer (by stream sequence), so replays and
 * redeliveries are harmless. Deleting a scope makes it and everything below it non-live.
 */
export class ScopeTree {
  readonly root: ScopeNode;
  private readonly byType = new Map<ScopeType, Map<string, ScopeNode>>(SCOPE_TYPES.map((t) => [t, new Map()]));

  constructor() {
    this.root = { type: 'system', id: SYSTEM_SCOPE_ID, name: 'System', parent: null, children: new Set(), version: 0, deleted: false, known: true };
    this.byType.get('system')?.set(SYSTEM_SCOPE_ID, this.root);
  }

  get(type: ScopeType, id: string): ScopeNode | undefined {
    return this.byType.get(type)?.get(id);
  }

  /** A live scope: known, not deleted, and every ancestor live. */
  live(type: ScopeType, id: string): ScopeNode | undefined {
    const node = this.get(type, id);
    return node && this.isLive(node) ? node : undefined;
  }

  isLive(node: ScopeNode): boolean {
    for (let n: ScopeNode | null = node; n; n = n.parent) if (n.deleted || !n.known) return false;
    return true;
  }

  /** The types under which a scope id exists (to say "p1 is a department, not a project"). */
  typesOf(id: string): ScopeType[] {
    return SCOPE_TYPES.filter((t) => {
      const node = this.get(t, id);
      return node !== undefined && this.isLive(node);
    });
  }

  /** The node for a scope, created as an unknown placeholder when only referenced so far. */
  ensure(type: ScopeType, id: string): ScopeNode {
    const existing = this.get(type, id);
    if (existing) return existing;
    const node: ScopeNode = { type, id, name: id, parent: null, children: new Set(), version: 0, deleted: false, known: false };
    this.byType.get(type)?.set(id, node);
    return node;
  }

  /** Creates, renames or moves a scope; returns false when the change is not newer than what is held. */
  upsert(change: ScopeUpsert): boolean {
    if (change.type === 'system') return false;
    const expectedParent = PARENT_SCOPE_TYPE[change.type];
    if (!change.parent || change.parent.scopeType !== expectedParent) {
      throw new Error(`a ${change.type} must have a ${String(expectedParent)} parent`);
    }
    const node = this.ensure(change.type, change.id);
    if (change.version <= node.version) return false;
    const parent = change.parent.scopeType === 'system' ? this.root : this.ensure(change.parent.scopeType, change.parent.scopeId);
    if (node.parent !== parent) {
      node.parent?.children.delete(node);
      parent.children.add(node);
      node.parent = parent;
    }
    node.name = change.name;
    if (change.namespace !== undefined) node.namespace = change.namespace;
    node.version = change.version;
    node.deleted = change.deleted ?? false;
    node.known = true;
    return true;
  }

  /** The node and every node below it, live or not (deleted ones and placeholders included). */
  *descendants(node: ScopeNode): Generator<ScopeNode> {
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop() as ScopeNode;
      yield n;
      for (const child of n.children) stack.push(child);
    }
  }

  /** Marks a scope deleted (a tombstone keeps its version, so a late older event cannot revive it). */
  remove(type: ScopeType, id: string, version: number): boolean {
    if (type === 'system') return false;
    const node = this.ensure(type, id);
    if (version <= node.version) return false;
    node.version = version;
    node.deleted = true;
    node.known = true;
    return true;
  }

  /** From the system down to the node. */
  path(node: ScopeNode): ScopePathEntry[] {
    const out: ScopePathEntry[] = [];
    for (let n: ScopeNode | null = node; n; n = n.parent) out.push({ scopeType: n.type, scopeId: n.id, name: n.name });
    return out.reverse();
  }

  /** The node and every live scope below it. */
  *subtree(node: ScopeNode): Generator<ScopeNode> {
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop() as ScopeNode;
      if (n.deleted || !n.known) continue;
      yield n;
      for (const child of n.children) stack.push(child);
    }
  }

  /** The nearest ancestor (or the node itself) of a type. */
  ancestorOfType(node: ScopeNode, type: ScopeType): ScopeNode | undefined {
    for (let n: ScopeNode | null = node; n; n = n.parent) if (n.type === type) return n;
    return undefined;
  }

  count(): number {
    let n = 0;
    for (const map of this.byType.values()) n += map.size;
    return n;
  }
}
