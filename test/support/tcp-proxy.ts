/**
 * A fault-injecting TCP proxy in front of a real MongoDB-wire server, for reliability tests.
 * Traffic is framed as wire messages in both directions so a fault can hit one exact reply:
 * the proxy records which request ids were write commands (`insert`/`update`/`delete`, the first
 * key of the OP_MSG section-0 body) and recognises their replies by `responseTo`.
 *
 * Listens on 127.0.0.1 only, accepts a bounded number of connections, and closes itself after
 * `lifetimeMs` even if a test forgets to.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { closeOnce, listenLocal } from './close-once.js';
import { MessageFramer, opMsgCommandName, readHeader, WRITE_COMMANDS } from './wire-server.js';

export interface ProxyOptions {
  readonly target: { readonly host: string; readonly port: number };
  /** Connections over this many open at once are reset. @default 256 */
  readonly maxConnections?: number;
  /** Closes itself after this long. @default 120_000 */
  readonly lifetimeMs?: number;
}

export interface CutOptions {
  /**
   * Bytes of the reply forwarded before the socket is destroyed; clamped to the reply's
   * length - 1 so the reply is always incomplete. @default half of the reply
   */
  readonly afterBytes?: number;
  /**
   * Which replies qualify: replies to `insert`/`update`/`delete` only, or any reply (including
   * the driver's monitoring `hello`s, so the victim is then not deterministic). @default 'write'
   */
  readonly only?: 'write' | 'any';
}

export interface FaultEveryOptions extends CutOptions {
  /** Cut every Nth qualifying reply (the Nth, 2Nth, ...), counted from this call. */
  readonly replies: number;
}

/** What a cut hit. */
export interface CutEvent {
  readonly connectionId: number;
  /** The request the cut reply answered, and its command name (`insert`, `hello`, ...). */
  readonly requestId: number;
  readonly command: string | undefined;
  readonly replyLength: number;
  readonly forwardedBytes: number;
}

export interface ProxyStats {
  /** Connections accepted (including refused ones). */
  readonly connections: number;
  readonly open: number;
  readonly refused: number;
  readonly requests: number;
  readonly writeRequests: number;
  readonly replies: number;
  readonly writeReplies: number;
  readonly cutReplies: number;
  readonly dropped: number;
  readonly bytesToServer: number;
  readonly bytesToClient: number;
}

export interface TcpProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `base` with its host list replaced by the proxy's address (`mongodb://` URIs only). */
  uri(base: string): string;
  /** Destroys every open connection now; returns how many. */
  dropAll(): number;
  /**
   * When the Nth write request from now (default 1) has been read whole from the client, hands it
   * to the server, closes the server side gracefully (the server still executes it) and destroys
   * every client connection: the write is applied, the driver is left waiting for a reply that
   * never comes. Resolves with the number of connections dropped.
   */
  dropAfterWriteRequest(n?: number): Promise<number>;
  /** Cuts the next qualifying reply part-way and destroys that connection. Resolves when it happened. */
  cutNextReply(options?: CutOptions): Promise<CutEvent>;
  /** Cuts every Nth qualifying reply until called with `null`. */
  faultEvery(options: FaultEveryOptions | null): void;
  /**
   * Holds traffic on all connections for `ms` (capped at the lifetime); resolves when it flows
   * again. `toClient` holds only replies, so requests reach the server and are executed while the
   * client waits. Bytes held for a connection the client closes meanwhile are discarded.
   * @default direction 'both'
   */
  stall(ms: number, options?: { readonly direction?: 'both' | 'toServer' | 'toClient' }): Promise<void>;
  /** While on, new connections are reset as soon as they are accepted. */
  refuse(on: boolean): void;
  /** Every cut so far, in order. */
  readonly cuts: readonly CutEvent[];
  stats(): ProxyStats;
  close(): Promise<void>;
}

interface Pending {
  readonly only: 'write' | 'any';
  readonly afterBytes: number | undefined;
  readonly resolve: (event: CutEvent) => void;
}

interface Link {
  readonly id: number;
  readonly client: Socket;
  readonly upstream: Socket;
  /** request id → command name, for requests whose reply has not come yet. */
  readonly inFlight: Map<number, string | undefined>;
  readonly toServer: Buffer[];
  readonly toClient: Buffer[];
  dead: boolean;
}

