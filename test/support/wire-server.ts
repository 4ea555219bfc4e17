/**
 * A scripted MongoDB wire-protocol server for fault tests: enough of OP_MSG (and the OP_QUERY
 * `isMaster` handshake the driver opens every connection with) for driver 7 to connect to it as a
 * standalone or, on request, as a replica-set primary. Writes (`insert`/`update`/`delete`) go to a
 * script that decides the reply, so a test can produce any server answer the driver must handle.
 *
 * Listens on 127.0.0.1 only, accepts a bounded number of connections, and closes itself after
 * `lifetimeMs` even if a test forgets to.
 */
import { createServer, type Socket } from 'node:net';
import { BSON, type Document, ObjectId } from 'mongodb';
import { closeOnce, listenLocal } from './close-once.js';

// ---------------------------------------------------------------------------------------------
// Wire framing, shared with tcp-proxy.ts
// ---------------------------------------------------------------------------------------------

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;
export const HEADER_SIZE = 16;
/** Larger than any message a server accepts (48 MB); anything longer is a framing error. */
const MAX_MESSAGE = 64 * 1024 * 1024;

export interface MessageHeader {
  readonly length: number;
  readonly requestId: number;
  readonly responseTo: number;
  readonly opCode: number;
}

export function readHeader(message: Buffer): MessageHeader {
  return {
    length: message.readInt32LE(0),
    requestId: message.readInt32LE(4),
    responseTo: message.readInt32LE(8),
    opCode: message.readInt32LE(12),
  };
}

/** Cuts a byte stream into whole wire messages (each starts with its int32 length). */
export class MessageFramer {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Adds bytes; returns the messages completed by them, in order. Throws on a bad length. */
  push(chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const messages: Buffer[] = [];
    while (this.#buffered >= 4) {
      if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
      const head = this.#chunks[0]!;
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE) throw new Error(`bad wire message length ${length}`);
      if (head.length < length) break;
      messages.push(head.subarray(0, length));
      const rest = head.subarray(length);
      this.#chunks = rest.length ? [rest] : [];
      this.#buffered = rest.length;
    }
    return messages;
  }
}

/**
 * The name of the command in an OP_MSG request (the first key of its section-0 body), read
 * without deserializing the body; undefined for other op codes or malformed messages.
 */
export function opMsgCommandName(message: Buffer): string | undefined {
  if (message.length < HEADER_SIZE + 4 + 1 + 5 + 2 || message.readInt32LE(12) !== OP_MSG) return undefined;
  let at = HEADER_SIZE + 4;
  // Section 0 is not required to come first; find it.
  while (at < message.length) {
    const kind = message[at]!;
    at += 1;
    if (kind === 0) {
      const nameStart = at + 5; // int32 size + element type byte
      const nameEnd = message.indexOf(0, nameStart);
      return nameEnd > nameStart ? message.toString('utf8', nameStart, nameEnd) : undefined;
    }
    if (kind !== 1) return undefined;
    at += message.readInt32LE(at);
  }
  return undefined;
}

export const WRITE_COMMANDS: ReadonlySet<string> = new Set(['insert', 'update', 'delete']);

/** An OP_MSG request, parsed: section-0 body, kind-1 document sequences, flags. */
export interface OpMsgRequest {
  readonly header: MessageHeader;
  readonly flags: number;
  readonly moreToCome: boolean;
  readonly body: Document;
  readonly sequences: Readonly<Record<string, Document[]>>;
}

