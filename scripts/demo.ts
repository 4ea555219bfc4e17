/**
 * `npm run demo`: generates 200,000 realistic orders as NDJSON (nested customer, line items,
 * dates, and a few deliberately bad rows), imports them with the bulkwright CLI into the default
 * server (MONGODB_URI, mongodb-memory-server, or FerretDB — the tests' resolution), then prints
 * the summary and where the rejected records went.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const count = Number(process.env.DEMO_RECORDS ?? 200_000);
const outDir = join(root, 'demo-output');
const file = join(outDir, 'orders.ndjson');
const deadLetter = join(outDir, 'orders.rejected.ndjson');

const cities = [
  ['Oslo', 'NO'],
  ['Lyon', 'FR'],
  ['Osaka', 'JP'],
  ['Porto', 'PT'],
  ['Quito', 'EC'],
  ['Accra', 'GH'],
] as const;
const statuses = ['pending', 'paid', 'shipped', 'cancelled'] as const;

/** A small deterministic generator, so every run imports the same data. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Deliberately bad rows, one kind each, spread through the file. */
function badRow(i: number): string | undefined {
  if (i % 40_007 === 11) return `{"orderId": "ord-${i}", "status": "paid", `; // truncated JSON
  if (i % 50_021 === 23)
    return JSON.stringify({ orderId: `ord-${i}`, status: 'lost', placedAt: 'yesterday' }); // schema-invalid
  if (i % 45_013 === 37) return line(i - 1); // duplicate orderId
  return undefined;
}

function line(i: number): string {
  const r = random(i);
  const [city, country] = cities[Math.floor(r() * cities.length)]!;
  const items = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, k) => ({
    sku: `sku-${(i * 7 + k) % 5000}`,
    qty: 1 + Math.floor(r() * 5),
    price: Math.round(r() * 10_000) / 100,
  }));
  return JSON.stringify({
    orderId: `ord-${i}`,
    status: statuses[Math.floor(r() * statuses.length)],
    placedAt: { $date: new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 300 * 86_400_000)).toISOString() },
    customer: {
      name: `Customer ${i % 9973}`,
      email: `customer${i % 9973}@example.com`,
      address: { city, country },
    },
    items,
    total: Math.round(items.reduce((sum, it) => sum + it.qty * it.price, 0) * 100) / 100,
  });
}

async function generate(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  rmSync(deadLetter, { force: true });
  const out = createWriteStream(file);
  for (let i = 1; i <= count; i++) {
    if (!out.write(`${badRow(i) ?? line(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<number> {
  console.log(`demo: generating ${count.toLocaleString('en')} orders into ${relative(process.cwd(), file)}`);
  await generate();
  const server = await startServer((l) => console.log(`demo: ${l}`));
  console.log(`demo: server ${server.description}`);
  try {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'src/cli/main.ts'),
        'import',
        file,
        '--uri',
        server.uri,
        '--db',
        'bulkwright_demo',
        '--model',
        join(root, 'examples/models/order.ts'),
        '--unordered',
        '--batch-size',
        '1000',
        '--concurrency',
        '4',
        '--dead-letter',
        deadLetter,
        '--no-checkpoint',
      ],
      { stdio: 'inherit', cwd: root },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    console.log(
      `demo: rejected records (with line numbers and reasons): ${relative(process.cwd(), deadLetter)}`,
    );
    console.log('demo: exit code %d (0 all written, 1 finished with rejected records, 2 fatal)', code);
    // The bad rows are deliberate: finishing with them rejected is the demo working.
    return code === 0 || code === 1 ? 0 : 1;
  } finally {
    await server.stop();
  }
}

process.exitCode = await main();
