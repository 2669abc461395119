import { RATING_LABELS, RatingLevel } from '@hotline/sla';
import type { SurveyRatingOption } from '@hotline/realtime';

/** The citizen answers with a digit: 1 is the scale's first (best) level, and so on. */
export function ratingOptions(levels: readonly RatingLevel[]): SurveyRatingOption[] {
  return levels.map((level, index) => ({ digit: String(index + 1), level, label: RATING_LABELS[level] }));
}

export function levelForDigit(levels: readonly RatingLevel[], digit: string): RatingLevel | null {
  const index = Number(digit) - 1;
  return Number.isInteger(index) && index >= 0 && index < levels.length ? levels[index] : null;
}

/** What a citizen's SMS reply means. */
export type SmsReply = { kind: 'digit'; digit: string } | { kind: 'opt_out' } | { kind: 'unrecognised' };

/** Tolerates full-width digits (１), spaces and punctuation around a single digit; TD / 退订 opts out. */
export function interpretSmsReply(text: string): SmsReply {
  const normalised = text.replace(/[\uff10-\uff19]/g, (c) => String(c.charCodeAt(0) - 0xff10)).replace(/[\s。.,,!!]/g, '');
  if (/^[1-9]$/.test(normalised)) return { kind: 'digit', digit: normalised };
  if (/^(td|t|退订|n)$/i.test(normalised)) return { kind: 'opt_out' };
  return { kind: 'unrecognised' };
}

/** The survey SMS: names the matter (so the citizen knows which order is meant) and every option. */
export function surveySmsText(input: { hotline: string; orderNumber: string; subject: string; levels: readonly RatingLevel[] }): string {
  const options = ratingOptions(input.levels)
    .map((option) => `${option.digit} ${option.label}`)
    .join(',');
  return (
    `【${input.hotline}热线】您反映的“${input.subject}”(工单${input.orderNumber})已办结。` +
    `请回复数字评价承办单位的办理情况:${options}。回复TD不再接收回访短信。`
  );
}

/** Citizens reply from their mobile; the SMSC may add the country code. */
export function normalisePhone(number: string): string {
  const digits = number.replace(/[^\d]/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}
