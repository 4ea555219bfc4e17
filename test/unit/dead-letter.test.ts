import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  combineSinks,
  deadLetterCallback,
  deadLetterFile,
  deadLetterLine,
} from '../../src/stream/dead-letter.js';
import { readNdjson } from '../../src/stream/sources/ndjson.js';
import type { DeadLetter, DeadLetterSink } from '../../src/stream/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-dead-letter-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const letter = (position: number, record: unknown): DeadLetter => ({
  position,
  record,
  reason: {
    kind: 'validation',
    code: 'BW_VALIDATION',
    message: 'bad',
    issues: [{ path: ['age'], message: 'nope', code: 'custom' }],
  },
});

describe('deadLetterFile', () => {
  it('writes one {position, reason, record} line per letter, creating directories, and appends', async () => {
    const path = join(dir, 'nested', 'deeper', 'rejects.ndjson');
    const first = deadLetterFile(path);
    await first.write(letter(3, '{"age":-1}'));
    await first.close();
    const second = deadLetterFile(path);
    await second.write(letter(9, { age: 'x' }));
    await second.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({
      position: 3,
      reason: letter(3, '').reason,
      record: '{"age":-1}',
    });
    expect(Object.keys(JSON.parse(lines[1]!))).toEqual(['position', 'reason', 'record']);
  });

  it('writes BSON values as Extended JSON that readNdjson reads back with their types', async () => {
    const path = join(dir, 'bson.ndjson');
    const record = {
      _id: new BSON.ObjectId(),
      at: new Date('2024-02-03T04:05:06.789Z'),
      price: BSON.Decimal128.fromString('9.99'),
    };
    const sink = deadLetterFile(path);
    await sink.write({
      ...letter(1, record),
      reason: { kind: 'duplicateKey', code: 11000, message: 'dup', keyValue: { _id: record._id } },
    });
    await sink.close();
    const read = [];
    for await (const line of readNdjson(path)) read.push(line.value);
    expect(read).toEqual([
      {
        position: 1,
        reason: { kind: 'duplicateKey', code: 11000, message: 'dup', keyValue: { _id: record._id } },
        record,
      },
    ]);
  });

  it('keeps every letter, in order, when many writes are in flight at once', async () => {
    const path = join(dir, 'many.ndjson');
    const sink = deadLetterFile(path);
    const big = 'x'.repeat(2000);
    await Promise.all(Array.from({ length: 2000 }, (_, i) => sink.write(letter(i + 1, { big }))));
    await sink.close();
    const positions = (await readFile(path, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { position: number }).position);
    expect(positions).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
  });

  it('creates no file when nothing was written, and refuses writes after close', async () => {
    const path = join(dir, 'never.ndjson');
    const sink = deadLetterFile(path);
    await sink.close();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(sink.write(letter(1, {}))).rejects.toThrow('is closed');
  });

  it('fails the write when the file cannot be opened', async () => {
    const blocker = join(dir, 'a-file');
    const sink = deadLetterFile(join(dir, 'never.ndjson'));
    await sink.close();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(blocker, '');
    await expect(deadLetterFile(join(blocker, 'x.ndjson')).write(letter(1, {}))).rejects.toMatchObject({
      code: expect.stringMatching(/ENOTDIR|EEXIST/),
    });
  });

  it('on resume, forgets the letters after the checkpoint (the resumed run writes them again), keeps the rest', async () => {
    const path = join(dir, 'resume', 'rejected.ndjson');
    const first = deadLetterFile(path);
    for (const position of [3, 5, 8, 12]) await first.write(letter(position, { n: position }));
    await first.close();
    const resumed = deadLetterFile(path);
    await resumed.resume?.(5);
    await resumed.write(letter(8, { n: 8 }));
    await resumed.close();
    const positions = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { position: number }).position);
    expect(positions).toEqual([3, 5, 8]);
    // Nothing to forget, or no file yet: a no-op.
    await deadLetterFile(path).resume?.(100);
    await deadLetterFile(join(dir, 'resume', 'none.ndjson')).resume?.(0);
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(3);
  });

  it('rejects a bad path before any I/O', () => {
    expect(() => deadLetterFile('')).toThrow('Expected `path` to be a non-empty file path, got "" (string)');
  });
});

describe('deadLetterLine', () => {
  it('keeps a record Extended JSON cannot encode as text instead of throwing', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const parsed = JSON.parse(deadLetterLine(letter(5, circular))) as Record<string, unknown>;
    expect(parsed.position).toBe(5);
    expect(parsed.record).toContain('[Circular');
    expect(parsed.unserializable).toEqual(expect.any(String));
  });
});

describe('deadLetterCallback and combineSinks', () => {
  it('hands every letter to the callback and every sink, and closes them all', async () => {
    const seen: DeadLetter[] = [];
    const closed: string[] = [];
    const other: DeadLetterSink = {
      write: async (l) => {
        seen.push(l);
      },
      close: async () => {
        closed.push('other');
      },
    };
    const combined = combineSinks(
      deadLetterCallback((l) => void seen.push(l)),
      other,
    );
    await combined.write(letter(1, 'a'));
    await combined.close();
    expect(seen.map((l) => l.position)).toEqual([1, 1]);
    expect(closed).toEqual(['other']);
  });

  it('fails the write when one sink fails, and still closes the others when one close fails', async () => {
    const closed: string[] = [];
    const failing: DeadLetterSink = {
      write: () => {
        throw new Error('disk full');
      },
      close: async () => {
        throw new Error('close failed');
      },
    };
    const fine: DeadLetterSink = { write: () => {}, close: async () => void closed.push('fine') };
    const combined = combineSinks(failing, fine);
    await expect(combined.write(letter(1, 'a'))).rejects.toThrow('disk full');
    await expect(combined.close()).rejects.toThrow('close failed');
    expect(closed).toEqual(['fine']);
  });

  it('rejects what is not a sink', () => {
    expect(() => combineSinks({} as DeadLetterSink)).toThrow('Expected `sinks[0]` to be a DeadLetterSink');
    expect(() => deadLetterCallback('x' as unknown as () => void)).toThrow('Expected `fn` to be a function');
  });
});
