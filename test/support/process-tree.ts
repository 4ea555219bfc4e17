/** The child processes of a process, from /proc (Linux): for tests that kill one child of the CLI. */
import { readdirSync, readFileSync } from 'node:fs';

/** `commandLine` keeps only children whose command line passes (tsx's esbuild service is a child too). */
export function findChildren(parent: number, commandLine?: (args: string) => boolean): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid (after "pid (comm) state").
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== parent) continue;
      if (commandLine && !commandLine(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')))
        continue;
      children.push(Number(entry));
    } catch {}
  }
  return children.sort((a, b) => a - b);
}
