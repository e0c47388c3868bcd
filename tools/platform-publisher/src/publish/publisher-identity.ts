/** Who the events say made them, and where they come from (CloudEvents `source`). */
export const PUBLISHER_ACTOR = { id: 'platform-publisher', type: 'system' } as const;
export const PUBLISHER_SOURCE = 'platform/platform-publisher';
