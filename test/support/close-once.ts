import type { Server } from 'node:net';

/**
 * The teardown the scripted server and the proxy share: `close()` stops listening, runs `release`
 * (drop connections, settle waiters) and resolves once the server has closed; it also runs by
 * itself after `lifetimeMs`, so a test that forgets it leaves nothing listening.
 */
export function closeOnce(server: Server, lifetimeMs: number, release: () => void): () => Promise<void> {
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      release();
    });
    return closed;
  };
  const lifetime = setTimeout(() => void close(), lifetimeMs);
  lifetime.unref();
  return close;
}

/** Listens on a free port of 127.0.0.1 and resolves to it (the server and the proxy start alike). */
export async function listenLocal(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
