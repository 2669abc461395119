/** How one text goes over SMPP: its data_coding, esm_class and the short_message of each part. */
export interface EncodedSms {
  dataCoding: number;
  esmClass: number;
  parts: Buffer[];
}

export const DATA_CODING_DEFAULT = 0x00;
export const DATA_CODING_UCS2 = 0x08;
const ESM_CLASS_UDHI = 0x40;
/** GSM 03.40: 140 octets per message; 6 of them go to the concatenation header in a long one. */
const OCTETS = 140;
const UDH_OCTETS = 6;

/**
 * Chinese needs UCS-2 (data_coding 8): 70 characters fit one SMS, 67 per part once the text is long enough
 * to need concatenation (a 6-octet UDH: IEI 00, 8-bit reference, total, sequence). Pure ASCII text goes in
 * the SMSC default alphabet. Parts never split a surrogate pair, so no part carries half a character.
 */
export function encodeSmsText(text: string, reference: number): EncodedSms {
  const ascii = /^[\x20-\x7e\r\n]*$/.test(text);
  const unitOctets = ascii ? 1 : 2;
  const encode = (chunk: string) => (ascii ? Buffer.from(chunk, 'latin1') : ucs2(chunk));
  const dataCoding = ascii ? DATA_CODING_DEFAULT : DATA_CODING_UCS2;
  if (text.length * unitOctets <= OCTETS) return { dataCoding, esmClass: 0, parts: [encode(text)] };

  const perPart = Math.floor((OCTETS - UDH_OCTETS) / unitOctets);
  const chunks: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + perPart, text.length);
    // Never end a part on a high surrogate: its low half would start the next part.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    chunks.push(text.slice(start, end));
    start = end;
  }
  if (chunks.length > 255) throw new RangeError(`An SMS of ${text.length} characters needs more than 255 parts`);
  const ref = reference & 0xff;
  const parts = chunks.map((chunk, index) => Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref, chunks.length, index + 1]), encode(chunk)]));
  return { dataCoding, esmClass: ESM_CLASS_UDHI, parts };
}

/** UCS-2 is big-endian on the air; Node only has little-endian UTF-16. */
export function ucs2(text: string): Buffer {
  const buffer = Buffer.from(text, 'utf16le');
  buffer.swap16();
  return buffer;
}

export function decodeUcs2(buffer: Buffer): string {
  const copy = Buffer.from(buffer);
  copy.swap16();
  return copy.toString('utf16le');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
