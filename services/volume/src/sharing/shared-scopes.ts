import { type DataVolume, MAX_LIST_MANY, type Principal, type Revision, SharingRpc } from '@dv/contracts';
import { RpcClient } from '@dv/messaging';
import { Injectable } from '@nestjs/common';

/**
 * Fills `sharedScopes` of the volumes a get or list returns from the sharing service, which owns the
 * sharing lists and shows each caller only the scopes it may view (`dv.sharing.list-many`, one call
 * per request). When sharing does not answer the request fails UNAVAILABLE: an empty list would say
 * "shared with nobody", which is wrong (docs/decisions/0009).
 */
@Injectable()
export class SharedScopesReader {
  constructor(private readonly rpc: RpcClient) {}

  async fill(volumes: DataVolume[], caller: Principal, requestId: string, atLeast?: Revision): Promise<DataVolume[]> {
    if (volumes.length === 0) return volumes;
    const byId = new Map<string, DataVolume['sharedScopes']>();
    for (let i = 0; i < volumes.length; i += MAX_LIST_MANY) {
      const { lists } = await this.rpc.call(
        SharingRpc.listMany,
        { volumeIds: volumes.slice(i, i + MAX_LIST_MANY).map((v) => v.id), ...(atLeast ? { atLeast } : {}) },
        { identity: caller, requestId },
      );
      for (const list of lists) byId.set(list.volumeId, list.sharedScopes);
    }
    return volumes.map((v) => ({ ...v, sharedScopes: byId.get(v.id) ?? [] }));
  }
}
