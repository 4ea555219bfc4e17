/**
 * What the server under test can do, found by trying it (never by its name). A test that needs
 * MongoDB's behaviour on one of these points calls `requires(ctx, 'name')`, which skips it with the
 * deviation spelled out when the server lacks it. docs/testing.md lists them and the tests they skip.
 */
import { MongoClient, MongoServerError } from 'mongodb';

export interface Capabilities {
  /** A write inside `withTransaction` commits, and an aborted one leaves nothing behind. */
  transactions: boolean;
  /** A failing update op is a `writeErrors` entry at its own index, and an unordered batch goes on. */
  perOpUpdateErrors: boolean;
  /** `upserted[].index` is the op's position in the batch, not the count of upserts so far. */
  upsertIndexByOp: boolean;
  /** A collection's `$jsonSchema` validator rejects an invalid insert. */
  validators: boolean;
  /** Field names with `.` or a leading `$` are stored (MongoDB 5.0+). */
  dottedFieldNames: boolean;
}

export const deviations: Record<keyof Capabilities, string> = {
  transactions:
    'the server cannot commit a multi-document transaction (FerretDB v1.24 rejects writes inside one: "unknown field autocommit")',
  perOpUpdateErrors:
    'the server turns a failing update op into one command error at index 0 and stops the batch even when unordered (FerretDB v1.24)',
  upsertIndexByOp:
    'the server reports upserted[].index as the count of upserts so far, not the op position (FerretDB v1.24)',
  validators: 'the server does not enforce collection validators (FerretDB v1.24)',
  dottedFieldNames: 'the server rejects field names containing "." or starting with "$" (FerretDB v1.24)',
};

export async function probeCapabilities(uri: string): Promise<Capabilities> {
  const client = await MongoClient.connect(uri);
  const db = client.db(`bulkwright_probe_${process.pid}`);
  try {
    return {
      transactions: await probe(async () => {
        const c = db.collection('tx');
        await client.withSession((session) =>
          session.withTransaction(async () => {
            await c.insertOne({ _id: 1 } as never, { session });
          }),
        );
        return (await c.countDocuments({ _id: 1 } as never)) === 1;
      }),
      perOpUpdateErrors: await probe(async () => {
        const c = db.collection('upd');
        await c.insertMany([
          { _id: 1, n: 1 },
          { _id: 2, n: 'text' },
          { _id: 3, n: 1 },
        ] as never);
        try {
          await c.bulkWrite(
            [1, 2, 3].map((id) => ({
              updateOne: { filter: { _id: id }, update: { $inc: { n: 1 } } },
            })) as never,
            { ordered: false },
          );
          return false;
        } catch (error) {
          const errors = (error as { writeErrors?: { index: number }[] }).writeErrors ?? [];
          const third = await c.findOne({ _id: 3 } as never);
          return errors.length === 1 && errors[0]!.index === 1 && third?.n === 2;
        }
      }),
      upsertIndexByOp: await probe(async () => {
        const c = db.collection('ups');
        await c.insertOne({ _id: 1 } as never);
        const result = await c.bulkWrite([
          { updateOne: { filter: { _id: 1 }, update: { $set: { a: 1 } }, upsert: true } },
          { updateOne: { filter: { _id: 2 }, update: { $set: { a: 1 } }, upsert: true } },
        ] as never);
        return Object.keys(result.upsertedIds).join() === '1';
      }),
      validators: await probe(async () => {
        const c = await db.createCollection('val', {
          validator: { $jsonSchema: { required: ['name'] } },
        });
        try {
          await c.insertOne({ other: 1 });
          return false;
        } catch (error) {
          return error instanceof MongoServerError && error.code === 121;
        }
      }),
      dottedFieldNames: await probe(async () => {
        await db.collection('dots').insertOne({ 'a.b': 1, $c: 2 });
        return true;
      }),
    };
  } finally {
    await db.dropDatabase().catch(() => {});
    await client.close();
  }
}

async function probe(fn: () => Promise<boolean>): Promise<boolean> {
  try {
    return await fn();
  } catch {
    return false;
  }
}
