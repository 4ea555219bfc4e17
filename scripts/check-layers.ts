/**
 * Fails when an import in src/ points up the layer stack or two folders import each other, and
 * when a file outgrows what can be read at once. Run by `npm run lint`; docs/architecture.md
 * explains the layers.
 *
 * A folder may import only from folders listed before it (and from itself). Reading imports by
 * regex is enough here: our sources use static `import … from '…'` / `export … from '…'` only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Bottom first. Each entry may import the entries before it. */
export const layers = [
  'core',
  'model',
  'plan',
  'report',
  'execute',
  'retry',
  'verbs',
  'stream',
  'sync',
  'migrate',
  'cli',
] as const;

/**
 * Where the driver is called (docs/architecture.md, "Where the driver is called"). Writes of user
 * data go through execute/ only; the files below store our own state (checkpoints, backups) or
 * read, and own that I/O. A call is spotted by its method name on a collection, client or session.
 */
const driverWrites =
  /\.(bulkWrite|insertOne|insertMany|updateOne|updateMany|replaceOne|deleteOne|deleteMany|findOneAndUpdate|findOneAndReplace|findOneAndDelete|drop)\(/;
const driverReads =
  /\.(findOne|aggregate|distinct|countDocuments|estimatedDocumentCount|listCollections|watch)\(|\.find\(\s*[^(\s]|\.command\(\s*\{/;
const driverSessions = /\.(startSession|withTransaction)\(/;
const ownStateStores = [
  'stream/checkpoint.ts',
  'stream/share-checkpoint.ts',
  'migrate/id-checkpoint.ts',
  'migrate/backup.ts',
  'migrate/rollback.ts',
];
const readers = [
  ...ownStateStores,
  'retry/confirm-inserts.ts',
  'stream/replayed-inserts.ts',
  'stream/export.ts',
  'migrate/read-page.ts',
  'sync/sync.ts',
];
const transactions = ['verbs/run-bulk.ts'];

function driverProblem(path: string, text: string): string | undefined {
  if (path.startsWith('execute/')) return undefined;
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  if (driverWrites.test(code) && !ownStateStores.includes(path))
    return 'writes through the driver outside execute/';
  if (driverReads.test(code) && !readers.includes(path))
    return 'reads through the driver and is not a listed reader';
  if (driverSessions.test(code) && !transactions.includes(path))
    return 'opens a session outside the listed transaction runner';
  return undefined;
}

const maxLines = 250;
const maxMedian = 100;

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The layer a file belongs to: its top folder under src/ (`src/index.ts` is above all). */
function layerOf(file: string): string | undefined {
  const [top, ...rest] = relative(src, file).split('/');
  return rest.length === 0 ? undefined : top;
}

const problems: string[] = [];
const lineCounts: number[] = [];
const folderEdges = new Set<string>();

for (const file of files(src)) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  lineCounts.push(lines);
  const name = relative(root, file);
  if (lines > maxLines) problems.push(`${name}: ${lines} lines (at most ${maxLines})`);
  const driver = driverProblem(relative(src, file), text);
  if (driver) problems.push(`${name}: ${driver}`);
  const from = layerOf(file);
  if (from === undefined) continue;
  const rank = layers.indexOf(from as (typeof layers)[number]);
  if (rank < 0) {
    problems.push(`${name}: folder src/${from} is not in the layer list of scripts/check-layers.ts`);
    continue;
  }
  for (const match of text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)) {
    const target = resolve(dirname(file), match[1]!);
    const to = layerOf(target);
    if (to === undefined) {
      problems.push(`${name}: imports src/index.ts (the public surface), which no layer may use`);
    } else if (to !== from) {
      folderEdges.add(`${from}>${to}`);
      const toRank = layers.indexOf(to as (typeof layers)[number]);
      if (toRank > rank)
        problems.push(`${name}: ${from}/ imports ${relative(src, target)}, a layer above it`);
    }
  }
}

for (const edge of folderEdges) {
  const [a, b] = edge.split('>');
  if (a! < b! && folderEdges.has(`${b}>${a}`)) problems.push(`folders ${a}/ and ${b}/ import each other`);
}

lineCounts.sort((x, y) => x - y);
const median = lineCounts[Math.floor(lineCounts.length / 2)] ?? 0;
if (median >= maxMedian) problems.push(`median file length ${median} lines (under ${maxMedian} expected)`);

if (problems.length > 0) {
  console.error(`check-layers: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `check-layers: ${lineCounts.length} files in src/, layers ${layers.join(' < ')}, none over ${maxLines} lines, median ${median}`,
);
