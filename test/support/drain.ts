import type { SourceRecord, StreamProgress, StreamReport } from '../../src/index.js';

/** Runs a streaming import to its end: every progress event, then the report. */
export async function drain(run: AsyncGenerator<StreamProgress, StreamReport>) {
  const events: StreamProgress[] = [];
  for (;;) {
    const next = await run.next();
    if (next.done) return { events, report: next.value };
    events.push(next.value);
  }
}

/** Reads a source to its end. */
export async function collect(source: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const record of source) out.push(record);
  return out;
}
