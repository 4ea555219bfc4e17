/**
 * A checkpoint kept in the database meets the same network as the writes: one dropped
 * connection must not end an import whose batches would have been resent. Its operations are
 * idempotent (set a position, read it, delete it), so they are retried like a lost batch: on
 * errors that pass, with the stream's default backoff (8 tries, 200 ms, doubling, at most 5 s).
 * Not when no server could be selected: the driver has waited its `serverSelectionTimeoutMS`
 * already, and the server is down, not flaky.
 */
import { MongoServerError, MongoServerSelectionError } from 'mongodb';
import { classifyBatchError } from '../report/classify.js';

const ATTEMPTS = 8;
const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 5000;

export async function withRetries<T>(operation: () => Promise<T>): Promise<T> {
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const passes = classifyBatchError(error).passes && !(error instanceof MongoServerSelectionError);
      if (attempt >= ATTEMPTS || !passes) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

/**
 * Two writers upserting the same new `_id` at once (two processes on one share, a resumed run
 * beside a live one) may both insert; the second meets the first on `_id` (E11000). MongoDB
 * retries such an upsert itself in most cases, other servers (FerretDB) do not. Sent again, the
 * upsert finds the document and updates it: an upsert is retried once on that error, at once.
 */
export async function upsertRaced<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
    return upsert();
  }
}
