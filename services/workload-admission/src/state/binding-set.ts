import { type Binding } from '@dv/contracts';

const keyOf = (volumeId: string, namespace: string): string => `${volumeId}/${namespace}`;

/**
 * The bindings known to exist (PV copy and PVC made), from the binding events every replica
 * follows, plus the ones this replica just made. A review whose bindings are all here makes no
 * Kubernetes call.
 */
export class BindingSet {
  private readonly bindings = new Map<string, Binding>();

  get(volumeId: string, namespace: string): Binding | undefined {
    return this.bindings.get(keyOf(volumeId, namespace));
  }

  add(binding: Binding): void {
    this.bindings.set(keyOf(binding.volumeId, binding.namespace), binding);
  }

  remove(volumeId: string, namespace: string): void {
    this.bindings.delete(keyOf(volumeId, namespace));
  }

  /** The PVC names of the bindings in a namespace. */
  pvcNamesIn(namespace: string): string[] {
    const names: string[] = [];
    for (const b of this.bindings.values()) if (b.namespace === namespace) names.push(b.pvcName);
    return names;
  }

  get size(): number {
    return this.bindings.size;
  }
}
