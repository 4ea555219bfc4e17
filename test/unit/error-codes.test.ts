/**
 * Every error the library throws is a BulkwrightError with a code from the one catalogue, and
 * every `BW_*` code in the sources is listed in it.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineModel, ErrorCode, fileCheckpoint, readNdjson } from '../../src/index.js';
import { deadLetterFile } from '../../src/stream/dead-letter.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-codes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const coded = (code: ErrorCode) => expect.objectContaining({ name: 'BulkwrightError', code });

describe('error codes', () => {
  it('an unbound model throws BW_MODEL_UNBOUND', () => {
    const model = defineModel({ collection: 'loose', schema: z.object({ a: z.string() }) });
    expect(() => model.collection()).toThrow(coded(ErrorCode.ModelUnbound));
  });

  it('a corrupt checkpoint file throws BW_CHECKPOINT_CORRUPT', async () => {
    const path = join(dir, 'corrupt.json');
    await writeFile(path, '{"position": "twelve"');
    await expect(fileCheckpoint(path).load()).rejects.toThrow(coded(ErrorCode.CheckpointCorrupt));
  });

  it('a write to a closed dead-letter file throws BW_DEAD_LETTER_CLOSED', async () => {
    const sink = deadLetterFile(join(dir, 'dead.ndjson'));
    await sink.close();
    const letter = {
      position: 1,
      record: {},
      reason: { kind: 'parse', code: 'BW_PARSE_JSON', message: 'x' },
    };
    await expect(Promise.resolve().then(() => sink.write(letter as never))).rejects.toThrow(
      coded(ErrorCode.DeadLetterClosed),
    );
  });

  it('a source yielding neither text nor bytes throws BW_INVALID_SOURCE', async () => {
    const read = async () => {
      for await (const _ of readNdjson(
        (async function* () {
          yield 42 as never;
        })(),
      )) {
        // drained
      }
    };
    await expect(read()).rejects.toThrow(coded(ErrorCode.InvalidSource));
  });

  it('an option error is BW_INVALID_OPTION', () => {
    expect(() => defineModel(null as never)).toThrow(coded(ErrorCode.InvalidOption));
  });

  it('lists every BW_* code the sources use, each once', async () => {
    const values: string[] = Object.values(ErrorCode);
    expect(new Set(values).size).toBe(values.length);
    for (const value of values) expect(value).toMatch(/^BW_[A-Z_]+$/);
    const used = new Set<string>();
    const files = (await readdir('src', { recursive: true })).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      const text = await readFile(join('src', file), 'utf8');
      for (const match of text.matchAll(/'(BW_[A-Z_]+)'/g)) used.add(match[1]!);
    }
    expect([...used].filter((code) => !values.includes(code))).toEqual([]);
  });
});
