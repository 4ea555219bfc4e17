/**
 * The published package, as a user gets it: build, `npm pack`, install the tarball into an empty
 * project, import the library by name, run the `bulkwright` bin against the test server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { useTestDb } from '../support/db.js';

const run = promisify(execFile);
const t = useTestDb('pack');
const dir = mkdtempSync(join(tmpdir(), 'bw-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('installs from its tarball, imports by name, and runs its bin', { timeout: 180_000 }, async () => {
  await run('npm', ['run', 'build']);
  const { stdout: packed } = await run('npm', ['pack', '--pack-destination', dir, '--silent']);
  const tarball = join(dir, packed.trim().split('\n').at(-1)!);
  const app = join(dir, 'app');
  await run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app });

  const { stdout: api } = await run(
    process.execPath,
    [
      '-e',
      "import('bulkwright').then((m) => console.log(Object.keys(m).filter((k) => k.startsWith('bulk')).sort().join()))",
    ],
    { cwd: app },
  );
  expect(api.trim()).toBe('bulkDelete,bulkInsert,bulkUpdate,bulkWrite');

  writeFileSync(join(app, 'rows.ndjson'), '{"a":1}\n{"a":2}\nnot json\n');
  const bin = join(app, 'node_modules', '.bin', 'bulkwright');
  const result = await run(
    bin,
    [
      'import',
      'rows.ndjson',
      '--uri',
      t.uri,
      '--db',
      t.db.databaseName,
      '--collection',
      'rows',
      '--json',
      '--no-checkpoint',
    ],
    { cwd: app },
  ).catch((error: { code: number; stdout: string }) => error);
  expect('code' in result ? result.code : 0).toBe(1); // finished, with the bad line rejected
  expect(JSON.parse(result.stdout)).toMatchObject({ read: 3, written: 2, rejected: 1 });
});
