import { AUDIT_RECORD_SUBJECT, AUDIT_SEQ_HEADER, AUDIT_STREAM, auditMsgId, auditRecordSchema } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, StorageType, jetstreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { type ChainPoint, chainBase } from '../chain/chain-head';
import { readRecordPoint } from '../chain/record-check';
import { type SealedRecord } from '../ingest/chain-writer';
import { type AuditStore } from '../store/audit-store';
import { AckedPublisher } from './acked-publisher';

const PAGE = 500;
const SWEEP_MS = 1000;
const ACK_TIMEOUT_MS = 10_000;
/** Sealed records kept in memory for the relay; beyond that it reads them back from the database. */
const MAX_PENDING = 20_000;

/** Creates DV_AUDIT (or updates its subjects): the stream outside consumers read sealed records from. */
export async function ensureAuditStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(AUDIT_STREAM.name);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    await jsm.streams
      // No message of it may be deleted or purged through the API: it is the chain's copy outside the database.
      .add({
        name: AUDIT_STREAM.name,
        subjects: [...AUDIT_STREAM.subjects],
        storage: StorageType.File,
        duplicate_window: nanos(10 * 60_000),
        deny_delete: true,
        deny_purge: true,
      })
      .catch((e: unknown) => {
        if (!(e instanceof JetStreamApiError) || e.code !== 10058) throw e;
      });
  }
}

/**
 * The last record sealed on DV_AUDIT (seq and hash), or undefined when it holds none: the outside
 * copy of the chain's end, which the database alone cannot vouch for.
 */
export async function lastRelayedRecord(nc: NatsConnection): Promise<ChainPoint | undefined> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const stored = await jsm.streams.getMessage(AUDIT_STREAM.name, { last_by_subj: AUDIT_RECORD_SUBJECT });
  if (!stored) return undefined;
  const record = auditRecordSchema.pick({ seq: true, hash: true }).parse(stored.json<unknown>());
  return { seq: record.seq, hash: record.hash };
}

/**
 * Re-publishes sealed records on DV_AUDIT in chain order, each with `Nats-Msg-Id` = `audit-<seq>`
 * (a re-publish after a crash is stored once), following a `publishedSeq` checkpoint. The writer
 * hands each sealed batch over in memory; the database is read only to catch up (start, gaps).
 */
export class SealedRecordRelay {
  private readonly logger = new Logger('AuditRelay');
  private readonly publisher: AckedPublisher;
  private published = 0;
  /** The highest seq known sealed: the head at start, then every batch handed over. */
  private sealedSeq = 0;
  private savedSeq = 0;
  private pending: SealedRecord[] = [];
  private wake: (() => void) | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;

  constructor(
    nc: NatsConnection,
    private readonly store: AuditStore,
    inboxPrefix: string,
  ) {
    this.publisher = new AckedPublisher(nc, inboxPrefix);
  }

  /**
   * Starts after the checkpoint, or after `streamHead` (DV_AUDIT's last record) when that is further;
   * what lies between that and `head` (the chain's head now) is read from the database.
   */
  async start(head: ChainPoint, streamHead?: ChainPoint): Promise<void> {
    this.sealedSeq = Math.max(this.sealedSeq, head.seq);
    const state = await this.store.c.chain.findOne({ _id: 'relay' });
    this.published = Math.max(state?.seq ?? (await chainBase(this.store.c)).seq, streamHead?.seq ?? 0);
    await this.store.c.chain.updateOne({ _id: 'relay' }, { $setOnInsert: { seq: this.published } }, { upsert: true });
    this.running = true;
    this.loop = this.run();
    this.timer = setInterval(() => {
      this.wake?.();
      void this.saveCheckpoint().catch((e: unknown) => this.logger.warn(`saving the relay checkpoint failed: ${e instanceof Error ? e.message : String(e)}`));
    }, SWEEP_MS);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.wake?.();
    await this.loop;
    this.publisher.close();
    await this.saveCheckpoint().catch(() => undefined);
  }

  publishedSeq(): number {
    return this.published;
  }

  /** Records just sealed, in chain order. */
  sealed(records: readonly SealedRecord[]): void {
    for (const r of records) this.pending.push(r);
    this.sealedSeq = Math.max(this.sealedSeq, records[records.length - 1]?.seq ?? 0);
    if (this.pending.length > MAX_PENDING) this.pending = this.pending.slice(-MAX_PENDING);
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const next = this.takeFromMemory() ?? (await this.readFromDb());
        if (next.length > 0) {
          await this.publish(next);
          continue;
        }
      } catch (error) {
        this.logger.error(`publishing sealed records failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!this.running) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** The next records from memory when they continue the published sequence exactly. */
  private takeFromMemory(): SealedRecord[] | undefined {
    let skip = 0;
    while (skip < this.pending.length && (this.pending[skip]?.seq ?? 0) <= this.published) skip++;
    if (skip > 0) this.pending = this.pending.slice(skip);
    const first = this.pending[0];
    if (!first || first.seq !== this.published + 1) return undefined;
    let n = 1;
    while (n < this.pending.length && n < PAGE && this.pending[n]?.seq === first.seq + n) n++;
    return this.pending.slice(0, n);
  }

  /** Records sealed but not in memory (before the start, or dropped beyond MAX_PENDING): up to a page's worth, by key. */
  private async readFromDb(): Promise<SealedRecord[]> {
    if (this.sealedSeq <= this.published) return [];
    const from = this.published + 1;
    const out: SealedRecord[] = [];
    walk: for await (const segment of this.store.log.segments(from, Math.min(this.sealedSeq, this.published + PAGE))) {
      for (let k = 0; k < segment.texts.length; k++) {
        const seq = segment.first + k;
        if (seq < from) continue;
        const message = segment.texts[k] as string;
        const point = readRecordPoint(message);
        // The stored text is the message as sealed; one that is not what its place says stops the relay here.
        if (!point || point.seq !== from + out.length || out.length >= PAGE) break walk;
        out.push({ seq: point.seq, hash: point.hash, message });
      }
    }
    return out;
  }

  private async publish(records: readonly SealedRecord[]): Promise<void> {
    // Sent back to back on one connection, so the stream stores them in this order.
    const { stored, failure } = await this.publisher.publishAll(
      records.map((r) => ({ subject: AUDIT_RECORD_SUBJECT, payload: r.message, msgId: auditMsgId(r.seq), headers: { [AUDIT_SEQ_HEADER]: String(r.seq) } })),
      ACK_TIMEOUT_MS,
    );
    const last = records[stored - 1];
    if (last) this.published = last.seq;
    if (failure !== undefined) throw new Error(`record ${records[stored]?.seq ?? '?'} was not stored on ${AUDIT_STREAM.name}: ${failure}`);
  }

  /** The checkpoint is saved by a timer, off the publishing path: after a crash up to a second is re-published (and de-duplicated). */
  async saveCheckpoint(): Promise<void> {
    // One save at a time: the store checks the guard, then writes (decision 0012), so a slow save of
    // an older seq overlapping a newer one could land last and move the checkpoint back.
    while (this.saving) await this.saving;
    const seq = this.published;
    if (seq <= this.savedSeq) return;
    this.saving = (async () => {
      await this.store.c.chain.updateOne({ _id: 'relay', seq: { $lt: seq } }, { $set: { seq } });
      this.savedSeq = seq;
    })();
    try {
      await this.saving;
    } finally {
      this.saving = undefined;
    }
  }
}
