/**
 * `bulkwright status` of several files (a list or a pattern, as given to `import`): each file has
 * its own checkpoint, whichever share imported it, so the view is one status per file, then the
 * whole list's: files finished, started, not started, records written and rejected.
 */
import { stat } from 'node:fs/promises';
import type { Db } from 'mongodb';
import { shareCheckpoints } from '../stream/share-checkpoint.js';
import { importIdOf } from './import-share.js';
import { formatBytes, formatCount } from './progress.js';
import { type StatusView, statusText, statusView } from './status.js';

export async function statusOfFiles(
  db: Db,
  files: readonly string[],
  args: { readonly collection: string; readonly json: boolean },
  output: { out(text: string): void },
): Promise<number> {
  const views: { import: string; file: string; view: StatusView }[] = [];
  for (const file of files) {
    const importId = importIdOf(file, db.databaseName, args.collection);
    const size = await stat(file).then(
      (s) => s.size,
      () => undefined,
    );
    views.push({ import: importId, file, view: statusView(await shareCheckpoints(db, importId), size) });
  }
  const started = views.filter((v) => v.view.shares.length > 0);
  const finished = views.filter(
    (v) => v.view.shares.length > 0 && v.view.notStarted === 0 && v.view.finished === v.view.shares.length,
  );
  const whole = {
    files: views.length,
    finished: finished.length,
    started: started.length - finished.length,
    notStarted: views.length - started.length,
    written: views.reduce((sum, v) => sum + v.view.written, 0),
    rejected: views.reduce((sum, v) => sum + v.view.rejected, 0),
    size: views.reduce((sum, v) => sum + (v.view.size ?? 0), 0),
  };
  if (args.json) {
    output.out(
      JSON.stringify({
        ...whole,
        perFile: views.map((v) => ({ import: v.import, file: v.file, ...v.view })),
      }),
    );
  } else {
    const lines = views.map((v) => statusText(v.import, v.view));
    lines.push(
      `bulkwright status: ${whole.files} files (${formatBytes(whole.size)}): ${whole.finished} finished, ${whole.started} started and not finished, ${whole.notStarted} not started; ${formatCount(whole.written)} written, ${formatCount(whole.rejected)} rejected`,
    );
    output.out(lines.join('\n'));
  }
  return started.length > 0 ? 0 : 1;
}
