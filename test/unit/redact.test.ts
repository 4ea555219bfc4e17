import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, redactUri, secretsOf } from '../../src/cli/redact.js';

/** User names and passwords as people write them: any characters but whitespace, raw `@ : /` included. */
const credential = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }).filter((s) => !/\s/.test(s));
const scheme = fc.constantFrom('mongodb://', 'mongodb+srv://', 'MONGODB://', 'mongodb+SRV://');
const hosts = fc.constantFrom(
  'localhost',
  'db.example.com',
  '127.0.0.1:27017',
  'h1:1,h2:2,h3:3',
  '[::1]:27017',
);
const tail = fc.constantFrom(
  '',
  '/',
  '/app',
  '/app?authSource=admin',
  '/?authMechanism=PLAIN&authSource=$external&serverSelectionTimeoutMS=500',
  '/?appName=ops@example',
);
/** Text around the URI, as in a driver error or a log line. */
const words = fc.string({ maxLength: 30 });
const encodings = fc.constantFrom('raw', 'percent') as fc.Arbitrary<'raw' | 'percent'>;

function uriWith(
  s: string,
  user: string,
  password: string,
  host: string,
  rest: string,
  enc: 'raw' | 'percent',
) {
  const e = enc === 'percent' ? encodeURIComponent : (x: string) => x;
  return `${s}${e(user)}:${e(password)}@${host}${rest}`;
}

describe('redactUri', () => {
  it('gives the same output whatever the user and password: nothing of them can leak', () => {
    fc.assert(
      fc.property(
        fc.record({ s: scheme, host: hosts, rest: tail, before: words, after: words, enc: encodings }),
        credential,
        credential,
        credential,
        credential,
        ({ s, host, rest, before, after, enc }, user1, pass1, user2, pass2) => {
          const text = (u: string, p: string) => `${before} ${uriWith(s, u, p, host, rest, enc)} ${after}`;
          expect(redactUri(text(user1, pass1))).toBe(redactUri(text(user2, pass2)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never shows the password or the user, raw or percent-encoded, anywhere in the text', () => {
    fc.assert(
      fc.property(
        fc.record({ s: scheme, host: hosts, rest: tail, before: words, after: words, enc: encodings }),
        credential,
        credential,
        ({ s, host, rest, before, after, enc }, user, password) => {
          const secretUser = `U5er${user}`;
          const secretPassword = `Pw0rd${password}`;
          const text = `${before} ${uriWith(s, secretUser, secretPassword, host, rest, enc)} ${after}`;
          const out = redactUri(text);
          fc.pre(!`${before} ${after}`.includes('Pw0rd') && !`${before} ${after}`.includes('U5er'));
          expect(out).not.toContain(secretPassword);
          expect(out).not.toContain(encodeURIComponent(secretPassword));
          expect(out).not.toContain(secretUser);
          // A query holding an `@` is hidden too: over-redacting is the safe side.
          expect(out).toContain(rest.includes('@') ? `${REDACTED}@` : `${REDACTED}@${host}${rest}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('hides every URI of a message with several, and leaves a URI without credentials alone', () => {
    const text =
      'tried mongodb://alice:s3cret@a:1/db and mongodb+srv://bob:hunter2@cluster.example.net/?w=1, then mongodb://c:2/x';
    const out = redactUri(text);
    expect(out).toBe(
      'tried mongodb://***@a:1/db and mongodb+srv://***@cluster.example.net/?w=1, then mongodb://c:2/x',
    );
  });

  it('hides a URI inside JSON and quotes', () => {
    expect(redactUri('{"uri":"mongodb://u:p%40ss@h:27017/db"}')).toBe('{"uri":"mongodb://***@h:27017/db"}');
    expect(redactUri("connect 'mongodb://u:it's@h' failed")).toBe("connect 'mongodb://***@h' failed");
  });
});

describe('createRedactor', () => {
  it('masks the given passwords anywhere, even outside a URI and even when they contain spaces', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 4, maxLength: 24 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        encodings,
        (password, before, after, enc) => {
          const uri = `mongodb://user:${enc === 'percent' ? encodeURIComponent(password) : password}@h:1/db`;
          const redact = createRedactor(secretsOf([uri]));
          expect(redact(`${before}${password}${after}`)).not.toContain(password);
          expect(redact(`${before}${uri}${after}`)).not.toContain(password);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds passwords in --uri and MONGODB_URI only, and not short ones that would mangle the output', () => {
    expect(secretsOf(['--uri', 'mongodb://u:hunter2@h', undefined, 'plain text'])).toEqual(['hunter2']);
    expect(secretsOf(['mongodb://u:p%40ssword@h'])).toEqual(['p%40ssword', 'p@ssword']);
    expect(secretsOf(['mongodb://u:abc@h', 'mongodb://nopassword@h', 'mongodb://h'])).toEqual([]);
  });
});
