/**
 * Network faults under the CLI, run as a user runs it: no driver option set by the test (the
 * driver's default heartbeat of 10 s, connectTimeoutMS 30 s), the CLI's default retries and
 * checkpoint. A TCP proxy cuts every 12th write reply part way (the server applied the batch; the
 * client cannot know) and drops every connection twice mid-run. If the CLI gives up (exit 2) it
 * is run again with --resume, as the docs say. The collection must hold every record exactly
 * once. The longest pause between two progress lines is measured: docs/reliability.md explains
 * the reconnect stall seen once with the default heartbeat.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCli, importArgs, spawnCli } from '../support/cli.js';
import { useTestDb } from '../support/db.js';
import { startProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { recordResult } from './results.js';

const t = useTestDb('rel_network_cli');
const N = 30_000;
const line = (i: number) => JSON.stringify({ key: `k${i}`, n: i, pad: 'x'.repeat(i % 64) });

let proxy: TcpProxy;
let work: string;
let file: string;

beforeAll(async () => {
  const [host, port] = /^mongodb:\/\/(?:[^@/]*@)?([^,/?]+)/.exec(t.uri)![1]!.split(':');
  proxy = await startProxy({ target: { host: host!, port: Number(port ?? 27017) }, lifetimeMs: 400_000 });
  work = await mkdtemp(join(tmpdir(), 'bulkwright-net-cli-'));
  file = join(work, 'records.ndjson');
  await writeFile(file, `${Array.from({ length: N }, (_, i) => line(i)).join('\n')}\n`);
});
afterAll(async () => {
  proxy?.faultEvery(null);
  await proxy?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the CLI through a faulty network, at the driver defaults', () => {
  it('cut replies and dropped connections: every record exactly once', async () => {
    const collection = 'cli_net';
    const args = [
      ...importArgs(file, proxy.uri(t.uri), t.db.databaseName, collection),
      '--resume',
      '--progress-interval',
      '0',
    ];
    const cutsBefore = proxy.cuts.length;
    const dropPoints = [8_000, 19_000];
    let drops = 0;
    let longestPauseMs = 0;
    let runs = 0;
    let code: number | null = null;
    proxy.faultEvery({ replies: 12 });
    for (; code !== 0 && runs < 5; runs++) {
      let last = Date.now();
      const result = await collectCli(spawnCli(args), ({ stderr }) => {
        const written = [...stderr.slice(-400).matchAll(/written ([\d,]+)/g)].at(-1)?.[1];
        if (!written) return;
        const now = Date.now();
        longestPauseMs = Math.max(longestPauseMs, now - last);
        last = now;
        while (dropPoints.length > 0 && Number(written.replaceAll(',', '')) >= dropPoints[0]!) {
          dropPoints.shift();
          drops += proxy.dropAll();
        }
      });
      code = result.code;
      expect([0, 2], result.output).toContain(code);
    }
    proxy.faultEvery(null);
    const cuts = proxy.cuts.length - cutsBefore;

    const docs = await t.db
      .collection(collection)
      .find({}, { projection: { _id: 0, key: 1, n: 1, pad: 1 } })
      .toArray();
    const distinct = new Set(docs.map((d) => d.n as number)).size;
    const wrong = docs.filter((d) => JSON.stringify(d) !== line(d.n as number)).length;
    await recordResult('network-cli', {
      records: N,
      cuts,
      drops,
      runs,
      longestPauseMs,
      lost: N - distinct,
      duplicated: docs.length - distinct,
      wrong,
    });
    expect(code).toBe(0);
    expect(cuts).toBeGreaterThanOrEqual(3);
    expect(drops).toBeGreaterThan(0);
    expect({ count: docs.length, distinct, wrong }).toEqual({ count: N, distinct: N, wrong: 0 });
  }, 360_000);
});
