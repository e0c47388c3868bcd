/**
 * JetStream streams and the subject spaces they hold. Streams are provisioned from code by the one
 * provisioning identity (libs/messaging `provisionStreams`, NATS user `provisioner`).
 */
export const STREAMS = {
  /** Our own domain events: `dv.evt.<entity>.<event>.v1`. */
  domain: { name: 'DV_EVENTS', subjects: ['dv.evt.>'] },
  /** What other platform services publish (org structure, workload lifecycle). */
  platform: { name: 'PLATFORM_EVENTS', subjects: ['platform.evt.>'] },
  /** Poison messages, with the reason, after N failed deliveries: `dv.dlq.<consumer>.<original subject>`. */
  deadLetter: { name: 'DV_DEAD_LETTERS', subjects: ['dv.dlq.>'] },
} as const;

export type StreamName = (typeof STREAMS)[keyof typeof STREAMS]['name'];

export function deadLetterSubject(consumer: string, originalSubject: string): string {
  return `dv.dlq.${consumer}.${originalSubject}`;
}
