/**
 * Batches finish out of order when several are in flight; a checkpoint may only move past a
 * position once every batch up to it is acknowledged. This tracks that contiguous prefix.
 */
export class Watermark {
  private next = 0;
  private readonly done = new Map<number, number>();

  constructor(private position: number) {}

  /** Batch `sequence` (0, 1, 2… in send order) is acknowledged up to `lastPosition`. */
  complete(sequence: number, lastPosition: number): void {
    this.done.set(sequence, lastPosition);
    while (this.done.has(this.next)) {
      this.position = Math.max(this.position, this.done.get(this.next)!);
      this.done.delete(this.next);
      this.next++;
    }
  }

  /** Every record at or below this position is acknowledged. */
  get value(): number {
    return this.position;
  }
}
