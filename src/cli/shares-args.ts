/** `--partition i/n` and `--workers n`: which share of the input this command imports, or how many children. */
import { MAX_PARTITIONS, type Partition, parsePartition } from '../stream/partition.js';

export interface Shares {
  /** This process imports this share (`{ index: 0, count: 1 }`: the whole input). */
  readonly partition: Partition;
  /** Run this many shares as child processes instead (absent: import in this process). */
  readonly workers?: number;
}

export function checkShares(
  raw: { readonly partition?: string; readonly workers?: string },
  checkpoint: { readonly kind: string },
  problems: string[],
): Shares {
  let partition: Partition = { index: 0, count: 1 };
  let workers: number | undefined;
  if (raw.partition !== undefined) {
    const parsed = parsePartition(raw.partition);
    if (parsed) partition = parsed;
    else
      problems.push(
        `--partition: expected i/n with 0 <= i < n <= ${MAX_PARTITIONS} (e.g. 3/8), received ${JSON.stringify(raw.partition)}`,
      );
  }
  if (raw.workers !== undefined) {
    const n = /^\s*\d+\s*$/.test(raw.workers) ? Number(raw.workers) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > 64)
      problems.push(`--workers: expected an integer from 1 to 64, received ${JSON.stringify(raw.workers)}`);
    else workers = n;
    if (raw.partition !== undefined)
      problems.push('--workers, --partition: expected one of them, received both');
  }
  const split = partition.count > 1 || (workers ?? 1) > 1;
  if (split && checkpoint.kind === 'file') {
    problems.push(
      '--checkpoint: expected the default (a collection in the target db) with --partition or --workers: every share and `bulkwright status` must see every checkpoint',
    );
  }
  return workers !== undefined ? { partition, workers } : { partition };
}
