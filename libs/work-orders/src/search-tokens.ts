/**
 * Full-text search for Chinese without a segmenter or a locale: text is indexed as overlapping character
 * pairs (bigrams) with their positions, and a query must match its pairs side by side (a phrase). Latin
 * letters and digits are kept as whole lower-cased words. The tsvector and tsquery are written in
 * Postgres's literal syntax, so the database's locale (often C) never decides what a "word" is.
 */
const RUN = /[\p{Script=Han}]+|[\p{L}\p{N}]+/gu;
const HAN = /^\p{Script=Han}/u;

function runs(text: string): string[][] {
  const result: string[][] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(RUN)) {
    const run = match[0];
    if (HAN.test(run)) {
      const chars = [...run];
      if (chars.length === 1) result.push(chars);
      else result.push(chars.slice(0, -1).map((char, i) => char + chars[i + 1]));
    } else {
      result.push([run]);
    }
  }
  return result;
}

const quote = (token: string) => `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** `'港口':1 '口区':2 ...` for `::tsvector`. Positions cap at 16383 in Postgres; later tokens share it. */
export function toSearchVector(...texts: (string | null | undefined)[]): string {
  const tokens = texts.filter((text): text is string => Boolean(text)).flatMap((text) => runs(text).flat());
  return tokens.map((token, i) => `${quote(token)}:${Math.min(i + 1, 16383)}`).join(' ');
}

/** `'噪音' <-> '音扰' & 'abc'` for `::tsquery`, or null when the query has nothing searchable. */
export function toSearchQuery(query: string): string | null {
  const parts = runs(query).map((tokens) => tokens.map(quote).join(' <-> '));
  return parts.length > 0 ? parts.map((part) => `(${part})`).join(' & ') : null;
}

/** Bigram set of a text, for similarity between two matters (duplicate detection). */
export function bigramSet(text: string): Set<string> {
  return new Set(runs(text).flat());
}

/** Dice coefficient of two bigram sets: 1 for the same wording, 0 for nothing in common. */
export function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}
