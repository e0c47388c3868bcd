/** A server of the test bed: where clients connect, and how to stop it. */
export interface RunningServer {
  url: string;
  /** Stops what was started (nothing for an external server). Idempotent. */
  stop(): Promise<void>;
}
