/**
 * Bounded memory: importing 10x more records must not raise the live heap by more than a small
 * constant. Live heap = heapUsed right after a forced GC, sampled during the import (RSS is
 * reported too, but it settles only from ~1M records on; see docs/imports.md).
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { useTestDb } from '../support/db.js';

const t = useTestDb('stream_memory');
const dir = mkdtempSync(join(tmpdir(), 'bw-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeFile(path: string, n: number) {
  const out = createWriteStream(path);
  for (let i = 1; i <= n; i++) {
    const line = `{"n":${i},"name":"record ${i}","tags":["a","b"],"nested":{"x":${i % 97},"when":"2026-01-01"}}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function probe(n: number) {
  const file = join(dir, `in-${n}.ndjson`);
  await writeFile(file, n);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      'test/support/memory-probe.ts',
      t.uri,
      t.db.databaseName,
      `m${n}`,
      file,
    ],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    written: number;
    peakHeap: number;
    peakRss: number;
  };
}

it('live heap stays flat from 50k to 500k records', { timeout: 240_000 }, async () => {
  const small = await probe(50_000);
  const large = await probe(500_000);
  const mb = (b: number) => Math.round(b / 1e5) / 10;
  console.log(
    `memory: 50k → heap ${mb(small.peakHeap)} MB, RSS ${mb(small.peakRss)} MB; 500k → heap ${mb(large.peakHeap)} MB, RSS ${mb(large.peakRss)} MB`,
  );
  expect(small.written).toBe(50_000);
  expect(large.written).toBe(500_000);
  expect(large.peakHeap - small.peakHeap).toBeLessThan(8 * 1024 * 1024);
  expect(large.peakRss).toBeLessThan(200 * 1024 * 1024);
});
