import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { type CliCommand, type ImportCommand, parseCli, UsageError } from '../../src/cli/args.js';
import { progressLine, progressMode } from '../../src/cli/progress.js';

const URI = 'mongodb://127.0.0.1:27017';
const base = ['import', 'people.ndjson', '--uri', URI, '--db', 'app', '--collection', 'people'];

function parseImport(...extra: string[]): ImportCommand {
  const command = parseCli([...base, ...extra], {});
  if (command.command !== 'import') throw new Error(`expected an import, got ${command.command}`);
  return command;
}

/** The problems parseCli reports, one string per problem. */
function problems(argv: string[], env: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    parseCli(argv, env);
  } catch (error) {
    if (error instanceof UsageError) return error.problems;
    throw error;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('import options', () => {
  it('resolves defaults without touching the file (it may not exist yet)', () => {
    expect(parseImport()).toEqual({
      command: 'import',
      file: 'people.ndjson',
      files: ['people.ndjson'],
      uri: URI,
      db: 'app',
      collection: 'people',
      format: 'ndjson',
      mode: 'insert',
      ordered: false,
      checkpoint: { kind: 'collection' },
      resume: false,
      dryRun: false,
      quiet: false,
      json: false,
      progressIntervalMs: 5000,
      shares: { partition: { index: 0, count: 1 } },
      columnsHaveTypes: false,
      ignoreBlanks: false,
      batchTimeoutMs: 60_000,
    } satisfies CliCommand);
  });

  it('takes every option', () => {
    const command = parseImport(
      '--model',
      './models/person.js#Person',
      '--format',
      'csv',
      '--mode',
      'merge',
      '--upsert-fields',
      ' email , tenant.id ,email',
      '--batch-size',
      '500',
      '--concurrency',
      '4',
      '--ordered',
      '--dead-letter',
      'bad.ndjson',
      '--checkpoint',
      'ckpt.json',
      '--resume',
      '--quiet',
      '--json',
      '--progress-interval',
      '0.5',
    );
    expect(command).toMatchObject({
      model: { specifier: './models/person.js', exportName: 'Person' },
      format: 'csv',
      mode: 'merge',
      upsertFields: ['email', 'tenant.id'],
      batchSize: 500,
      concurrency: 4,
      ordered: true,
      deadLetter: 'bad.ndjson',
      checkpoint: { kind: 'file', path: 'ckpt.json' },
      resume: true,
      quiet: true,
      json: true,
      progressIntervalMs: 500,
    });
  });

  it('takes the format from the extension, else needs --format; CSV options go with CSV', () => {
    expect(parseCli(['import', 'a.CSV', '--uri', URI, '--db', 'd', '--collection', 'c'], {})).toMatchObject({
      format: 'csv',
    });
    expect(parseCli(['import', 'a.jsonl', '--uri', URI, '--db', 'd', '--collection', 'c'], {})).toMatchObject(
      {
        format: 'ndjson',
      },
    );
    expect(parseCli(['import', 'a.json', '--uri', URI, '--db', 'd', '--collection', 'c'], {})).toMatchObject({
      format: 'json',
    });
    expect(problems(['import', 'dump.txt', '--uri', URI, '--db', 'd', '--collection', 'c'])).toEqual([
      '--format: expected one of ndjson, csv, json (the extension of the file does not tell), received nothing',
    ]);
    expect(
      parseCli(['import', 'dump.txt', '--format', 'csv', '--uri', URI, '--db', 'd', '--collection', 'c'], {}),
    ).toMatchObject({ format: 'csv' });
    expect(parseImport('--format', 'csv', '--delimiter', '\\t', '--columns', 'a, b.c')).toMatchObject({
      delimiter: '\t',
      columns: ['a', 'b.c'],
    });
    expect(parseImport('--format', 'csv', '--delimiter', ';')).toMatchObject({ delimiter: ';' });
    expect(problems([...base, '--format', 'csv', '--delimiter', '::'])).toEqual([
      '--delimiter: expected one character other than a quote or a line break (\\t for a tab), received "::"',
    ]);
    expect(problems([...base, '--columns', 'a,b'])).toEqual([
      '--columns: expected with CSV input, received --format ndjson',
    ]);
    expect(
      parseImport('--format', 'csv', '--types', 'age:number, born:date,address.zip:string'),
    ).toMatchObject({
      types: { age: 'number', born: 'date', 'address.zip': 'string' },
    });
    expect(problems([...base, '--format', 'csv', '--types', 'age:int'])).toEqual([
      '--types: expected comma-separated field:type pairs, each type one of string, number, boolean, date, json, received "age:int"',
    ]);
    expect(problems([...base, '--types', 'age:number'])).toEqual([
      '--types: expected with CSV input, received --format ndjson',
    ]);
    expect(problems([...base, '--format', 'csv', '--columns', 'a,a'])).toEqual([
      '--columns: expected field names without repeats, received "a,a"',
    ]);
  });

  it('reads the connection string from MONGODB_URI, and --uri wins over it', () => {
    const argv = ['import', 'f.ndjson', '--db', 'app', '--collection', 'c'];
    expect(parseCli(argv, { MONGODB_URI: 'mongodb://env:1' })).toMatchObject({ uri: 'mongodb://env:1' });
    expect(parseCli([...argv, '--uri', URI], { MONGODB_URI: 'mongodb://env:1' })).toMatchObject({ uri: URI });
    expect(problems(argv)).toEqual([
      '--uri: expected a connection string (mongodb:// or mongodb+srv://) in --uri or in MONGODB_URI, received neither',
    ]);
  });

  it('rejects a URI of another scheme without showing its password', () => {
    const [problem] = problems([
      'import',
      'f',
      '--uri',
      'postgres://u:hunter22@h',
      '--db',
      'a',
      '--collection',
      'c',
    ]);
    expect(problem).toBe(
      '--uri: expected a connection string starting with mongodb:// or mongodb+srv://, received "postgres://***@h"',
    );
    const [noScheme] = problems([
      'import',
      'f',
      '--uri',
      'admin:hunter22@db:27017',
      '--db',
      'a',
      '--collection',
      'c',
    ]);
    expect(noScheme).toBe(
      '--uri: expected a connection string starting with mongodb:// or mongodb+srv://, received "***@db:27017"',
    );
    const [fromEnv] = problems(['import', 'f', '--db', 'a', '--collection', 'c'], {
      MONGODB_URI: 'localhost:27017',
    });
    expect(fromEnv).toMatch(/^MONGODB_URI: expected a connection string/);
    const [spaced] = problems([
      'import',
      'f',
      '--uri',
      'mongodb://u:hunter22@h x',
      '--db',
      'a',
      '--collection',
      'c',
    ]);
    expect(spaced).not.toContain('hunter22');
  });

  it('reports every bad option at once, each with its name, what it expects and what it got', () => {
    expect(
      problems([
        'import',
        'f.ndjson',
        '--uri',
        URI,
        '--db',
        'my.db',
        '--collection',
        'system.users',
        '--format',
        'xml',
        '--mode',
        'replace',
        '--batch-size',
        '0',
        '--concurrency',
        'lots',
        '--ordered',
        '--unordered',
      ]),
    ).toEqual([
      '--db: expected a database name without any of / \\ . space " $ * < > : | ?, received "my.db"',
      '--collection: expected a collection name not starting with "system.", received "system.users"',
      '--format: expected one of ndjson, csv, json, received "xml"',
      '--mode: expected one of insert, upsert, merge, delete, received "replace"',
      '--batch-size: expected an integer from 1 to 100000, received "0"',
      '--concurrency: expected an integer from 1 to 64, received "lots"',
      '--ordered, --unordered: expected one of them, received both',
    ]);
  });

  it.each([
    ['--batch-size', '100001', 'an integer from 1 to 100000'],
    ['--batch-size', '1.5', 'an integer from 1 to 100000'],
    ['--batch-size', '-3', 'an integer from 1 to 100000'],
    ['--concurrency', '65', 'an integer from 1 to 64'],
    ['--max-rate', '0', 'an integer from 1 to 10000000'],
    ['--max-rate', 'fast', 'an integer from 1 to 10000000'],
    ['--progress-interval', '-1', 'a number of seconds from 0 to 86400'],
    ['--progress-interval', 'soon', 'a number of seconds from 0 to 86400'],
  ])('rejects %s %s', (option, value, expected) => {
    expect(problems([...base, option, value])).toEqual([
      `${option}: expected ${expected}, received "${value}"`,
    ]);
  });

  it('takes --max-rate as documents per second', () => {
    expect(parseImport('--max-rate', '250').maxRate).toBe(250);
    expect(parseImport().maxRate).toBeUndefined();
  });

  it('needs a collection unless a model gives one', () => {
    const argv = ['import', 'f.ndjson', '--uri', URI, '--db', 'app'];
    expect(problems(argv)).toEqual([
      '--collection: expected a collection name (or pass --model to use its collection), received nothing',
    ]);
    expect(parseCli([...argv, '--model', 'm.js'], {})).toMatchObject({ model: { specifier: 'm.js' } });
    expect(parseCli([...argv, '--model', 'm.js'], {})).not.toHaveProperty('collection');
    expect(problems([...argv, '--model', 'm.js#not-a-name'])).toEqual([
      '--model: expected an export name after # (a JavaScript identifier), received "m.js#not-a-name"',
    ]);
  });

  it('checks upsert fields and that they go with upsert or merge', () => {
    expect(problems([...base, '--upsert-fields', 'email'])).toEqual([
      '--upsert-fields: expected with --mode upsert, merge or delete, received --mode insert',
    ]);
    expect(problems([...base, '--mode', 'upsert', '--upsert-fields', 'a,,b'])).toEqual([
      '--upsert-fields: expected comma-separated field names, none empty, received "a,,b"',
    ]);
    expect(problems([...base, '--mode', 'upsert', '--upsert-fields', '$where'])[0]).toMatch(/leading \$/);
    expect(parseImport('--mode', 'upsert')).not.toHaveProperty('upsertFields');
  });

  it('resumes only from a checkpoint, and a dry run keeps none', () => {
    expect(problems([...base, '--resume', '--no-checkpoint'])).toEqual([
      '--resume: expected a checkpoint to resume from, received --no-checkpoint',
    ]);
    expect(problems([...base, '--resume', '--dry-run'])).toEqual([
      '--resume: expected a run that writes, received --dry-run',
    ]);
    expect(parseImport('--no-checkpoint').checkpoint).toEqual({ kind: 'none' });
    expect(parseImport('--dry-run')).toMatchObject({ dryRun: true, checkpoint: { kind: 'none' } });
  });

  it('turns commander errors into usage errors, and hides passwords they quote', () => {
    expect(problems(['import'])).toEqual(["missing required argument 'files'"]);
    expect(problems([])[0]).toMatch(/^a command is required: import or export/);
    expect(problems(['frobnicate'])[0]).toMatch(/unknown command 'frobnicate'/);
    // Several files are one import (see input-files.test.ts), not too many arguments.
    expect(parseCli([...base, 'extra.ndjson'], {})).toMatchObject({ files: [base[1], 'extra.ndjson'] });
    const [unknown] = problems([...base, '--urri=mongodb://u:hunter22@h']);
    expect(unknown).toBe("unknown option '--urri=mongodb://***@h'");
  });

  it('answers --help and --version with exit code 0', () => {
    const help = parseCli(['import', '--help'], {});
    expect(help).toMatchObject({ command: 'exit', code: 0 });
    expect(help.command === 'exit' && help.output).toContain('--upsert-fields <fields>');
    expect(parseCli(['--version'], {})).toMatchObject({
      command: 'exit',
      code: 0,
      output: expect.stringMatching(/^\d/),
    });
  });
});

describe('export options', () => {
  const exportBase = ['export', '--uri', URI, '--db', 'app', '--collection', 'people'];

  it('parses the filter, projection and sort as Extended JSON', () => {
    const command = parseCli(
      [
        ...exportBase,
        '--filter',
        '{"_id":{"$oid":"507f1f77bcf86cd799439011"},"age":{"$gte":18}}',
        '--projection',
        '{"name":1}',
        '--sort',
        '{"age":-1}',
        '--out',
        'people.ndjson',
      ],
      {},
    );
    expect(command).toMatchObject({
      command: 'export',
      filter: { _id: new ObjectId('507f1f77bcf86cd799439011'), age: { $gte: 18 } },
      projection: { name: 1 },
      sort: { age: -1 },
      out: 'people.ndjson',
    });
    expect(parseCli(exportBase, {})).toMatchObject({ filter: {}, ejson: 'relaxed', quiet: false });
    expect(parseCli([...exportBase, '--limit', '10', '--ejson', 'canonical'], {})).toMatchObject({
      limit: 10,
      ejson: 'canonical',
    });
    expect(problems([...exportBase, '--limit', '0', '--ejson', 'strict'])).toEqual([
      '--limit: expected an integer from 1 to 9007199254740991, received "0"',
      '--ejson: expected one of relaxed, canonical, received "strict"',
    ]);
  });

  it('rejects a filter that is not a JSON object', () => {
    expect(problems([...exportBase, '--filter', '[1]'])).toEqual([
      '--filter: expected a JSON object (Extended JSON allowed), received "[1]"',
    ]);
    expect(problems([...exportBase, '--filter', '{age: 3}'])).toEqual([
      '--filter: expected a JSON object (Extended JSON allowed), received "{age: 3}"',
    ]);
  });

  it('needs a collection', () => {
    expect(problems(['export', '--uri', URI, '--db', 'app'])).toEqual([
      '--collection: expected a collection name, received nothing',
    ]);
  });
});

describe('progress mode', () => {
  it('draws a bar only on a terminal, plain lines elsewhere, nothing with --quiet', () => {
    expect(progressMode({ quiet: false, isTTY: true, term: 'xterm-256color' })).toBe('bar');
    expect(progressMode({ quiet: false, isTTY: true, term: 'dumb' })).toBe('lines');
    expect(progressMode({ quiet: false, isTTY: undefined })).toBe('lines');
    expect(progressMode({ quiet: true, isTTY: true })).toBe('off');
  });

  it('prints a plain line with docs/s, and a bytes-based ETA when the size is known', () => {
    const progress = {
      type: 'progress',
      read: 25_000,
      written: 24_990,
      inserted: 24_990,
      upserted: 0,
      matched: 0,
      deleted: 0,
      rejected: 10,
      skipped: 0,
      position: 25_000,
      bytesRead: 2_500_000,
      elapsedMs: 10_000,
      docsPerSecond: 2500,
    } as const;
    expect(progressLine(progress, 10_000_000)).toBe(
      'progress: read 25,000 | written 24,990 | rejected 10 | 2,500 docs/s | 25.0% of 10.0 MB | ETA 30s',
    );
    expect(progressLine(progress, undefined)).toBe(
      'progress: read 25,000 | written 24,990 | rejected 10 | 2,500 docs/s',
    );
  });
});
