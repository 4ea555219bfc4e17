/** Per-file access to the server the global setup found: a client and a database of its own. */
import { randomBytes } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, inject, type TestContext } from 'vitest';
import { type Capabilities, deviations } from './capabilities.js';

export interface TestDb {
  readonly client: MongoClient;
  readonly db: Db;
  readonly uri: string;
}

/**
 * Registers a connect in beforeAll and a drop in afterAll for the calling test file, and returns
 * an object whose `client` and `db` are usable from the first test on.
 */
export function useTestDb(label: string): TestDb {
  const uri = inject('mongoUri');
  const name = `bw_${label.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`.slice(0, 60);
  const state = { uri } as { client: MongoClient; db: Db; uri: string };
  beforeAll(async () => {
    state.client = await MongoClient.connect(uri);
    state.db = state.client.db(name);
  });
  afterAll(async () => {
    await state.db?.dropDatabase().catch(() => {});
    await state.client?.close();
  });
  return state;
}

export function hasCapability(capability: keyof Capabilities): boolean {
  return inject('capabilities')[capability];
}

/** Skips the running test, naming the server's deviation, when it lacks a capability. */
export function requires(ctx: TestContext, capability: keyof Capabilities): void {
  if (!hasCapability(capability)) ctx.skip(`needs ${capability}: ${deviations[capability]}`);
}
