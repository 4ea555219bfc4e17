/**
 * A dead-letter file created on the first rejected record (a run without rejections leaves
 * none), started afresh unless the run resumes one, and with its reasons passed through `redact`
 * (a driver message could quote the connection string). The records stay as read.
 */
import { rm } from 'node:fs/promises';
import { deadLetterFile } from './dead-letter.js';
import { forgetLettersAfter } from './dead-letter-resume.js';
import type { DeadLetter, DeadLetterSink } from './types.js';

export function lazyDeadLetter(
  path: string,
  redact: (text: string) => string,
  options: { readonly append: boolean; readonly file?: string },
): DeadLetterSink & { readonly count: () => number; close(): Promise<void> } {
  let sink: Promise<DeadLetterSink> | undefined;
  let written = 0;
  const open = async () => {
    if (!options.append) await rm(path, { force: true });
    return deadLetterFile(path);
  };
  return {
    count: () => written,
    async write(letter: DeadLetter) {
      sink ??= open();
      written += 1;
      const target = await sink;
      const file = options.file !== undefined ? { file: options.file } : {};
      await target.write({
        ...letter,
        ...file,
        reason: { ...letter.reason, message: redact(letter.reason.message) },
      });
    },
    async resume(position: number) {
      if (options.append && !sink) await forgetLettersAfter(path, position);
    },
    async close() {
      if (sink) await (await sink).close?.();
    },
  };
}
