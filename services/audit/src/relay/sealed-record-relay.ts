import { AUDIT_RECORD_SUBJECT, AUDIT_SEQ_HEADER, AUDIT_STREAM, type AuditRecord, auditMsgId } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient, StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/nats-core';
import { chainBase } from '../chain/chain-head';
import { type AuditCollections, toAuditRecord } from '../records/audit-record.model';

const PAGE = 500;
const SWEEP_MS = 1000;
const encoder = new TextEncoder();

/** Creates DV_AUDIT (or updates its subjects): the stream outside consumers read sealed records from. */
export async function ensureAuditStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(AUDIT_STREAM.name);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    await jsm.streams
      .add({ name: AUDIT_STREAM.name, subjects: [...AUDIT_STREAM.subjects], storage: StorageType.File, duplicate_window: nanos(10 * 60_000) })
      .catch((e: unknown) => {
        if (!(e instanceof JetStreamApiError) || e.code !== 10058) throw e;
      });
  }
}

/**
 * Re-publishes sealed records on DV_AUDIT in chain order, each with `Nats-Msg-Id` = `audit-<seq>`
 * (a re-publish after a crash is stored once), following a `publishedSeq` checkpoint. The writer
 * hands each sealed batch over in memory; the database is read only to catch up (start, gaps).
 */
export class SealedRecordRelay {
  private readonly logger = new Logger('AuditRelay');
  private readonly js: JetStreamClient;
  private published = 0;
  private savedSeq = 0;
  private pending: AuditRecord[] = [];
  private wake: (() => void) | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    nc: NatsConnection,
    private readonly c: AuditCollections,
    /** The chain's head as this replica knows it: nothing to read from the database when published up to it. */
    private readonly headSeq: () => number,
  ) {
    this.js = jetstream(nc);
  }

  async start(): Promise<void> {
    const state = await this.c.chain.findOne({ _id: 'relay' });
    this.published = state?.seq ?? (await chainBase(this.c)).seq;
    await this.c.chain.updateOne({ _id: 'relay' }, { $setOnInsert: { seq: this.published } }, { upsert: true });
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
    await this.saveCheckpoint().catch(() => undefined);
  }

  publishedSeq(): number {
    return this.published;
  }

  /** Records just sealed, in chain order. */
  sealed(records: readonly AuditRecord[]): void {
    this.pending.push(...records);
    if (this.pending.length > 20_000) this.pending = this.pending.slice(-20_000);
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
  private takeFromMemory(): AuditRecord[] | undefined {
    this.pending = this.pending.filter((r) => r.seq > this.published);
    const first = this.pending[0];
    if (!first || first.seq !== this.published + 1) return undefined;
    let n = 1;
    while (n < this.pending.length && n < PAGE && this.pending[n]?.seq === first.seq + n) n++;
    return this.pending.slice(0, n);
  }

  private async readFromDb(): Promise<AuditRecord[]> {
    if (this.headSeq() <= this.published) return [];
    const docs = await this.c.records
      .find({ seq: { $gt: this.published } })
      .sort({ seq: 1 })
      .limit(PAGE)
      .toArray();
    const out: AuditRecord[] = [];
    for (const doc of docs) {
      if (doc.seq !== this.published + 1 + out.length) break;
      out.push(toAuditRecord(doc));
    }
    return out;
  }

  private async publish(records: AuditRecord[]): Promise<void> {
    // Sent back to back on one connection, so the stream stores them in this order.
    const acks = records.map((r) => {
      const h = natsHeaders();
      h.set(AUDIT_SEQ_HEADER, String(r.seq));
      return this.js.publish(AUDIT_RECORD_SUBJECT, encoder.encode(JSON.stringify(r)), { msgID: auditMsgId(r.seq), headers: h });
    });
    await Promise.all(acks);
    const last = records[records.length - 1];
    if (!last) return;
    this.published = last.seq;
  }

  /** The checkpoint is saved by a timer, off the publishing path: after a crash up to a second is re-published (and de-duplicated). */
  async saveCheckpoint(): Promise<void> {
    const seq = this.published;
    if (seq <= this.savedSeq) return;
    await this.c.chain.updateOne({ _id: 'relay', seq: { $lt: seq } }, { $set: { seq } });
    this.savedSeq = seq;
  }
}
