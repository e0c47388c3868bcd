import { type AuditRecord } from '@dv/contracts';
import { type Connection } from 'mongoose';
import { readHead } from '../src/chain/chain-head';
import { type AuditCollections, auditCollections, parseRecordText } from '../src/records/audit-record.model';
import { PAGE_SIZE } from '../src/store/log-layout';
import { LogStore } from '../src/store/log-store';
import { encodeTexts } from '../src/store/segment-codec';

/**
 * The audit database as a test sees it, beside the service: every stored record, read page by page
 * as the service reads them (from seq 1, whatever was archived), and tampering at the level of one
 * record (changed, removed, inserted, put back) in the segment that holds it.
 */
export class AuditLogView {
  readonly c: AuditCollections;
  readonly log: LogStore;

  constructor(connection: Connection) {
    this.c = auditCollections(connection);
    this.log = new LogStore(this.c);
  }

  /** Every stored text, with the seq its place gives it, in order (pages from seq 1 up to past the head). */
  async texts(): Promise<{ seq: number; text: string }[]> {
    const marker = (await this.c.chain.findOne({ _id: 'head' }))?.seq ?? 0;
    const end = Math.max(marker, (await readHead(this.log)).seq);
    const out: { seq: number; text: string }[] = [];
    for (let start = 1; start <= end + PAGE_SIZE; start += PAGE_SIZE) {
      for await (const s of this.log.segments(start, start + PAGE_SIZE - 1)) {
        s.texts.forEach((text, k) => {
          if (s.first + k >= start) out.push({ seq: s.first + k, text });
        });
      }
    }
    return out;
  }

  async records(): Promise<AuditRecord[]> {
    return (await this.texts()).map((t) => parseRecordText(t.text));
  }

  async count(test: (r: AuditRecord) => boolean = () => true): Promise<number> {
    return (await this.records()).filter(test).length;
  }

  async find(test: (r: AuditRecord) => boolean): Promise<AuditRecord | undefined> {
    return (await this.records()).find(test);
  }

  /** The record whose text says `seq`. */
  async recordAt(seq: number): Promise<AuditRecord | undefined> {
    const segment = await this.log.segmentAt(seq);
    return segment?.texts.map(parseRecordText).find((r) => r.seq === seq);
  }

  /** Rewrites the texts of the segment holding `seq` (its place and extent stay as they were). */
  private async edit(seq: number, change: (texts: string[], at: number) => void): Promise<void> {
    const segment = await this.log.segmentAt(seq);
    if (!segment) throw new Error(`no segment holds seq ${seq}`);
    const texts = [...segment.texts];
    const at = texts.findIndex((t) => parseRecordText(t).seq >= seq);
    change(texts, at < 0 ? texts.length : at);
    await this.c.segments(Number(segment.id.slice(1))).updateOne({ _id: segment.id }, { $set: { z: encodeTexts(texts) } });
  }

  /** Replaces the text of record `seq`. */
  replace(seq: number, text: string): Promise<void> {
    return this.edit(seq, (texts, at) => texts.splice(at, 1, text));
  }

  /** Removes record `seq` from its segment. */
  remove(seq: number): Promise<void> {
    return this.edit(seq, (texts, at) => {
      if (parseRecordText(texts[at] ?? '{}').seq === seq) texts.splice(at, 1);
    });
  }

  /** Puts a text in before the first record at or after `seq` (a record removed, put back; or a forged one). */
  insertAt(seq: number, text: string): Promise<void> {
    return this.edit(seq, (texts, at) => texts.splice(at, 0, text));
  }
}
