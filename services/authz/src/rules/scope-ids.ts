import { type ScopeNode } from '@dv/org';

/**
 * Dense integer ids of the scopes the rule index has seen, assigned inside authz (the ScopeTree of
 * @dv/org knows nothing of them). Ids are never reused: scopes are few (thousands), and a deleted
 * scope keeps its node in the tree anyway.
 */
export class ScopeIds {
  private readonly ids = new Map<ScopeNode, number>();
  private readonly nodes: ScopeNode[] = [];

  get size(): number {
    return this.nodes.length;
  }

  /** The scope's id, or -1 if no rule has ever been at it. */
  of(node: ScopeNode): number {
    return this.ids.get(node) ?? -1;
  }

  ensure(node: ScopeNode): number {
    const held = this.ids.get(node);
    if (held !== undefined) return held;
    const id = this.nodes.length;
    this.nodes.push(node);
    this.ids.set(node, id);
    return id;
  }

  node(id: number): ScopeNode {
    const node = this.nodes[id];
    if (!node) throw new Error(`no scope has id ${id}`);
    return node;
  }
}
