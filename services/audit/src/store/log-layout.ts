/** Seqs per page: a page is read whole (one document once merged), so it stays small enough for a point read. */
export const PAGE_SIZE = 100;

const pad = (n: number): string => String(n).padStart(12, '0');

/** The id of the segment whose first record has this seq. */
export const segmentId = (firstSeq: number): string => `s${pad(firstSeq)}`;

/** The first seq of the page holding `seq`. */
export const pageStart = (seq: number): number => Math.floor((seq - 1) / PAGE_SIZE) * PAGE_SIZE + 1;

/** The last seq of the page holding `seq`. */
export const pageEnd = (seq: number): number => pageStart(seq) + PAGE_SIZE - 1;
