/**
 * A resumed run reads again every record after its checkpoint, and writes their dead letters
 * again: the letters an earlier run wrote for those records must go first, or each would be
 * there twice. Rewrites the file through a temporary one, line by line (bounded memory).
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';

/** Keeps the letters of records at or before `position` (and any line it cannot read). */
export async function forgetLettersAfter(path: string, position: number): Promise<void> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const opened = await once(input, 'open').then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  if (!opened) return;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.resume.tmp`);
  const output = createWriteStream(temporary);
  let dropped = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line === '') continue;
      if (positionOf(line) > position) {
        dropped++;
        continue;
      }
      if (!output.write(`${line}\n`)) await once(output, 'drain');
    }
    output.end();
    await finished(output);
  } catch (error) {
    output.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
  if (dropped === 0) {
    await rm(temporary, { force: true });
    return;
  }
  await rename(temporary, path);
}

/** A letter's line starts with its position (`deadLetterLine` writes it first). */
function positionOf(line: string): number {
  const match = /^\{"position":(\d+)[,}]/.exec(line);
  return match ? Number(match[1]) : Number.NEGATIVE_INFINITY;
}
