/**
 * A hand-written SVG: per scenario, one bar per implementation for docs/s (left) and peak RSS
 * (right), bulkwright's bars in their own colour. No chart library.
 */

import { LABELS, type Scenario } from './scenarios.js';
import type { Row } from './summary.js';

const WIDTH = 980;
const LABEL_W = 190;
const PANEL_W = 300;
const GAP = 60;
const BAR_H = 14;
const ROW_H = 19;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const colour = (impl: string) =>
  impl.startsWith('bulkwright') ? '#2f7d4f' : impl.startsWith('mongoimport') ? '#8a6d1f' : '#5b6b7b';

export function renderChart(
  blocks: readonly { scenario: Scenario; rows: readonly Row[] }[],
  subtitle: string,
): string {
  const parts: string[] = [];
  let y = 58;
  for (const { scenario, rows } of blocks) {
    const shown = rows.filter((r) => r.available);
    if (shown.length === 0) continue;
    const maxRate = Math.max(...shown.map((r) => r.docsPerSec));
    const maxRss = Math.max(...shown.map((r) => r.peakRssMB));
    parts.push(`<text x="10" y="${y}" class="h">${esc(scenario.title)}</text>`);
    y += 8;
    const x1 = LABEL_W;
    const x2 = LABEL_W + PANEL_W + GAP + 70;
    parts.push(`<text x="${x1}" y="${y + 6}" class="axis">docs/s (higher is better)</text>`);
    parts.push(
      `<text x="${x2}" y="${y + 6}" class="axis">peak RSS, MB (lower is better; in-process rows include their input array)</text>`,
    );
    y += 12;
    for (const r of shown) {
      const label = `${LABELS[r.impl]}${r.n !== scenario.count ? ` (${r.n.toLocaleString('en')})` : ''}`;
      const w1 = Math.max(1, (r.docsPerSec / maxRate) * PANEL_W);
      const w2 = Math.max(1, (r.peakRssMB / maxRss) * PANEL_W);
      parts.push(`<text x="${LABEL_W - 8}" y="${y + 11}" class="l">${esc(label)}</text>`);
      parts.push(
        `<rect x="${x1}" y="${y}" width="${w1.toFixed(1)}" height="${BAR_H}" fill="${colour(r.impl)}"/>`,
      );
      parts.push(
        `<text x="${(x1 + w1 + 4).toFixed(1)}" y="${y + 11}" class="v">${Math.round(r.docsPerSec).toLocaleString('en')}</text>`,
      );
      parts.push(
        `<rect x="${x2}" y="${y}" width="${w2.toFixed(1)}" height="${BAR_H}" fill="${colour(r.impl)}" opacity="0.75"/>`,
      );
      parts.push(
        `<text x="${(x2 + w2 + 4).toFixed(1)}" y="${y + 11}" class="v">${r.peakRssMB.toFixed(0)}</text>`,
      );
      y += ROW_H;
    }
    y += 26;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="system-ui, sans-serif">`,
    '<style>.t{font-size:16px;font-weight:600}.s{font-size:11px;fill:#555}.h{font-size:13px;font-weight:600}.axis{font-size:10px;fill:#666}.l{font-size:11px;text-anchor:end}.v{font-size:10px;fill:#333}</style>',
    `<rect width="${WIDTH}" height="${y}" fill="#fff"/>`,
    '<text x="10" y="22" class="t">bulkwright benchmark: throughput and peak RSS per implementation</text>',
    `<text x="10" y="38" class="s">${esc(subtitle)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
