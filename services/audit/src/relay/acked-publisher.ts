import { type NatsConnection, type Subscription, createInbox, headers as natsHeaders } from '@nats-io/nats-core';

export interface StreamMessage {
  readonly subject: string;
  readonly payload: string;
  /** `Nats-Msg-Id`: JetStream stores a message id once within its de-duplication window. */
  readonly msgId: string;
  readonly headers?: Readonly<Record<string, string>>;
}

interface PubAckBody {
  seq?: number;
  error?: { description?: string; code?: number };
}

/**
 * How nats-server begins the acknowledgement of a stored message (its PubAck: `{"stream":"DV_AUDIT",
 * "seq":…}`; an error begins `{"error":…`). Matching the bytes spares decoding and parsing thousands
 * of acknowledgements a second; anything else is parsed.
 */
const STORED = new TextEncoder().encode('{"stream":');

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

interface Batch {
  /** The reply token of its first message (a batch's tokens are consecutive). */
  readonly first: number;
  /** Replies still awaited, by reply token. */
  readonly waiting: Set<number>;
  firstFailure: number;
  failure: string | undefined;
  settle: () => void;
}

/**
 * Publishes messages to JetStream back to back and waits for every PubAck, with one wildcard
 * subscription on the client's inbox for all the replies and one timer per batch. (`js.publish` is a
 * request each: a timer, a mux entry and an Error object per message, which cost more than the
 * message itself when a few thousand records a second are relayed.)
 */
export class AckedPublisher {
  private readonly inbox: string;
  private readonly sub: Subscription;
  private next = 0;
  private readonly batches = new Map<number, Batch>();

  constructor(
    private readonly nc: NatsConnection,
    inboxPrefix: string,
  ) {
    this.inbox = createInbox(inboxPrefix);
    this.sub = nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => {
        if (error) return;
        const token = Number(msg.subject.slice(this.inbox.length + 1));
        let failure: string | undefined;
        if (msg.data.length === 0) failure = `no stream answered (status ${msg.headers?.code ?? '?'})`;
        else if (!startsWith(msg.data, STORED)) {
          // Not the usual `{"stream":…` of a stored message: read it to know why.
          try {
            const ack = msg.json<PubAckBody>();
            if (ack.error) failure = `${ack.error.description ?? 'refused'} (${ack.error.code ?? '?'})`;
            else if (typeof ack.seq !== 'number') failure = 'unreadable acknowledgement';
          } catch {
            failure = 'unreadable acknowledgement';
          }
        }
        this.settle(token, failure);
      },
    });
  }

  /**
   * Publishes the messages in order and resolves with how many, from the first, were stored (all of
   * them, unless one was refused or not acknowledged within `timeoutMs`), and the first failure.
   */
  async publishAll(messages: readonly StreamMessage[], timeoutMs: number): Promise<{ stored: number; failure?: string }> {
    if (messages.length === 0) return { stored: 0 };
    const first = this.next;
    this.next += messages.length;
    const batch: Batch = { first, waiting: new Set(), firstFailure: messages.length, failure: undefined, settle: () => undefined };
    const done = new Promise<void>((resolve) => (batch.settle = resolve));
    messages.forEach((m, i) => {
      const token = first + i;
      batch.waiting.add(token);
      this.batches.set(token, batch);
      const h = natsHeaders();
      h.set('Nats-Msg-Id', m.msgId);
      if (m.headers) for (const [key, value] of Object.entries(m.headers)) h.set(key, value);
      this.nc.publish(m.subject, m.payload, { reply: `${this.inbox}.${token}`, headers: h });
    });
    const timer = setTimeout(() => batch.settle(), timeoutMs);
    await done;
    clearTimeout(timer);
    for (const token of batch.waiting) {
      this.batches.delete(token);
      const index = token - first;
      if (index < batch.firstFailure) {
        batch.firstFailure = index;
        batch.failure = `no acknowledgement within ${timeoutMs} ms`;
      }
    }
    return batch.firstFailure === messages.length
      ? { stored: messages.length }
      : { stored: batch.firstFailure, ...(batch.failure ? { failure: batch.failure } : {}) };
  }

  close(): void {
    this.sub.unsubscribe();
  }

  private settle(token: number, failure: string | undefined): void {
    const batch = this.batches.get(token);
    if (!batch) return;
    this.batches.delete(token);
    batch.waiting.delete(token);
    const index = token - batch.first;
    if (failure !== undefined && index < batch.firstFailure) {
      batch.firstFailure = index;
      batch.failure = failure;
    }
    if (batch.waiting.size === 0) batch.settle();
  }
}
