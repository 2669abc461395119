import { DATA_CODING_DEFAULT, DATA_CODING_UCS2, decodeUcs2, encodeSmsText } from './sms-text.encoder';

describe('encodeSmsText', () => {
  it('sends short Chinese text as one UCS-2 message without a header', () => {
    const encoded = encodeSmsText('您好,请评价', 7);
    expect(encoded.dataCoding).toBe(DATA_CODING_UCS2);
    expect(encoded.esmClass).toBe(0);
    expect(encoded.parts).toHaveLength(1);
    expect(decodeUcs2(encoded.parts[0])).toBe('您好,请评价');
  });

  it('fits 70 Chinese characters in one message and splits 71 into two parts of at most 67', () => {
    expect(encodeSmsText('满'.repeat(70), 1).parts).toHaveLength(1);
    const long = encodeSmsText('满'.repeat(71), 9);
    expect(long.esmClass).toBe(0x40);
    expect(long.parts).toHaveLength(2);
    expect([...long.parts[0].subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, 9, 2, 1]);
    expect([...long.parts[1].subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, 9, 2, 2]);
    expect(long.parts.map((part) => decodeUcs2(part.subarray(6))).join('')).toBe('满'.repeat(71));
    expect(long.parts.every((part) => part.length <= 140)).toBe(true);
  });

  it('never splits a surrogate pair across parts', () => {
    const text = `${'满'.repeat(66)}😀${'满'.repeat(10)}`;
    const parts = encodeSmsText(text, 1).parts.map((part) => decodeUcs2(part.subarray(6)));
    expect(parts.join('')).toBe(text);
    expect(parts[0].endsWith('满')).toBe(true);
  });

  it('uses the default alphabet for plain ASCII', () => {
    const encoded = encodeSmsText('Reply 1 2 3', 1);
    expect(encoded.dataCoding).toBe(DATA_CODING_DEFAULT);
    expect(encoded.parts[0].toString('latin1')).toBe('Reply 1 2 3');
  });
});
