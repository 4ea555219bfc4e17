/**
 * Kill-and-resume: a child process runs migrate (then rollback) with a backup and is SIGKILLed
 * mid-way; running the same call again finishes the job, and the result equals an uninterrupted
 * run document for document. The fixture's transform is not idempotent, so a document changed
 * twice or skipped would show. Scale: 300 documents, batches of 30 (FerretDB: see migrate.test.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { migrate, rollback } from '../../src/index.js';
import { itemModel, items, transformItem } from '../fixtures/migration.js';
import { repoRoot } from '../support/cli.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('migrate_resume');
const count = 300;
const batchSize = 30;
const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;
const child = join(repoRoot, 'test/support/migrate-child.ts');

const snapshot = (name: string) => t.db.collection(name).find().sort({ _id: 1 }).toArray();

/** Runs the child and SIGKILLs it once it has printed `afterBatches` batch lines. */
function runKilled(collection: string, mode: 'migrate' | 'rollback', afterBatches: number) {
  return new Promise<{ output: string; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--import', tsx, child, t.uri, t.db.databaseName, collection, mode, String(batchSize)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if ((output.match(/^batch /gm) ?? []).length >= afterBatches) proc.kill('SIGKILL');
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => resolve({ output, signal }));
  });
}

it('a migrate killed mid-way and run again equals an uninterrupted migrate; a rollback killed and run again equals the original', {
  timeout: 240_000,
}, async () => {
  const killed = itemModel(t.db, 'killed');
  const straight = itemModel(t.db, 'straight');
  await killed.collection().insertMany(items(count));
  await straight.collection().insertMany(items(count));
  const original = await snapshot('killed');

  await migrate(straight, { id: 'straight', transform: transformItem, backup: true, batchSize });
  const uninterrupted = await snapshot('straight');

  const first = await runKilled('killed', 'migrate', 3);
  expect(first.signal).toBe('SIGKILL');
  expect(first.output).not.toContain('done');
  const midway = await snapshot('killed');
  expect(midway).not.toEqual(original);
  expect(midway).not.toEqual(uninterrupted);

  const resumed = await migrate(killed, { id: 'killed', transform: transformItem, backup: true, batchSize });
  expect(resumed.ok).toBe(true);
  expect(resumed.resumedAfter).toBeGreaterThan(0);
  expect(resumed.scanned).toBeLessThan(count);
  expect(await snapshot('killed')).toEqual(uninterrupted);

  const second = await runKilled('killed', 'rollback', 3);
  expect(second.signal).toBe('SIGKILL');
  expect(second.output).not.toContain('done');
  expect(await snapshot('killed')).not.toEqual(original);

  const restored = await rollback(killed, 'killed', { batchSize });
  expect(restored.ok).toBe(true);
  expect(restored.backupRemoved).toBe(true);
  expect(await snapshot('killed')).toEqual(original);
});
