/**
 * The counts of each reliability run (cuts, kills, records, lost, duplicated…), kept so that
 * docs/reliability.md quotes a real run. With `RELIABILITY_RESULTS=<file>` set, every call
 * appends one JSON line: the suite, the scenario's counts, the commit and the server. Unset
 * (the usual test run), nothing is written.
 */
import { execFileSync } from 'node:child_process';
import { appendFile } from 'node:fs/promises';

let commit: string | undefined;

function currentCommit(): string {
  if (commit === undefined) {
    try {
      const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', 'src', 'test'], {
        encoding: 'utf8',
      }).trim();
      commit = dirty ? `${head}+changes` : head;
    } catch {
      commit = 'unknown';
    }
  }
  return commit;
}

export async function recordResult(suite: string, counts: Record<string, unknown>): Promise<void> {
  const path = process.env.RELIABILITY_RESULTS;
  if (!path) return;
  const line = { suite, ...counts, commit: currentCommit(), at: new Date().toISOString() };
  await appendFile(path, `${JSON.stringify(line)}\n`);
}
