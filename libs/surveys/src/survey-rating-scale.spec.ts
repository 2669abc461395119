import { RatingLevel } from '@hotline/sla';
import { interpretSmsReply, levelForDigit, normalisePhone, ratingOptions, surveySmsText } from './survey-rating-scale';

const NINGXIA = [RatingLevel.VerySatisfied, RatingLevel.Satisfied, RatingLevel.Dissatisfied];
const BORTALA = [RatingLevel.VerySatisfied, RatingLevel.Satisfied, RatingLevel.BasicallySatisfied, RatingLevel.Dissatisfied, RatingLevel.VeryDissatisfied];

describe('survey rating scale', () => {
  it('maps digits onto the 3-level Ningxia and 5-level Bortala scales', () => {
    expect(ratingOptions(NINGXIA).map((o) => `${o.digit}${o.label}`)).toEqual(['1非常满意', '2满意', '3不满意']);
    expect(levelForDigit(NINGXIA, '3')).toBe(RatingLevel.Dissatisfied);
    expect(levelForDigit(NINGXIA, '4')).toBeNull();
    expect(levelForDigit(BORTALA, '5')).toBe(RatingLevel.VeryDissatisfied);
  });

  it('reads replies with full-width digits and punctuation, and TD as an opt-out', () => {
    expect(interpretSmsReply(' ３。')).toEqual({ kind: 'digit', digit: '3' });
    expect(interpretSmsReply('TD')).toEqual({ kind: 'opt_out' });
    expect(interpretSmsReply('退订')).toEqual({ kind: 'opt_out' });
    expect(interpretSmsReply('还行吧')).toEqual({ kind: 'unrecognised' });
  });

  it('names the subject and every option in the SMS', () => {
    const text = surveySmsText({ hotline: '12345', orderNumber: '20260930000001', subject: '噪音扰民', levels: BORTALA });
    expect(text).toContain('噪音扰民');
    expect(text).toContain('1 非常满意');
    expect(text).toContain('5 非常不满意');
  });

  it('drops the country code', () => {
    expect(normalisePhone('+8613800138000')).toBe('13800138000');
    expect(normalisePhone('13800138000')).toBe('13800138000');
  });
});
