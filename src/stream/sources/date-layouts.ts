/**
 * mongo-tools' dateconv: .NET (`date_ms`) and Oracle (`date_oracle`) layout elements to Go's,
 * replaced left to right, the first listed element matching at a place winning (Go's
 * strings.Replacer), so `dddd` wins over `dd`.
 */

const MS_REPLACERS: readonly (readonly [string, string])[] = [
  ['dddd', 'Monday'],
  ['ddd', 'Mon'],
  ['dd', '02'],
  ['d', '2'],
  ['MMMM', 'January'],
  ['MMM', 'Jan'],
  ['MM', '01'],
  ['M', '1'],
  ['hh', '03'],
  ['h', '3'],
  ['HH', '15'],
  ['H', '15'],
  ['mm', '04'],
  ['m', '4'],
  ['ss', '05'],
  ['s', '5'],
  ['tt', 'PM'],
  ['yyyy', '2006'],
  ['yyy', '2006'],
  ['yy', '06'],
  ['zzz', '-07:00'],
  ['zz', '-07'],
];
const ORACLE_REPLACERS: readonly (readonly [string, string])[] = [
  ['AM', 'PM'],
  ['DAY', 'Monday'],
  ['DY', 'Mon'],
  ['DD', '02'],
  ['HH12', '03'],
  ['HH24', '15'],
  ['HH', '03'],
  ['MI', '04'],
  ['MONTH', 'January'],
  ['MON', 'Jan'],
  ['MM', '01'],
  ['SS', '05'],
  ['TZD', 'MST'],
  ['TZH:TZM', '-07:00'],
  ['TZH', '-07'],
  ['YYYY', '2006'],
  ['YY', '06'],
];

/** mongo-tools' dateconv.FromMS: .NET layout elements to Go's, the first listed match winning. */
export function fromMsLayout(layout: string): string {
  return replaceAll(layout, MS_REPLACERS);
}

/** mongo-tools' dateconv.FromOracle (the layout is upper-cased first, as there). */
export function fromOracleLayout(layout: string): string {
  return replaceAll(layout.toUpperCase(), ORACLE_REPLACERS);
}

function replaceAll(text: string, pairs: readonly (readonly [string, string])[]): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const pair = pairs.find(([from]) => text.startsWith(from, i));
    if (pair) {
      out += pair[1];
      i += pair[0].length;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}
