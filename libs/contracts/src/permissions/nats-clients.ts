/**
 * The NATS clients of the platform: one NATS user each (deny by default: a client may do only what
 * the permission manifest grants it). Services connect as their service name.
 */
export const NATS_CLIENTS = [
  'authz',
  'volume',
  'sharing',
  'workload-admission',
  'audit',
  'gateway',
  /** Plays the platform's organization and workload services (tools/platform-publisher). */
  'platform-publisher',
  /** Outside consumers of the sealed audit records (DV_AUDIT), read-only. */
  'audit-reader',
  /** Creates and updates the streams before the services start; the only client that may. */
  'provisioner',
  /** A person or script in development and tests: calls every RPC, reads the streams. */
  'operator',
] as const;

export type NatsClientName = (typeof NATS_CLIENTS)[number];

export function isNatsClientName(value: string): value is NatsClientName {
  return (NATS_CLIENTS as readonly string[]).includes(value);
}

/**
 * The inbox prefix of a NATS user: replies to its requests (and JetStream deliveries to it) arrive
 * under `_INBOX_<user>.>`, and only that user may subscribe there, so no client reads another's
 * replies. The client (`connectNats`) and the generated server permissions both use this.
 */
export function natsInboxPrefix(user: string): string {
  return `_INBOX_${user}`;
}

/** The environment variable that holds a client's NATS password, for nats-server and the client. */
export function natsPasswordVariable(client: NatsClientName): string {
  return `DV_NATS_${client.toUpperCase().replace(/-/g, '_')}_PASSWORD`;
}
