import { DvError, GENESIS_HASH } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { type ChainPoint, chainBase } from '../../chain/chain-head';
import { checkLink, checkText } from '../../chain/record-check';
import { type AuditStore } from '../../store/audit-store';

export interface ArchiveResult {
  archived: number;
  file: string | null;
  checkpoint: ChainPoint;
}

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
 * file and of its folder), then the checkpoint {seq, hash} is recorded, then the records are removed
 * (and forgotten by the index, the summaries of the groups gone removed). A crash between the steps leaves either nothing done, or
 * a checkpoint whose records are removed on the next run; the chain verifies from the checkpoint.
 */
export class Archiver {
  private readonly logger = new Logger('AuditArchiver');
  private running: Promise<ArchiveResult> | undefined;
  private readonly before: (() => Promise<void>)[] = [];

  constructor(
    private readonly store: AuditStore,
    private readonly dir: string,
  ) {}

  /** Work done before each run (the relay saving its checkpoint, so the run covers what it has published). */
  beforeRun(work: () => Promise<void>): void {
    this.before.push(work);
  }

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
    const c = this.store.c;
    for (const work of this.before) await work();
    const base = await chainBase(c);
    const cutoff = olderThan.toISOString();
    // Only what the relay has published: outside consumers never miss a record.
    const limit = (await c.chain.findOne({ _id: 'relay' }))?.seq ?? base.seq;
    const dir = resolve(this.dir);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.audit-${base.seq + 1}-${Date.now()}.jsonl.part`);
    const out = createWriteStream(tmp, { flags: 'wx' });
    let prev: ChainPoint = base;
    let archived = 0;
    try {
      // Segment by segment (a page, one document, at a time), in chain order.
      walk: for await (const segment of this.store.log.segments(base.seq + 1, limit)) {
        for (let k = 0; k < segment.texts.length; k++) {
          const text = segment.texts[k] as string;
          const position = segment.first + k;
          if (position <= base.seq) continue;
          const checked = checkText(text);
          const record = checked.record;
          if (record && (record.seq > limit || record.recordedAt >= cutoff)) break walk;
          const bad = checkLink(checked, position, prev);
          if (bad || !record)
            throw DvError.precondition(`the chain is broken at seq ${bad?.seq ?? position} (${bad?.problem ?? 'changed'}): nothing archived`, {
              firstBad: bad,
            });
          if (!out.write(`${text}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
          prev = { seq: record.seq, hash: record.hash };
          archived++;
        }
      }
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
      await c.chain.updateOne({ _id: 'archive' }, { $setOnInsert: checkpoint }, { upsert: true });
    } else {
      const moved = await c.chain.updateOne({ _id: 'archive', seq: base.seq }, { $set: checkpoint });
      if (moved.matchedCount === 0) throw DvError.conflict('another archive run moved the checkpoint first');
    }
    const through = prev.seq;
    await this.store.exclusive(async () => {
      await this.store.log.removeThrough(base.seq + 1, through);
      await this.store.afterArchive(through);
    });
    this.logger.log(`archived seq ${base.seq + 1}..${through} (${archived} records) to ${file}`);
    return { archived, file, checkpoint: { seq: through, hash: prev.hash } };
  }
}
