import { type ManifestStream, type NatsClientManifest, type NatsClientName, deadLetterSubject, natsInboxPrefix } from '@dv/contracts';

export interface SubjectPermission {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** One nats-server user's permissions: everything not allowed is denied, and deny beats allow. */
export interface NatsUserPermissions {
  readonly client: NatsClientName;
  readonly publish: SubjectPermission;
  /** `<subject>` or `<subject> <queue>` (a queue subscription in that queue group only). */
  readonly subscribe: SubjectPermission;
  /**
   * May publish to the reply subject of a request it received, once (nats-server's
   * `allow_responses`): a responder cannot know its callers' inboxes in advance.
   */
  readonly allowResponses: boolean;
}

const API = '$JS.API';

/** Account info: `jetstreamManager()` asks for it before anything else. */
const JS_ACCOUNT_INFO = `${API}.INFO`;

/**
 * Create (or update) a stream, and read its info: `provisionStreams`, the provisioner's only job.
 * Never DELETE or PURGE, for anyone.
 */
function provisioning(stream: ManifestStream): string[] {
  return [`${API}.STREAM.INFO.${stream}`, `${API}.STREAM.CREATE.${stream}`, `${API}.STREAM.UPDATE.${stream}`];
}

/**
 * A durable pull consumer (`consumeEvents`): create or update it (nats.js sends a consumer with
 * `filter_subjects` to DURABLE.CREATE.<stream>.<durable>, one with a single filter to CREATE.<stream>.<durable>[.<filter>];
 * the server refuses a body whose name differs from the subject's),
 * read its info, pull (MSG.NEXT; deliveries arrive on the client's inbox), ack / nak / term on the
 * ack subject the delivery names, and dead-letter what cannot be handled.
 */
function durableConsumer(stream: ManifestStream, durable: string): string[] {
  return [
    `${API}.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
    `${API}.CONSUMER.CREATE.${stream}.${durable}`,
    `${API}.CONSUMER.CREATE.${stream}.${durable}.>`,
    `${API}.CONSUMER.INFO.${stream}.${durable}`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
    `$JS.ACK.${stream}.${durable}.>`,
    deadLetterSubject(durable, '>'),
  ];
}

/**
 * Ordered consumers (`js.consumers.get(stream, {…})`): ephemeral, named `<random>_<n>` by the client,
 * so any name: the stream info, create on CONSUMER.CREATE.<stream>.<name>[.<filter>], info, pull, and
 * delete (an ordered consumer deletes its predecessor when it resets). No acks (AckPolicy None).
 *
 * Not the unnamed CONSUMER.CREATE.<stream> (where nats.js sends a consumer whose filter is a list):
 * the server takes the name from the body there, so that subject also updates any durable of the
 * stream (tested). Followers therefore give their one filter as a string.
 */
function orderedConsumers(stream: ManifestStream): string[] {
  return [
    `${API}.STREAM.INFO.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}.*`,
    `${API}.CONSUMER.CREATE.${stream}.*.>`,
    `${API}.CONSUMER.INFO.${stream}.*`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.*`,
    `${API}.CONSUMER.DELETE.${stream}.*`,
  ];
}

/** What the `*` of an ordered consumer must not reach: another client's durable (pulling its events away, changing or deleting it). */
function othersDurable(stream: ManifestStream, durable: string): string[] {
  return [
    `${API}.CONSUMER.CREATE.${stream}.${durable}`,
    `${API}.CONSUMER.CREATE.${stream}.${durable}.>`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
    `${API}.CONSUMER.DELETE.${stream}.${durable}`,
  ];
}

/** Stored messages of one stream, by sequence or as the last of a subject, and the stream's info. */
function storedMessages(stream: ManifestStream): string[] {
  return [`${API}.STREAM.INFO.${stream}`, `${API}.STREAM.MSG.GET.${stream}`];
}

/** Read-only JetStream: account, stream and consumer info and listings, stored messages by sequence. */
const INSPECTION = [
  JS_ACCOUNT_INFO,
  `${API}.STREAM.NAMES`,
  `${API}.STREAM.LIST`,
  `${API}.STREAM.INFO.*`,
  `${API}.STREAM.MSG.GET.*`,
  `${API}.CONSUMER.NAMES.*`,
  `${API}.CONSUMER.LIST.*`,
  `${API}.CONSUMER.INFO.*.*`,
];

function usesJetStream(entry: NatsClientManifest): boolean {
  return (
    entry.publishes.length + entry.consumes.length + entry.follows.length + entry.provisions.length + entry.requires.length + entry.reads.length > 0 ||
    entry.inspects
  );
}

const sorted = (subjects: Iterable<string>): string[] => [...new Set(subjects)].sort();

/**
 * The nats-server permissions of one client, derived from its manifest entry (and from the other
 * entries, for the durable consumers its ordered consumers must not touch).
 */
export function permissionsOf(entry: NatsClientManifest, manifest: readonly NatsClientManifest[]): NatsUserPermissions {
  const publish: string[] = [...entry.calls, ...entry.publishes];
  const publishDeny: string[] = [];
  // Replies to its requests, JetStream API answers and JetStream deliveries: all on its own inbox.
  const subscribe: string[] = [`${natsInboxPrefix(entry.client)}.>`];
  for (const subject of entry.serves) subscribe.push(`${subject} ${entry.client}`);
  if (usesJetStream(entry)) publish.push(JS_ACCOUNT_INFO);
  for (const stream of entry.provisions) publish.push(...provisioning(stream));
  // A stream it waits for at start (`awaitStreams`): its info, and nothing that could change it.
  for (const stream of entry.requires) publish.push(`${API}.STREAM.INFO.${stream}`);
  for (const consumer of entry.consumes) publish.push(...durableConsumer(consumer.stream, consumer.durable));
  for (const stream of entry.reads) publish.push(...storedMessages(stream));
  if (entry.inspects) publish.push(...INSPECTION);
  for (const stream of entry.follows) {
    publish.push(...orderedConsumers(stream));
    for (const other of manifest) {
      for (const consumer of other.consumes) {
        if (consumer.stream !== stream) continue;
        if (other.client === entry.client) publishDeny.push(`${API}.CONSUMER.DELETE.${stream}.${consumer.durable}`);
        else publishDeny.push(...othersDurable(stream, consumer.durable));
      }
    }
  }
  return {
    client: entry.client,
    publish: { allow: sorted(publish), deny: sorted(publishDeny) },
    subscribe: { allow: sorted(subscribe), deny: [] },
    allowResponses: entry.serves.length > 0,
  };
}
