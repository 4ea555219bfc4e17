/**
 * Keeps the text of a CSV source's lines from the oldest one still needed, so an error record can
 * carry the file's exact line(s): csv-parse's own raw text stops where its error was found.
 * Chunks are kept whole with their first line number; lines are cut out only when asked for.
 */
import { StringDecoder } from 'node:string_decoder';

interface Chunk {
  readonly text: string;
  /** The line `text[0]` is on (1-based). */
  readonly firstLine: number;
  /** Line feeds in `text`. */
  readonly breaks: number;
}

export class LineTracker {
  #decoder = new StringDecoder('utf8');
  #chunks: Chunk[] = [];
  #nextLine = 1;
  #started = false;

  push(bytes: Buffer): void {
    let text = this.#decoder.write(bytes);
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.#add(text);
  }

  end(): void {
    this.#add(this.#decoder.end());
  }

  /** Lines `from` to `to` (inclusive, 1-based) as in the file, without the last line's break. */
  lines(from: number, to: number): string | undefined {
    const parts: Chunk[] = [];
    for (const chunk of this.#chunks) {
      if (chunk.firstLine + chunk.breaks < from) continue;
      if (chunk.firstLine > to) break;
      parts.push(chunk);
    }
    if (parts.length === 0 || parts[0]!.firstLine > from) return undefined;
    const text = parts.map((p) => p.text).join('');
    let start = 0;
    for (let line = parts[0]!.firstLine; line < from; line++) start = text.indexOf('\n', start) + 1;
    let end = start - 1;
    for (let line = from; line <= to; line++) {
      end = text.indexOf('\n', end + 1);
      if (end === -1) break;
    }
    let slice = end === -1 ? text.slice(start) : text.slice(start, end);
    while (slice.endsWith('\r') || slice.endsWith('\n')) slice = slice.slice(0, -1);
    return slice;
  }

  /** Forgets the lines before `line`: no record will ask for them. */
  discardBefore(line: number): void {
    let drop = 0;
    while (drop < this.#chunks.length - 1 && this.#chunks[drop + 1]!.firstLine < line) drop++;
    if (drop > 0) this.#chunks.splice(0, drop);
  }

  #add(text: string): void {
    if (text.length === 0) return;
    let breaks = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks++;
    this.#chunks.push({ text, firstLine: this.#nextLine, breaks });
    this.#nextLine += breaks;
  }
}

/** csv-parse's raw text can carry the breaks of skipped empty lines before it and its own after. */
export function trimBreaks(raw: string): string {
  let start = 0;
  let end = raw.length;
  while (start < end && isBreak(raw.charCodeAt(start))) start++;
  while (end > start && isBreak(raw.charCodeAt(end - 1))) end--;
  return start === 0 && end === raw.length ? raw : raw.slice(start, end);
}

function isBreak(code: number): boolean {
  return code === 0x0a || code === 0x0d;
}

/** Line breaks inside a record (in quoted fields), a CRLF counting once. */
export function countBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) count++;
    else if (code === 0x0d && text.charCodeAt(i + 1) !== 0x0a) count++;
  }
  return count;
}

export function countCrlf(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\r\n'); i !== -1; i = text.indexOf('\r\n', i + 2)) count++;
  return count;
}
