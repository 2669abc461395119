const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 0-9999 as spoken Mandarin (12 → 十二, 105 → 一百零五): queue positions and minutes in announcements. */
export function chineseNumber(value: number): string {
  const n = Math.max(0, Math.min(9_999, Math.floor(value)));
  if (n < 10) return DIGITS[n]!;
  if (n < 20) return `十${n % 10 === 0 ? '' : DIGITS[n % 10]}`;
  const units: Array<[number, string]> = [
    [1_000, '千'],
    [100, '百'],
    [10, '十'],
  ];
  let out = '';
  let rest = n;
  let pendingZero = false;
  for (const [unit, name] of units) {
    const digit = Math.floor(rest / unit);
    rest %= unit;
    if (digit > 0) {
      if (pendingZero) out += '零';
      out += DIGITS[digit] + name;
      pendingZero = false;
    } else if (out !== '') {
      pendingZero = true;
    }
  }
  if (rest > 0) out += (pendingZero ? '零' : '') + DIGITS[rest];
  return out;
}

/** A number read digit by digit (order numbers, phone numbers): 2026 → 二零二六. */
export function chineseDigits(text: string): string {
  return [...text].map((char) => (/[0-9]/.test(char) ? DIGITS[Number(char)] : char)).join('');
}
