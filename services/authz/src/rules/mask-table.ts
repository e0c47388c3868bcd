import { RESOURCE_TYPES } from '@dv/contracts';

/**
 * Every distinct permission mask the index uses, stored once: a mask is one byte per resource type
 * (the OR of ACTION_BIT of the granted actions, see RESOURCE_INDEX), and mask `m` is
 * `bytes[m * stride .. m * stride + stride)`. The grant table holds mask ids, so an entry is one
 * integer however many rules it combines. Masks are never freed: there is one per distinct
 * combination of roles held together at one scope, a handful in practice.
 */
export class MaskTable {
  readonly stride = RESOURCE_TYPES.length;
  /** Read by the decision hot path; replaced (not resized in place) when it grows. */
  bytes = new Uint8Array(this.stride * 64);
  private readonly ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  /** The id of this mask (one byte per resource type), adding it if new. */
  intern(mask: Uint8Array): number {
    if (mask.length !== this.stride) throw new Error(`a mask has ${this.stride} bytes, not ${mask.length}`);
    const key = String.fromCharCode(...mask);
    const held = this.ids.get(key);
    if (held !== undefined) return held;
    const id = this.ids.size;
    if ((id + 1) * this.stride > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(mask, id * this.stride);
    this.ids.set(key, id);
    return id;
  }

  /** The OR of several masks, interned. */
  union(masks: readonly Uint8Array[]): number {
    const out = new Uint8Array(this.stride);
    for (const mask of masks) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) | (mask[i] as number);
    return this.intern(out);
  }

  grants(id: number, resource: number, bit: number): boolean {
    return ((this.bytes[id * this.stride + resource] as number) & bit) !== 0;
  }
}
