import { describe, expect, it } from 'vitest';
import { runCliHere } from '../support/cli.js';

describe('runCli in-process', () => {
  it('prints the version on its own stdout and resolves to 0, without exiting the process', async () => {
    const run = await runCliHere(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.stderr).toBe('');
  });

  it('reports every usage problem on its own stderr and resolves to 2, before any I/O', async () => {
    const run = await runCliHere(['import', 'x.ndjson', '--batch-size', '0'], { env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bulkwright: --uri: expected a connection string');
    expect(run.stderr).toContain(
      'bulkwright: --batch-size: expected an integer from 1 to 100000, received "0"',
    );
    expect(run.stdout).toBe('');
  });
});