export function parseOpMsg(message: Buffer): OpMsgRequest {
  const header = readHeader(message);
  const flags = message.readUInt32LE(HEADER_SIZE);
  const end = flags & 1 ? message.length - 4 : message.length; // checksumPresent
  let at = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  while (at < end) {
    const kind = message[at]!;
    at += 1;
    const size = message.readInt32LE(at);
    if (kind === 0) {
      body = BSON.deserialize(message.subarray(at, at + size));
    } else if (kind === 1) {
      const sectionEnd = at + size;
      const nameEnd = message.indexOf(0, at + 4);
      const name = message.toString('utf8', at + 4, nameEnd);
      const docs: Document[] = [];
      let doc = nameEnd + 1;
      while (doc < sectionEnd) {
        const docSize = message.readInt32LE(doc);
        docs.push(BSON.deserialize(message.subarray(doc, doc + docSize)));
        doc += docSize;
      }
      sequences[name] = docs;
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
    at += size;
  }
  if (!body) throw new Error('OP_MSG without a section-0 body');
  return { header, flags, moreToCome: (flags & 2) !== 0, body, sequences };
}

let nextRequestId = 1;

export function encodeOpMsg(responseTo: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const message = Buffer.alloc(HEADER_SIZE + 4 + 1 + body.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(nextRequestId++, 4);
  message.writeInt32LE(responseTo, 8);
  message.writeInt32LE(OP_MSG, 12);
  message.writeUInt32LE(0, 16);
  message[20] = 0;
  message.set(body, 21);
  return message;
}

function encodeOpReply(responseTo: number, doc: Document): Buffer {
  const body = BSON.serialize(doc);
  const message = Buffer.alloc(HEADER_SIZE + 20 + body.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(nextRequestId++, 4);
  message.writeInt32LE(responseTo, 8);
  message.writeInt32LE(OP_REPLY, 12);
  // responseFlags, cursorID (int64), startingFrom: all 0; numberReturned: 1
  message.writeInt32LE(1, HEADER_SIZE + 16);
  message.set(body, HEADER_SIZE + 20);
  return message;
}

/** The query document of an OP_QUERY (the legacy handshake); undefined if malformed. */
function parseOpQuery(message: Buffer): Document | undefined {
  const nsEnd = message.indexOf(0, HEADER_SIZE + 4);
  if (nsEnd < 0) return undefined;
  const at = nsEnd + 1 + 8; // numberToSkip, numberToReturn
  return BSON.deserialize(message.subarray(at, at + message.readInt32LE(at)));
}

// ---------------------------------------------------------------------------------------------
// The scripted server
// ---------------------------------------------------------------------------------------------

export type WriteCommandName = 'insert' | 'update' | 'delete';

/** A write command as the server received it. */
export interface ReceivedWrite {
  readonly name: WriteCommandName;
  readonly collection: string;
  readonly db: string;
  /** `documents`, `updates` or `deletes`, whether they came in section 0 or a kind-1 sequence. */
  readonly ops: Document[];
  /** Whether the ops arrived as an OP_MSG kind-1 document sequence. */
  readonly fromSequence: boolean;
  readonly ordered: boolean;
  /** The section-0 body (without the ops when they came as a sequence). */
  readonly body: Document;
  readonly requestId: number;
  readonly connectionId: number;
}

export interface ScriptContext {
  /** 0-based position of this write among all write commands the server received. */
  readonly writeIndex: number;
  readonly connectionId: number;
  /** Return this from the script to close the socket instead of answering. */
  readonly close: typeof CLOSE_SOCKET;
  /** The reply a real server gives when every op succeeds: `{ ok: 1, n: ops.length }`. */
  okReply(): Document;
}

/** A script's answer: a reply document, or `CLOSE_SOCKET` to drop the connection unanswered. */
export type ScriptReply = Document | typeof CLOSE_SOCKET;
export type WriteScript = (command: ReceivedWrite, ctx: ScriptContext) => ScriptReply | Promise<ScriptReply>;

export const CLOSE_SOCKET: unique symbol = Symbol('close socket');

export interface HelloContext {
  readonly connectionId: number;
  /** 0-based count of hellos answered so far (handshakes and monitor checks). */
  readonly helloIndex: number;
  /** `isMaster` for the OP_QUERY handshake, `hello` otherwise. */
  readonly command: string;
}

/** Fields merged over the default hello reply; a function is asked for each hello. */
export type HelloScript = Document | ((ctx: HelloContext) => Document);

/** Answers a command other than hello/ping/buildInfo and the writes; undefined: CommandNotFound. */
export type CommandScript = (name: string, body: Document) => Document | undefined;

/** A server behaviour as a whole: a write script, other commands, and a topology (see mongod-profile.ts). */
export interface ServerProfile {
  readonly script: WriteScript;
  readonly commands: CommandScript;
  readonly topology: 'standalone' | 'replicaSetPrimary';
}

export interface ScriptedServerOptions {
  /** Answers writes and other commands as a server does; `script`/`topology` given here win. */
  readonly profile?: ServerProfile;
  /** Decides the reply to each write. Default: `ctx.okReply()`. */
  readonly script?: WriteScript;
  /** Fields over the default hello reply (e.g. `{ maxWriteBatchSize: 10 }`). */
  readonly hello?: HelloScript;
  /**
   * `standalone` (no `setName`; the driver never retries writes) or `replicaSetPrimary`
   * (`setName: 'rs0'`, the driver treats it as a primary and retryable writes apply).
   * @default 'standalone'
   */
  readonly topology?: 'standalone' | 'replicaSetPrimary';
  /**
   * Answers any other command (e.g. `saslStart`, to refuse authentication); return `undefined`
   * to fall back to the default (`CommandNotFound`).
   */
  readonly command?: (name: string, body: Document) => Document | undefined;
  /** @default 64 */
  readonly maxConnections?: number;
  /** Closes itself after this long. @default 60_000 */
  readonly lifetimeMs?: number;
  /** Answers the client-level `bulkWrite` command (MongoDB 8.0). Default: `clientBulkWriteReply(command)`. */
  readonly clientBulkWrite?: ClientBulkWriteScript;
}

export interface ScriptedServerStats {
  readonly connections: number;
  readonly open: number;
  readonly hellos: number;
  readonly writes: number;
  readonly commands: Readonly<Record<string, number>>;
}

export interface ScriptedServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /**
   * `mongodb://127.0.0.1:<port>/?directConnection=true` for a standalone, `...?replicaSet=rs0` for
   * a replica-set primary (so a hello saying "secondary" makes writes wait for a primary, as in a
   * real step-down), plus `params` (e.g. `retryWrites: false`).
   */
  uri(params?: Record<string, string | number | boolean>): string;
  /** Every write command received, in arrival order. */
  readonly writes: readonly ReceivedWrite[];
  /** Every client-level `bulkWrite` command received, in arrival order. */
  readonly clientBulkWrites: readonly ReceivedClientBulkWrite[];
  setScript(script: WriteScript): void;
  /** Replaces the hello fields from the next hello on (e.g. to simulate "primary came back"). */
  setHello(hello: HelloScript): void;
  stats(): ScriptedServerStats;
  /** Destroys every open connection; the server keeps listening. */
  dropAll(): number;
  close(): Promise<void>;
}

const defaultScript: WriteScript = (_command, ctx) => ctx.okReply();

const OPS_FIELD: Record<WriteCommandName, string> = {
  insert: 'documents',
  update: 'updates',
  delete: 'deletes',
};

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  let script = options.script ?? options.profile?.script ?? defaultScript;
  let hello: HelloScript = options.hello ?? {};
  const topology = options.topology ?? options.profile?.topology ?? 'standalone';
  const otherCommand = options.profile?.commands ?? (() => undefined);
  const maxConnections = options.maxConnections ?? 64;
  const lifetimeMs = options.lifetimeMs ?? 60_000;

  const sockets = new Set<Socket>();
  const writes: ReceivedWrite[] = [];
  const clientBulkWrites: ReceivedClientBulkWrite[] = [];
  const commands: Record<string, number> = {};
  let connections = 0;
  let hellos = 0;
  let port = 0;
  const electionId = new ObjectId();

  const helloReply = (connectionId: number, command: string): Document => {
    const patch = typeof hello === 'function' ? hello({ connectionId, helloIndex: hellos, command }) : hello;
    hellos += 1;
    const me = `127.0.0.1:${port}`;
    const base: Document = {
      helloOk: true,
      isWritablePrimary: true,
      ismaster: true,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId,
      minWireVersion: 0,
      maxWireVersion: 21,
      readOnly: false,
      ...(topology === 'replicaSetPrimary'
        ? { setName: 'rs0', setVersion: 1, hosts: [me], primary: me, me, secondary: false, electionId }
        : {}),
    };
    const merged = { ...base, ...patch, ok: patch.ok ?? 1 };
    if ('isWritablePrimary' in patch && !('ismaster' in patch)) merged.ismaster = patch.isWritablePrimary;
    return merged;
  };

  const answerCommand = async (request: OpMsgRequest, connectionId: number): Promise<ScriptReply> => {
    const name = Object.keys(request.body)[0] ?? '';
    commands[name] = (commands[name] ?? 0) + 1;
    switch (name.toLowerCase()) {
      case 'hello':
      case 'ismaster':
        return helloReply(connectionId, name);
      case 'ping':
      case 'endsessions':
        return { ok: 1 };
      case 'buildinfo':
        return { version: '7.0.0', versionArray: [7, 0, 0, 0], bits: 64, maxBsonObjectSize: 16777216, ok: 1 };
      case 'bulkwrite':
        return answerClientBulkWrite(request, options.clientBulkWrite, clientBulkWrites);
      case 'insert':
      case 'update':
      case 'delete': {
        const writeName = name as WriteCommandName;
        const field = OPS_FIELD[writeName];
        const sequence = request.sequences[field];
        const ops: Document[] = sequence ?? (request.body[field] as Document[] | undefined) ?? [];
        const received: ReceivedWrite = {
          name: writeName,
          collection: String(request.body[name]),
          db: String(request.body.$db ?? ''),
          ops,
          fromSequence: sequence !== undefined,
          ordered: request.body.ordered !== false,
          body: request.body,
          requestId: request.header.requestId,
          connectionId,
        };
        const writeIndex = writes.length;
        writes.push(received);
        return script(received, {
          writeIndex,
          connectionId,
          close: CLOSE_SOCKET,
          okReply: () => ({ ok: 1, n: ops.length }),
        });
      }
      default:
        return (
          options.command?.(name, request.body) ??
          otherCommand(name, request.body) ?? {
            ok: 0,
            code: 59,
            codeName: 'CommandNotFound',
            errmsg: `no such command: '${name}'`,
          }
        );
    }
  };

  const server = createServer((socket) => {
    connections += 1;
    if (sockets.size >= maxConnections) {
      socket.destroy();
      return;
    }
    const connectionId = connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const framer = new MessageFramer();
    // Requests on one connection are answered in order, even when a script is async.
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const message of messages) {
        queue = queue.then(async () => {
          if (socket.destroyed) return;
          const header = readHeader(message);
          if (header.opCode === OP_QUERY) {
            const query = parseOpQuery(message);
            const name = query ? (Object.keys(query)[0] ?? '') : '';
            commands[name] = (commands[name] ?? 0) + 1;
            const reply =
              name.toLowerCase() === 'ismaster' || name === 'hello'
                ? helloReply(connectionId, name)
                : { ok: 0, code: 59, codeName: 'CommandNotFound', errmsg: `OP_QUERY ${name}` };
            socket.write(encodeOpReply(header.requestId, reply));
            return;
          }
          if (header.opCode !== OP_MSG) {
            socket.destroy();
            return;
          }
          const request = parseOpMsg(message);
          const reply = await answerCommand(request, connectionId).catch(
            (error: unknown): Document => ({
              ok: 0,
              code: 1,
              codeName: 'InternalError',
              errmsg: `script threw: ${error instanceof Error ? error.message : String(error)}`,
            }),
          );
          if (reply === CLOSE_SOCKET) {
            socket.destroy();
            return;
          }
          if (!request.moreToCome && !socket.destroyed) socket.write(encodeOpMsg(header.requestId, reply));
        });
      }
    });
  });
  server.unref();

  port = await listenLocal(server);

  const dropAll = () => {
    const n = sockets.size;
    for (const socket of sockets) socket.destroy();
    return n;
  };
  const close = closeOnce(server, lifetimeMs, dropAll);

  return {
    host: '127.0.0.1',
    port,
    uri(params = {}) {
      const query = new URLSearchParams(
        topology === 'standalone' ? { directConnection: 'true' } : { replicaSet: 'rs0' },
      );
      for (const [key, value] of Object.entries(params)) query.set(key, String(value));
      return `mongodb://127.0.0.1:${port}/?${query}`;
    },
    writes,
    clientBulkWrites,
    setScript(next) {
      script = next;
    },
    setHello(next) {
      hello = next;
    },
    stats: () => ({
      connections,
      open: sockets.size,
      hellos,
      writes: writes.length,
      commands: { ...commands },
    }),
    dropAll,
    close,
  };
}

