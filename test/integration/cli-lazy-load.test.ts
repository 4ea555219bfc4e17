/**
 * What a plain NDJSON import loads: not Zod (no --model: the loose model's schema is never built),
 * not the CSV or JSON-array parsers, and no Intl formatter (the first one maps ICU's data in:
 * +7.5 MB RSS). Each is memory and start-up the importer would pay on every run
 * (docs/performance.md). A CSV import, for contrast, does load its parser: the probe sees what it
 * should.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { cliEnv, collectCli, importArgs, repoRoot } from '../support/cli.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('cli_lazy_load');
const dir = mkdtempSync(join(tmpdir(), 'bw-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const probe = pathToFileURL(join(repoRoot, 'test/support/load-probe.mjs')).href;
const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

async function loadedBy(file: string, collection: string): Promise<string[]> {
  const list = join(dir, `${collection}.loaded`);
  writeFileSync(list, '');
  const child = spawn(
    process.execPath,
    [
      '--import',
      tsx,
      '--import',
      probe,
      join(repoRoot, 'src/cli/main.ts'),
      ...importArgs(file, t.uri, t.db.databaseName, collection),
      '--quiet',
      '--json',
    ],
    { env: cliEnv({ BULKWRIGHT_LOAD_PROBE: list }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const run = await collectCli(child);
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout).written).toBe(2);
  return readFileSync(list, 'utf8').split('\n').filter(Boolean);
}

const packageOf = (loaded: readonly string[], name: string) =>
  loaded.filter((entry) => entry.includes(`/node_modules/${name}/`));

it('an NDJSON import without --model loads neither Zod nor the CSV and JSON-array parsers, and makes no Intl formatter', async () => {
  const file = join(dir, 'in.ndjson');
  writeFileSync(file, '{"a":1}\n{"a":2}\n');
  const loaded = await loadedBy(file, 'ndjson');
  expect(packageOf(loaded, 'mongodb').length).toBeGreaterThan(0);
  expect(packageOf(loaded, 'zod')).toEqual([]);
  expect(packageOf(loaded, 'csv-parse')).toEqual([]);
  expect(packageOf(loaded, '@streamparser/json')).toEqual([]);
  expect(loaded.filter((entry) => entry.startsWith('intl:'))).toEqual([]);
});

it('a CSV import loads the CSV parser (the probe sees what is loaded)', async () => {
  const file = join(dir, 'in.csv');
  writeFileSync(file, 'a\n1\n2\n');
  const loaded = await loadedBy(file, 'csv');
  expect(packageOf(loaded, 'csv-parse').length).toBeGreaterThan(0);
});
