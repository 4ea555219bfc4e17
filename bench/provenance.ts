/** What a results file must say about where its figures come from, and the per-run shuffle. */
import { spawnSync } from 'node:child_process';
import { root } from './children.js';

export interface SourceInfo {
  /** The commit the benchmarked source was at. */
  readonly commit: string;
  /** Uncommitted changes under src/ or bench/ were benchmarked too: the commit alone does not say what ran. */
  readonly dirty: boolean;
}

export function sourceInfo(): SourceInfo {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const head = git('rev-parse', 'HEAD');
  const status = git('status', '--porcelain', '--', 'src', 'bench', 'package.json', 'package-lock.json');
  return {
    commit: head.status === 0 ? head.stdout.trim() : 'unknown',
    dirty: status.status !== 0 || status.stdout.trim() !== '',
  };
}

/** A fresh random order (Fisher–Yates); the trials record the order they ran in. */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