// ---------------------------------------------------------------------------------------------
// The client-level bulkWrite command (MongoDB 8.0), self-contained
// ---------------------------------------------------------------------------------------------

/** A client-level `bulkWrite` command: ops name their namespace by position in `nsInfo`. */
export interface ReceivedClientBulkWrite {
  /** Each op: `{ insert: nsIndex, document }`, `{ update: nsIndex, filter, updateMods, … }`, `{ delete: nsIndex, filter, … }`. */
  readonly ops: Document[];
  /** `db.collection` of each namespace index. */
  readonly namespaces: string[];
  readonly ordered: boolean;
  readonly errorsOnly: boolean;
  readonly body: Document;
}

/** Per-op answer: omit for success, or `{ code, errmsg }` for a write error. */
export type ClientBulkWriteScript = (command: ReceivedClientBulkWrite) => Document;

/**
 * The reply the server documents for `bulkWrite`: a cursor whose batch holds one result per op
 * (`{ ok: 1, idx, n, nModified?, upserted? }`, or `{ ok: 0, idx, code, errmsg }`), and the totals
 * `nErrors`, `nInserted`, `nMatched`, `nModified`, `nUpserted`, `nDeleted`. `errors` maps an op
 * index to its error; an ordered command stops at the first one.
 */
export function clientBulkWriteReply(
  command: ReceivedClientBulkWrite,
  errors: ReadonlyMap<number, { code: number; errmsg: string }> = new Map(),
): Document {
  const totals = { nInserted: 0, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 };
  const results: Document[] = [];
  for (let idx = 0; idx < command.ops.length; idx++) {
    const error = errors.get(idx);
    if (error) {
      results.push({ ok: 0, idx, code: error.code, errmsg: error.errmsg });
      if (command.ordered) break;
      continue;
    }
    const op = command.ops[idx]!;
    if ('insert' in op) {
      totals.nInserted += 1;
      results.push({ ok: 1, idx, n: 1 });
    } else if ('update' in op) {
      totals.nMatched += 1;
      totals.nModified += 1;
      results.push({ ok: 1, idx, n: 1, nModified: 1 });
    } else {
      totals.nDeleted += 1;
      results.push({ ok: 1, idx, n: 1 });
    }
  }
  const firstBatch = command.errorsOnly ? results.filter((r) => r.ok === 0) : results;
  return {
    ok: 1,
    cursor: { id: 0n, firstBatch, ns: 'admin.$cmd.bulkWrite' },
    nErrors: errors.size > 0 ? results.filter((r) => r.ok === 0).length : 0,
    ...totals,
  };
}

function answerClientBulkWrite(
  request: OpMsgRequest,
  script: ClientBulkWriteScript | undefined,
  received: ReceivedClientBulkWrite[],
): Document {
  const ops = request.sequences.ops ?? (request.body.ops as Document[] | undefined) ?? [];
  const nsInfo = request.sequences.nsInfo ?? (request.body.nsInfo as Document[] | undefined) ?? [];
  const command: ReceivedClientBulkWrite = {
    ops,
    namespaces: nsInfo.map((n) => String(n.ns)),
    ordered: request.body.ordered !== false,
    errorsOnly: request.body.errorsOnly === true,
    body: request.body,
  };
  received.push(command);
  return (script ?? clientBulkWriteReply)(command);
}
