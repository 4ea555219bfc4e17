/**
 * Batches finish out of order when several are in flight; a checkpoint may only move past a
 * position once every batch up to it is acknowledged. This tracks that contiguous prefix, and what
 * its batches counted (so a checkpoint's counts cover exactly the records at or below it).
 */
export interface AckCounts {
  readonly written: number;
  readonly rejected: number;
}

export class Watermark {
  private next = 0;
  private readonly done = new Map<number, { lastPosition: number; counts: AckCounts }>();
  private acked = { written: 0, rejected: 0 };

  constructor(private position: number) {}

  /** Batch `sequence` (0, 1, 2… in send order) is acknowledged up to `lastPosition`. */
  complete(sequence: number, lastPosition: number, counts: AckCounts = { written: 0, rejected: 0 }): void {
    this.done.set(sequence, { lastPosition, counts });
    while (this.done.has(this.next)) {
      const batch = this.done.get(this.next)!;
      this.position = Math.max(this.position, batch.lastPosition);
      this.acked = {
        written: this.acked.written + batch.counts.written,
        rejected: this.acked.rejected + batch.counts.rejected,
      };
      this.done.delete(this.next);
      this.next++;
    }
  }

  /** Every record at or below this position is acknowledged. */
  get value(): number {
    return this.position;
  }

  /** Written and rejected records of the batches at or below `value`. */
  get counts(): AckCounts {
    return this.acked;
  }
}
