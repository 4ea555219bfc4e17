import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as api from '../../src/index.js';

it('exports at run time exactly the values docs/api.md lists', () => {
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| area'));
  // The second column of the table holds the values (functions, classes, constants).
  const listed = rows.flatMap((row) => [...(row.split('|')[2] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]));
  expect(Object.keys(api).sort()).toEqual([...new Set(listed)].sort());
});
