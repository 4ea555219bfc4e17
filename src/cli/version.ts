import { readFileSync } from 'node:fs';

/** The package's version, for `--version` (read from package.json; "unknown" if it cannot be). */
export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
