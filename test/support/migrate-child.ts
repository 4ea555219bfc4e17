/**
 * A child process that runs `migrate` or `rollback` of the migration fixture and prints one line
 * per batch, so a test can SIGKILL it mid-way. Args: <uri> <db> <collection> <migrate|rollback> <batchSize>.
 */
import { MongoClient } from 'mongodb';
import { migrate, rollback } from '../../src/index.js';
import { itemModel, transformItem } from '../fixtures/migration.js';

const [uri, dbName, collection, mode, batch] = process.argv.slice(2);
const client = await MongoClient.connect(uri!);
const model = itemModel(client.db(dbName), collection!);
const batchSize = Number(batch);
const onBatch = (p: { scanned: number }) => console.log(`batch ${p.scanned}`);
const report =
  mode === 'rollback'
    ? await rollback(model, collection!, { batchSize, onBatch })
    : await migrate(model, { id: collection!, transform: transformItem, backup: true, batchSize, onBatch });
console.log(`done ${report.ok}`);
await client.close();
