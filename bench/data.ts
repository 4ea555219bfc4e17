/**
 * Deterministic benchmark data: a seeded generator of small (~200 B) and medium (~2 KB, nested)
 * documents, and an NDJSON writer so file-based importers read exactly what in-process ones insert.
 * Plain JSON types only (no Date, no ObjectId), so a document and its NDJSON line are the same data.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

export type DocKind = 'small' | 'medium';

export interface SmallDoc {
  seq: number;
  name: string;
  email: string;
  age: number;
  active: boolean;
  score: number;
  tags: string[];
  address: { city: string; zip: string };
}

export interface MediumDoc {
  orderId: string;
  seq: number;
  status: 'pending' | 'paid' | 'shipped' | 'cancelled';
  customer: {
    name: string;
    email: string;
    address: { street: string; city: string; zip: string; country: string };
  };
  items: { sku: string; name: string; qty: number; price: number; attrs: { color: string; size: string } }[];
  totals: { subtotal: number; tax: number; shipping: number; total: number };
  tags: string[];
  notes: string;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'Edsger', 'Radia'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Liskov',
  'Thompson',
  'Hamilton',
  'Ritchie',
  'Allen',
  'Perlman',
];
const CITIES = ['Lisbon', 'Oslo', 'Nairobi', 'Osaka', 'Quito', 'Tallinn', 'Perth', 'Lyon', 'Austin', 'Pune'];
const COUNTRIES = ['PT', 'NO', 'KE', 'JP', 'EC', 'EE', 'AU', 'FR', 'US', 'IN'];
const TAGS = [
  'new',
  'vip',
  'beta',
  'churn-risk',
  'newsletter',
  'mobile',
  'desktop',
  'trial',
  'annual',
  'team',
];
const COLORS = ['red', 'green', 'blue', 'black', 'white', 'orange'];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const STATUSES = ['pending', 'paid', 'shipped', 'cancelled'] as const;
const WORDS =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(
    ' ',
  );

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

function words(r: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += (i ? ' ' : '') + pick(r, WORDS);
  return out;
}

/** Document `i` of the small kind: ~200 bytes of BSON. The same `i` always gives the same document. */
export function smallDoc(i: number): SmallDoc {
  const r = rng(i * 2654435761 + 1);
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  return {
    seq: i,
    name: `${first} ${last}`,
    email: `${first.toLowerCase()}.${last.toLowerCase()}.${i}@example.com`,
    age: 18 + Math.floor(r() * 70),
    active: r() < 0.7,
    score: Math.round(r() * 100000) / 100,
    tags: [pick(r, TAGS), pick(r, TAGS)],
    address: { city: pick(r, CITIES), zip: String(10000 + Math.floor(r() * 89999)) },
  };
}

/** Document `i` of the medium kind: ~2 KB of BSON, nested objects and an array of 8 sub-documents. */
export function mediumDoc(i: number): MediumDoc {
  const r = rng(i * 2246822519 + 7);
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  const items: MediumDoc['items'] = [];
  let subtotal = 0;
  for (let k = 0; k < 8; k++) {
    const qty = 1 + Math.floor(r() * 5);
    const price = Math.round(r() * 20000) / 100;
    subtotal += qty * price;
    items.push({
      sku: `SKU-${Math.floor(r() * 1e6)
        .toString()
        .padStart(6, '0')}`,
      name: words(r, 4),
      qty,
      price,
      attrs: { color: pick(r, COLORS), size: pick(r, SIZES) },
    });
  }
  subtotal = Math.round(subtotal * 100) / 100;
  const tax = Math.round(subtotal * 21) / 100;
  const shipping = Math.round(r() * 2000) / 100;
  return {
    orderId: `ORD-${i.toString().padStart(9, '0')}`,
    seq: i,
    status: pick(r, STATUSES),
    customer: {
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${i}@example.com`,
      address: {
        street: `${1 + Math.floor(r() * 999)} ${words(r, 2)} street`,
        city: pick(r, CITIES),
        zip: String(10000 + Math.floor(r() * 89999)),
        country: pick(r, COUNTRIES),
      },
    },
    items,
    totals: { subtotal, tax, shipping, total: Math.round((subtotal + tax + shipping) * 100) / 100 },
    tags: [pick(r, TAGS), pick(r, TAGS), pick(r, TAGS)],
    notes: words(r, 110),
  };
}

export function makeDoc(kind: DocKind, i: number): SmallDoc | MediumDoc {
  return kind === 'small' ? smallDoc(i) : mediumDoc(i);
}

export function makeDocs(kind: DocKind, count: number, offset = 0): (SmallDoc | MediumDoc)[] {
  const docs = new Array<SmallDoc | MediumDoc>(count);
  for (let i = 0; i < count; i++) docs[i] = makeDoc(kind, offset + i);
  return docs;
}

/** Writes `count` documents as NDJSON, streaming (bounded memory even for millions). Returns bytes written. */
export async function writeNdjson(path: string, kind: DocKind, count: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${JSON.stringify(makeDoc(kind, i))}\n`;
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  return bytes;
}
