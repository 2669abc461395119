import { chineseDigits, chineseNumber } from './chinese-number';

describe('chineseNumber', () => {
  it.each([
    [0, '零'],
    [7, '七'],
    [10, '十'],
    [12, '十二'],
    [20, '二十'],
    [45, '四十五'],
    [100, '一百'],
    [105, '一百零五'],
    [110, '一百一十'],
    [1_005, '一千零五'],
    [2_030, '二千零三十'],
  ])('%i → %s', (value, spoken) => expect(chineseNumber(value)).toBe(spoken));

  it('reads order numbers digit by digit', () => expect(chineseDigits('2026112300001')).toBe('二零二六一一二三零零零零一'));
});
