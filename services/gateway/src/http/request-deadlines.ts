import { type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';

/** A request still unanswered at its deadline: the platform's 503 (http-error.ts), as Fastify's handler timeout was. */
export class RequestDeadlineError extends Error {
  readonly statusCode = 503;
  readonly code = 'DV_REQUEST_DEADLINE';

  constructor(timeoutMs: number) {
    super(`no answer within GATEWAY_REQUEST_TIMEOUT_MS (${timeoutMs} ms)`);
    this.name = 'RequestDeadlineError';
  }
}

/** What a deadline needs of a reply: whether it went out, whether its connection is gone, and to answer it. */
export type DeadlineReply = Pick<FastifyReply, 'sent' | 'send'> & { raw: Pick<FastifyReply['raw'], 'destroyed'> };

/**
 * GATEWAY_REQUEST_TIMEOUT_MS over the whole request, hooks and body and handler: a request still
 * unanswered then is answered 503. Fastify's `handlerTimeout` did this with an AbortController, a timer
 * and a `close` listener per request, and aborted the controller (a DOMException and its stack) as each
 * request closed: 7% of the gateway's CPU under the check's load (test/bench/gateway.bench.ts, profiled).
 * Here the requests in flight are kept in arrival order, which is deadline order (one timeout for all),
 * and one timer looks at the oldest every `sweepMs`: a request is answered at most `sweepMs` late.
 */
export class RequestDeadlines {
  private readonly inFlight = new Map<DeadlineReply, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly sweepMs: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sweepMs = Math.max(10, Math.min(100, Math.floor(timeoutMs / 10)));
  }

  /** Fastify's onRequest hook, the first: the deadline runs from here. */
  readonly onRequest = (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    this.track(reply);
    done();
  };

  /** Fastify's onResponse hook: answered, no deadline any more. */
  readonly onResponse = (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    this.forget(reply);
    done();
  };

  /** Answered: no deadline any more (what `onResponse` does, for a hook that does more). */
  forget(reply: DeadlineReply): void {
    this.inFlight.delete(reply);
  }

  track(reply: DeadlineReply): void {
    this.inFlight.set(reply, this.now() + this.timeoutMs);
    if (this.timer === undefined) this.timer = setInterval(() => this.sweep(), this.sweepMs).unref();
  }

  /** Answers every request whose deadline has passed (a gone or answered one is only forgotten); stops at the first still in time. */
  sweep(): void {
    const now = this.now();
    for (const [reply, deadline] of this.inFlight) {
      if (deadline > now) break;
      this.inFlight.delete(reply);
      if (!reply.sent && !reply.raw.destroyed) void reply.send(new RequestDeadlineError(this.timeoutMs));
    }
    if (this.inFlight.size === 0) this.stop();
  }

  /** How many requests are in flight (for tests and the shutdown). */
  get size(): number {
    return this.inFlight.size;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
