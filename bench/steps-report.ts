/**
 * docs/performance.md's "What each change bought": the newest bench/results/profile-steps-*.json
 * (bench/profile-steps.ts), one row per commit measured, medians and min–max over its runs. What
 * each step changed is said in STEP_CHANGES (explanations.ts), in words; every figure is from the file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './children.js';
import { STEP_CHANGES } from './explanations.js';
import { median } from './measure.js';
import type { ProfileSteps, StepRun } from './profile-steps.js';

export interface StepsFile {
  readonly data: ProfileSteps;
  readonly source: string;
}

/** The newest profile-steps results file, if any. */
export function latestSteps(): StepsFile | undefined {
  const dir = join(root, 'bench', 'results');
  const name = readdirSync(dir)
    .filter((f) => f.startsWith('profile-steps-') && f.endsWith('.json'))
    .sort()
    .at(-1);
  if (!name) return undefined;
  return {
    data: JSON.parse(readFileSync(join(dir, name), 'utf8')) as ProfileSteps,
    source: `bench/results/${name}`,
  };
}

function spread(values: readonly number[], digits: number): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}

export function renderSteps(p: (...lines: string[]) => void, { data, source }: StepsFile): void {
  const of = (step: string, key: keyof StepRun) =>
    data.trials.filter((t) => t.step === step).map((t) => t[key] as number);
  const plainCpu = median(of('plain-loop', 'cpuUsPerRecord'));
  p(
    '',
    '## What each change bought',
    '',
    `The compiled CLI at each commit of the work, against the plain loop, importing ${data.records.toLocaleString('en')} ` +
      `small NDJSON records: ${data.runs} runs, the ${Object.keys(data.steps).length} programs in a fresh random order ` +
      `in each, with V8’s GC trace (\`--trace-gc-nvp\`); ${data.settings}. Medians (min–max). ${data.server}, ` +
      `${data.machine.cores} × ${data.machine.cpuModel}, Node ${data.machine.node}, ${data.startedAt.slice(0, 16)}Z, ` +
      `load at start ${data.loadAtStart.map((x) => x.toFixed(2)).join(' / ')}. ` +
      'A diagnostic run beside the full one (it is smaller, and measures whole processes, start-up included): ' +
      `\`node --import tsx bench/profile-steps.ts --records ${data.records} --runs ${data.runs} ` +
      `${Object.entries(data.steps)
        .filter(([label]) => label !== 'plain-loop')
        .map(([label, commit]) => `${label}=${commit.slice(0, 7)}`)
        .join(' ')}\`.`,
    '',
    '| program | commit | what changed | client CPU µs/record | vs plain loop | peak RSS MB | GC pauses ms | promoted to old space MB | docs/s |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const [step, commit] of Object.entries(data.steps)) {
    const cpu = of(step, 'cpuUsPerRecord');
    p(
      `| ${step} | ${step === 'plain-loop' ? '–' : `\`${commit.slice(0, 7)}\``} | ${STEP_CHANGES[step] ?? ''} | ` +
        `${spread(cpu, 2)} | ${(median(cpu) / plainCpu).toFixed(2)}x | ${spread(of(step, 'peakRssMB'), 0)} | ` +
        `${spread(of(step, 'gcPauseMs'), 0)} | ${spread(of(step, 'promotedMB'), 1)} | ${spread(of(step, 'docsPerSecond'), 0)} |`,
    );
  }
  p('', `Every run is in [${source.split('/').at(-1)}](../${source}).`);
}
