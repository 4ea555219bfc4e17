/**
 * Options reach the driver, or are refused: what a verb is given either goes into the write
 * commands (seen here with the driver's command monitoring) or throws before any I/O.
 */
import { type CommandStartedEvent, type Document, MongoClient } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  bulkDelete,
  bulkInsert,
  bulkUpdate,
  bulkWrite,
  ErrorCode,
  retryFailed,
  streamInsert,
} from '../../src/index.js';
import { user, usersModel } from '../fixtures/models.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('driver_options');
let client: MongoClient;
const started: CommandStartedEvent[] = [];
const writes = () => started.filter((e) => ['insert', 'update', 'delete'].includes(e.commandName));

beforeAll(async () => {
  client = await MongoClient.connect(t.uri, { monitorCommands: true });
  client.on('commandStarted', (event) => started.push(event));
});
afterAll(async () => {
  await client?.close();
});
beforeEach(() => {
  started.length = 0;
});

const model = (name: string) => usersModel(client.db(t.db.databaseName), name);
const invalidOption = expect.objectContaining({ name: 'BulkwrightError', code: ErrorCode.InvalidOption });

describe('driver options', () => {
  it('sends comment, let, bypassDocumentValidation, writeConcern and the session with every write command', async () => {
    const users = await model('passed');
    const session = client.startSession();
    try {
      const options = {
        comment: 'bw-options-test',
        bypassDocumentValidation: true,
        writeConcern: { w: 1 },
        session,
      };
      await bulkInsert(users, [user(1), user(2)], options);
      await bulkUpdate(
        users,
        [{ updateOne: { filter: { email: 'user1@example.com' }, update: { $set: { age: 7 } } } }],
        { ...options, let: { minAge: 1 } },
      );
      await bulkDelete(users, [{ deleteOne: { filter: { email: 'user2@example.com' } } }], {
        ...options,
        let: { minAge: 2 },
      });
    } finally {
      await session.endSession();
    }
    const commands = writes().map((e) => e.command as Document);
    expect(commands.map((c) => Object.keys(c)[0])).toEqual(['insert', 'update', 'delete']);
    for (const command of commands) {
      expect(command).toMatchObject({ comment: 'bw-options-test', writeConcern: { w: 1 } });
      expect(command.lsid?.id?.toString('hex')).toBe(session.id?.id.toString('hex'));
    }
    // The driver sends bypassDocumentValidation with the commands that take it (not delete).
    expect(commands[0]!.bypassDocumentValidation).toBe(true);
    expect(commands[1]!.bypassDocumentValidation).toBe(true);
    expect(commands[0]!.let).toBeUndefined();
    expect(commands[1]!.let).toEqual({ minAge: 1 });
    expect(commands[2]!.let).toEqual({ minAge: 2 });
  });

  it('refuses a misspelled option name before sending anything, instead of running ordered', async () => {
    const users = await model('misspelled');
    await expect(bulkInsert(users, [user(1)], { orderd: false } as never)).rejects.toThrow(
      'Unknown option `orderd`',
    );
    await expect(bulkWrite(users, [], { retry: { attemps: 3 } } as never)).rejects.toThrow(invalidOption);
    await expect(bulkDelete(users, [], { hrad: true } as never)).rejects.toThrow(invalidOption);
    expect(writes()).toEqual([]);
    expect(await users.collection().countDocuments()).toBe(0);
  });

  it('streamInsert refuses an unknown option name', async () => {
    const users = await model('stream_misspelled');
    const run = streamInsert(users, [user(1)], { batchsize: 10 } as never);
    await expect(run.next()).rejects.toThrow(invalidOption);
    expect(writes()).toEqual([]);
  });

  it('retryFailed checks its options with the verbs’ checks, before any I/O', async () => {
    const users = await model('retry_failed');
    const report = await bulkInsert(users, [user(1)]);
    started.length = 0;
    for (const options of [
      { batchSize: 0 },
      { concurrency: 0 },
      { retry: { attempts: 0 } },
      { throwOnFailure: 'yes' },
      { retries: 2 },
    ]) {
      await expect(retryFailed(users, report, options as never), JSON.stringify(options)).rejects.toThrow(
        invalidOption,
      );
    }
    expect(started).toEqual([]);
  });
});
