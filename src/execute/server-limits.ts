import type { Db, MongoClient } from 'mongodb';

export interface ServerLimits {
  readonly maxWriteBatchSize: number;
  readonly maxBsonObjectSize: number;
  readonly maxMessageSizeBytes: number;
  /** A replica set member or a mongos: multi-document transactions are possible. */
  readonly transactions: boolean;
  /** 25 and up (MongoDB 8.0+): the client-level `bulkWrite` command across collections. */
  readonly maxWireVersion: number;
}

const cache = new WeakMap<MongoClient, Promise<ServerLimits>>();

/** The limits from `hello`, asked once per client. */
export function serverLimits(db: Db): Promise<ServerLimits> {
  let limits = cache.get(db.client);
  if (!limits) {
    limits = db
      .admin()
      .command({ hello: 1 })
      .then((hello) => ({
        maxWriteBatchSize: Number(hello.maxWriteBatchSize ?? 100_000),
        maxBsonObjectSize: Number(hello.maxBsonObjectSize ?? 16 * 1024 * 1024),
        maxMessageSizeBytes: Number(hello.maxMessageSizeBytes ?? 48_000_000),
        transactions: typeof hello.setName === 'string' || hello.msg === 'isdbgrid',
        maxWireVersion: Number(hello.maxWireVersion ?? 0),
      }));
    limits.catch(() => cache.delete(db.client));
    cache.set(db.client, limits);
  }
  return limits;
}
