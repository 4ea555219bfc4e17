/** Opening the connection and the input file, each failing with one clear message (exit 2). */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { FatalError, messageOf, type Output } from './output.js';

/** Driver options that give a quick, clear failure on a wrong host, unless the URI sets them. */
function clientOptions(uri: string): MongoClientOptions {
  const options: MongoClientOptions = {};
  if (!/[?&]serverSelectionTimeoutMS=/i.test(uri)) options.serverSelectionTimeoutMS = 10_000;
  if (!/[?&]appName=/i.test(uri)) options.appName = 'bulkwright';
  return options;
}

export async function connect(uri: string, output: Output): Promise<MongoClient> {
  let client: MongoClient;
  try {
    client = new MongoClient(uri, clientOptions(uri));
  } catch (error) {
    throw new FatalError(`--uri: ${messageOf(error)}`);
  }
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => {});
    throw new FatalError(`cannot connect to ${output.redact(uri)}: ${messageOf(error)}`);
  }
  return client;
}

export async function checkReadable(file: string): Promise<void> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a regular file');
    await access(file, constants.R_OK);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : messageOf(error);
    throw new FatalError(`<file>: cannot read ${file}: ${reason}`);
  }
}
