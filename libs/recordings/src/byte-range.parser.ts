/** The bytes to send for a request: the whole file, one range, or a range the file cannot satisfy (416). */
export type ByteRangeDecision =
  | { kind: 'full'; size: number }
  | { kind: 'partial'; start: number; end: number; size: number }
  | { kind: 'unsatisfiable'; size: number };

/**
 * RFC 9110 §14.1.2 for a single range: "bytes=a-b", "bytes=a-", "bytes=-n". Browsers' <audio> and
 * download managers send exactly these. A multi-range or malformed header is ignored (the whole file is
 * sent, as the RFC allows); a well-formed range that starts past the end is unsatisfiable.
 */
export function decideByteRange(header: string | undefined, size: number): ByteRangeDecision {
  if (!header) return { kind: 'full', size };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full', size };
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable', size };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1, size };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== '' && Number(last) < start)) return { kind: 'unsatisfiable', size };
  return { kind: 'partial', start, end, size };
}
