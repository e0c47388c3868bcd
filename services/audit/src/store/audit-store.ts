import { type AuditCollections } from '../records/audit-record.model';
import { LogStore } from './log-store';
import { PostingIndex } from './posting-index';

/**
 * The audit log's storage: the records (LogStore) and their posting lists (PostingIndex), over the
 * same collections. Work that rewrites what another may be rewriting (merging a page, entering a
 * batch in the lists, archiving) runs one at a time through `exclusive`.
 */
export class AuditStore {
  readonly log: LogStore;
  readonly index: PostingIndex;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly c: AuditCollections) {
    this.log = new LogStore(c);
    this.index = new PostingIndex(this.log);
  }

  /** Documents read since start (the honest proxy for the work a request does: decision 0014). */
  get reads(): number {
    return this.log.reads;
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
