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
