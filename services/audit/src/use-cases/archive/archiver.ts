import { DvError, GENESIS_HASH } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { type ChainPoint, chainBase } from '../../chain/chain-head';
import { checkLink } from '../../chain/chain-verifier';
import { type AuditCollections, toAuditRecord } from '../../records/audit-record.model';
import { jsonLine } from '../export/format-records';

export interface ArchiveResult {
  archived: number;
  file: string | null;
  checkpoint: ChainPoint;
}

const PAGE = 2000;

/** Flushes a file (or a folder's entries) to the disk: after it, a power cut cannot lose what was written. */
async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Moves the oldest part of the chain to a JSON-lines file: the longest prefix (from the current
 * checkpoint) of records sealed before `olderThan` and already published on DV_AUDIT. The prefix is
 * verified as it is written (evidence is never archived broken), flushed to the disk (fsync of the
 * file and of its folder), then the checkpoint {seq, hash} is recorded, then the records are removed. A crash between the steps leaves either nothing done, or
 * a checkpoint whose records are removed on the next run; the chain verifies from the checkpoint.
 */
export class Archiver {
  private readonly logger = new Logger('AuditArchiver');
  private running: Promise<ArchiveResult> | undefined;

  constructor(
    private readonly c: AuditCollections,
    private readonly dir: string,
  ) {}

  async archive(olderThan: Date): Promise<ArchiveResult> {
    if (this.running) throw DvError.conflict('an archive run is under way');
    this.running = this.run(olderThan);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async run(olderThan: Date): Promise<ArchiveResult> {
    const base = await chainBase(this.c);
    // Finish what a crashed run left: records at or below the checkpoint go.
    await this.c.records.deleteMany({ seq: { $lte: base.seq } });
    const cutoff = olderThan.toISOString();
    // Only what the relay has published: outside consumers never miss a record.
    const limit = (await this.c.chain.findOne({ _id: 'relay' }))?.seq ?? base.seq;
    const dir = resolve(this.dir);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.audit-${base.seq + 1}-${Date.now()}.jsonl.part`);
    const out = createWriteStream(tmp, { flags: 'wx' });
    let prev: ChainPoint = base;
    let archived = 0;
    try {
      // One sorted scan (not pages: each page would be a scan of its own on FerretDB).
      const cursor = this.c.records.find({ seq: { $gt: base.seq, $lte: limit } }).sort({ seq: 1 }).batchSize(PAGE);
      for await (const doc of cursor) {
        if (doc.recordedAt >= cutoff) break;
        const bad = checkLink(doc, prev);
        if (bad) throw DvError.precondition(`the chain is broken at seq ${bad.seq} (${bad.problem}): nothing archived`, { firstBad: bad });
        if (!out.write(jsonLine(toAuditRecord(doc)))) await new Promise<void>((r) => out.once('drain', () => r()));
        prev = { seq: doc.seq, hash: doc.hash };
        archived++;
      }
      await cursor.close();
    } finally {
      out.end();
      await finished(out);
    }
    if (archived === 0) {
      await rm(tmp, { force: true });
      return { archived: 0, file: null, checkpoint: base };
    }
    const file = join(dir, `audit-${base.seq + 1}-${prev.seq}.jsonl`);
    // On the disk before the checkpoint moves and the records go: the file, then its name in the folder.
    await fsync(tmp);
    await rename(tmp, file);
    await fsync(dir);
    const checkpoint = { seq: prev.seq, hash: prev.hash, file };
    if (base.hash === GENESIS_HASH && base.seq === 0) {
      await this.c.chain.updateOne({ _id: 'archive' }, { $setOnInsert: checkpoint }, { upsert: true });
    } else {
      const moved = await this.c.chain.updateOne({ _id: 'archive', seq: base.seq }, { $set: checkpoint });
      if (moved.matchedCount === 0) throw DvError.conflict('another archive run moved the checkpoint first');
    }
    const removed = await this.c.records.deleteMany({ seq: { $lte: prev.seq } });
    this.logger.log(`archived seq ${base.seq + 1}..${prev.seq} (${archived} records, ${removed.deletedCount} removed) to ${file}`);
    return { archived, file, checkpoint: { seq: prev.seq, hash: prev.hash } };
  }
}
