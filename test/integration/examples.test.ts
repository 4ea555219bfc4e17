/** Every example in examples/ runs against the test server and exits 0 (each checks its own result). */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, inject, it } from 'vitest';

const examples = readdirSync('examples').filter((f) => f.endsWith('.ts'));

it.each(examples)(
  'examples/%s runs and gets the report it expects',
  { timeout: 120_000 },
  async (example) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', `examples/${example}`],
      { env: { ...process.env, MONGODB_URI: inject('mongoUri') } },
    );
    expect(stdout.length).toBeGreaterThan(0);
  },
);
