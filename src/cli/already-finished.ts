/** `--resume` of a share whose checkpoint says it finished: nothing to import, say so and exit 0. */

import { basename } from 'node:path';
import type { ShareCheckpoint } from '../stream/share-checkpoint.js';
import type { ImportCommand } from './args.js';
import { isFileList } from './input-files.js';
import { formatCount } from './progress.js';
import { isWorker, sendToParent } from './worker-channel.js';

export function alreadyFinished(
  command: ImportCommand,
  checkpoint: ShareCheckpoint,
  output: { out(text: string): void },
): number {
  const { index, count } = command.shares.partition;
  if (isWorker())
    sendToParent({ type: 'finished-before', written: checkpoint.written, rejected: checkpoint.rejected });
  const share =
    count > 1 ? `share ${index}/${count}` : isFileList(command.files) ? basename(command.file) : 'the import';
  output.out(
    command.json
      ? JSON.stringify({
          ok: true,
          alreadyFinished: true,
          share: { index, count },
          written: checkpoint.written,
          rejected: checkpoint.rejected,
        })
      : `bulkwright import: ${share} finished in an earlier run (${formatCount(checkpoint.written)} written, ${formatCount(checkpoint.rejected)} rejected, ${checkpoint.updatedAt.toISOString()}); nothing to do`,
  );
  return 0;
}
