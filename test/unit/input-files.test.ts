import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { fileCommand, fileDeadLetterPath } from '../../src/cli/import-files.js';
import { checkInputArgs, expandInputs, isFileList, patternRegExp } from '../../src/cli/input-files.js';
import { deadLetterLine } from '../../src/stream/dead-letter.js';
import { forgetLettersAfter } from '../../src/stream/dead-letter-resume.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-input-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const name of [
  'a.ndjson',
  'b.ndjson',
  'ab.ndjson',
  '.hidden.ndjson',
  'x.csv',
  'a.ndjson.rejected.ndjson',
])
  writeFileSync(join(dir, name), '{}\n');
mkdirSync(join(dir, 'sub.ndjson'));

describe('input patterns', () => {
  it('* and ? match within a file name, not a leading dot', () => {
    expect(patternRegExp('*.ndjson').test('a.ndjson')).toBe(true);
    expect(patternRegExp('*.ndjson').test('.hidden.ndjson')).toBe(false);
    expect(patternRegExp('.*.ndjson').test('.hidden.ndjson')).toBe(true);
    expect(patternRegExp('?.ndjson').test('ab.ndjson')).toBe(false);
    expect(patternRegExp('a(1).ndjson').test('a(1).ndjson')).toBe(true);
  });

  it('a pattern or several paths are a list; one path is one file', () => {
    expect(isFileList(['a.ndjson'])).toBe(false);
    expect(isFileList(['data/*.ndjson'])).toBe(true);
    expect(isFileList(['a.ndjson', 'b.ndjson'])).toBe(true);
  });

  it('expands to sorted absolute paths, each once, without directories or dead-letter files', async () => {
    const { files, problems } = await expandInputs([join(dir, '*.ndjson'), join(dir, 'a.ndjson')]);
    expect(problems).toEqual([]);
    expect(files).toEqual(['a.ndjson', 'ab.ndjson', 'b.ndjson'].map((n) => join(dir, n)));
  });

  it('reports a missing file and a pattern matching nothing', async () => {
    const { problems } = await expandInputs([join(dir, 'nope.ndjson'), join(dir, 'z*.ndjson')]);
    expect(problems).toEqual([
      `<file>: cannot read ${join(dir, 'nope.ndjson')}: no such file`,
      `<file>: expected ${JSON.stringify(join(dir, 'z*.ndjson'))} to match a file, received none`,
    ]);
  });

  it('refuses a pattern in a directory name, mixed formats and a checkpoint file for a list', () => {
    const problems: string[] = [];
    checkInputArgs(['d*/a.ndjson', 'b.csv'], { checkpoint: 'cp.json' }, problems);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/file name only/);
    expect(problems[1]).toMatch(/^--checkpoint:/);
    expect(problems[2]).toMatch(/^--format:/);
  });
});

describe('one file of a list', () => {
  it('is imported whole, with its own dead-letter file', () => {
    const command = parseCli([
      'import',
      'a.ndjson',
      'b.ndjson',
      '--uri',
      'mongodb://h/',
      '--db',
      'd',
      '--collection',
      'c',
      '--partition',
      '1/2',
      '--dead-letter',
      'bad.ndjson',
    ]);
    if (command.command !== 'import') throw new Error('expected an import');
    expect(command.files).toEqual(['a.ndjson', 'b.ndjson']);
    const one = fileCommand(command, '/data/b.ndjson');
    expect(one).toMatchObject({
      file: '/data/b.ndjson',
      files: ['a.ndjson', 'b.ndjson'],
      shares: { partition: { index: 0, count: 1 } },
    });
    expect(one.deadLetter).toBe(fileDeadLetterPath('bad.ndjson', '/data/b.ndjson'));
    expect(one.deadLetter).toMatch(/bad\.b\.ndjson\.ndjson$/);
  });
});

describe('the dead letters of a file of a list', () => {
  it('name the file, and a resume still forgets those after its checkpoint', async () => {
    const path = join(dir, 'letters.ndjson');
    const reason = { kind: 'parse', code: 'BW_PARSE_JSON', message: 'x' } as const;
    writeFileSync(
      path,
      [3, 9]
        .map((position) =>
          deadLetterLine({ position, line: position, file: '/data/a.ndjson', reason, record: '{' }),
        )
        .join(''),
    );
    await forgetLettersAfter(path, 5);
    const kept = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(kept).toEqual([{ position: 3, line: 3, file: '/data/a.ndjson', reason, record: '{' }]);
  });
});