export async function startProxy(options: ProxyOptions): Promise<TcpProxy> {
  const { target } = options;
  const maxConnections = options.maxConnections ?? 256;
  const lifetimeMs = options.lifetimeMs ?? 120_000;

  const links = new Set<Link>();
  const cuts: CutEvent[] = [];
  const counters = {
    connections: 0,
    refused: 0,
    requests: 0,
    writeRequests: 0,
    replies: 0,
    writeReplies: 0,
    cutReplies: 0,
    dropped: 0,
    bytesToServer: 0,
    bytesToClient: 0,
  };
  let refusing = false;
  let dropTrigger: { remaining: number; resolve: (dropped: number) => void } | undefined;
  let pending: Pending | undefined;
  let schedule: {
    every: number;
    seen: number;
    only: 'write' | 'any';
    afterBytes: number | undefined;
  } | null = null;
  /** Per direction: held until this time (ms since epoch); 0 = flowing. */
  const stalled = { toServer: 0, toClient: 0 };
  let stallTimer: NodeJS.Timeout | undefined;
  const stallWaiters: Array<() => void> = [];
  const stallResolvers: Array<() => void> = [];

  const kill = (link: Link) => {
    if (link.dead) return;
    link.dead = true;
    link.toServer.length = 0;
    link.toClient.length = 0;
    link.client.destroy();
    link.upstream.destroy();
    links.delete(link);
  };

  const flush = (link: Link) => {
    if (link.dead) return;
    const now = Date.now();
    for (const chunk of now < stalled.toServer ? [] : link.toServer.splice(0)) {
      counters.bytesToServer += chunk.length;
      link.upstream.write(chunk);
    }
    for (const chunk of now < stalled.toClient ? [] : link.toClient.splice(0)) {
      counters.bytesToClient += chunk.length;
      link.client.write(chunk);
    }
  };

  /** Decides whether this reply is cut; returns the cut length, or undefined to forward it whole. */
  const cutFor = (
    isWrite: boolean,
    length: number,
  ): { afterBytes: number; pending?: Pending } | undefined => {
    const clamp = (afterBytes: number | undefined) =>
      Math.max(0, Math.min(length - 1, afterBytes ?? Math.floor(length / 2)));
    if (pending && (pending.only === 'any' || isWrite)) {
      const hit = pending;
      pending = undefined;
      return { afterBytes: clamp(hit.afterBytes), pending: hit };
    }
    if (schedule && (schedule.only === 'any' || isWrite)) {
      schedule.seen += 1;
      if (schedule.seen % schedule.every === 0) return { afterBytes: clamp(schedule.afterBytes) };
    }
    return undefined;
  };

  const onReply = (link: Link, message: Buffer) => {
    const header = readHeader(message);
    counters.replies += 1;
    const known = link.inFlight.has(header.responseTo);
    const command = link.inFlight.get(header.responseTo);
    // An exhaust (moreToCome) stream answers one request many times; keep the entry then.
    const moreToCome = header.opCode === 2013 && (message.readUInt32LE(16) & 2) !== 0;
    if (!moreToCome) link.inFlight.delete(header.responseTo);
    const isWrite = known && command !== undefined && WRITE_COMMANDS.has(command);
    if (isWrite) counters.writeReplies += 1;
    const cut = cutFor(isWrite, message.length);
    if (!cut) {
      link.toClient.push(message);
      flush(link);
      return;
    }
    const event: CutEvent = {
      connectionId: link.id,
      requestId: header.responseTo,
      command,
      replyLength: message.length,
      forwardedBytes: cut.afterBytes,
    };
    counters.cutReplies += 1;
    cuts.push(event);
    const deliver = () => {
      if (link.dead) return;
      flush(link);
      counters.bytesToClient += cut.afterBytes;
      link.dead = true;
      links.delete(link);
      link.upstream.destroy();
      // Destroy only once the partial reply has been handed to the kernel.
      link.client.write(message.subarray(0, cut.afterBytes), () => link.client.destroy());
      cut.pending?.resolve(event);
    };
    if (Date.now() < stalled.toClient) stallWaiters.push(deliver);
    else deliver();
  };

  const server: Server = createServer((client) => {
    counters.connections += 1;
    client.on('error', () => {});
    if (refusing || links.size >= maxConnections) {
      counters.refused += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: target.host, port: target.port });
    upstream.on('error', () => {});
    const link: Link = {
      id: counters.connections,
      client,
      upstream,
      inFlight: new Map(),
      toServer: [],
      toClient: [],
      dead: false,
    };
    links.add(link);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const requests = new MessageFramer();
    const replies = new MessageFramer();
    client.on('data', (chunk: Buffer) => {
      if (link.dead) return;
      let messages: Buffer[];
      try {
        messages = requests.push(chunk);
      } catch {
        kill(link);
        return;
      }
      let dropNow = false;
      for (const message of messages) {
        counters.requests += 1;
        const command = opMsgCommandName(message);
        if (command !== undefined && WRITE_COMMANDS.has(command)) {
          counters.writeRequests += 1;
          if (dropTrigger && --dropTrigger.remaining === 0) dropNow = true;
        }
        // OP_MSG with moreToCome (w:0) expects no reply; do not wait for one.
        const noReply = readHeader(message).opCode === 2013 && (message.readUInt32LE(16) & 2) !== 0;
        if (!noReply) link.inFlight.set(readHeader(message).requestId, command);
      }
      link.toServer.push(chunk);
      flush(link);
      if (dropNow && dropTrigger) {
        const { resolve } = dropTrigger;
        dropTrigger = undefined;
        // The server gets the whole request and an orderly end; nobody reads its reply.
        link.dead = true;
        links.delete(link);
        link.upstream.end();
        setTimeout(() => link.upstream.destroy(), 30_000).unref();
        link.client.destroy();
        counters.dropped += 1;
        resolve(1 + dropAll());
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (link.dead) return;
      let messages: Buffer[];
      try {
        messages = replies.push(chunk);
      } catch {
        kill(link);
        return;
      }
      for (const message of messages) {
        if (link.dead) return;
        onReply(link, message);
      }
    });
    client.on('close', () => kill(link));
    upstream.on('close', () => kill(link));
  });
  server.unref();

  const port = await listenLocal(server);

  const releaseStall = () => {
    stallTimer = undefined;
    stalled.toServer = 0;
    stalled.toClient = 0;
    for (const link of links) flush(link);
    for (const deliver of stallWaiters.splice(0)) deliver();
    for (const resolve of stallResolvers.splice(0)) resolve();
  };

  const dropAll = () => {
    const n = links.size;
    counters.dropped += n;
    for (const link of [...links]) kill(link);
    return n;
  };

  const close = closeOnce(server, lifetimeMs, () => {
    if (stallTimer) clearTimeout(stallTimer);
    stallWaiters.length = 0;
    for (const resolveStall of stallResolvers.splice(0)) resolveStall();
    pending = undefined;
    dropTrigger = undefined;
    schedule = null;
    dropAll();
  });

  return {
    host: '127.0.0.1',
    port,
    uri(base) {
      const match = /^mongodb:\/\/([^@/?]*@)?[^/?]+(.*)$/.exec(base);
      if (!match) throw new TypeError(`Expected \`base\` to be a mongodb:// URI, got \`${base}\``);
      return `mongodb://${match[1] ?? ''}127.0.0.1:${port}${match[2] || '/'}`;
    },
    dropAll,
    dropAfterWriteRequest(n = 1) {
      if (!Number.isInteger(n) || n < 1)
        throw new TypeError(`Expected \`n\` to be an integer >= 1, got \`${n}\``);
      return new Promise<number>((resolve) => {
        dropTrigger = { remaining: n, resolve };
      });
    },
    cutNextReply(cutOptions = {}) {
      return new Promise<CutEvent>((resolve) => {
        pending = { only: cutOptions.only ?? 'write', afterBytes: cutOptions.afterBytes, resolve };
      });
    },
    faultEvery(every) {
      if (every && (!Number.isInteger(every.replies) || every.replies < 1)) {
        throw new TypeError(`Expected \`replies\` to be an integer >= 1, got \`${every.replies}\``);
      }
      schedule = every
        ? { every: every.replies, seen: 0, only: every.only ?? 'write', afterBytes: every.afterBytes }
        : null;
    },
    stall(ms, stallOptions = {}) {
      const direction = stallOptions.direction ?? 'both';
      const until = Date.now() + Math.max(0, Math.min(ms, lifetimeMs));
      if (direction !== 'toClient') stalled.toServer = Math.max(stalled.toServer, until);
      if (direction !== 'toServer') stalled.toClient = Math.max(stalled.toClient, until);
      if (stallTimer) clearTimeout(stallTimer);
      stallTimer = setTimeout(releaseStall, Math.max(stalled.toServer, stalled.toClient) - Date.now());
      stallTimer.unref();
      return new Promise<void>((resolve) => stallResolvers.push(resolve));
    },
    refuse(on) {
      refusing = on;
    },
    cuts,
    stats: () => ({ ...counters, open: links.size }),
    close,
  };
}
