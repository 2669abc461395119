import { SurveyCallPrompts } from './survey-call.prompts';

describe('SurveyCallPrompts', () => {
  it('names the order subject and says the hotline digit by digit', () => {
    expect(SurveyCallPrompts.intro('12345', '小区供暖不热')).toBe('您好,这里是一二三四五热线。您反映的「小区供暖不热」已办结,请对办理情况进行评价。');
  });

  it('cuts a long subject', () => {
    const intro = SurveyCallPrompts.intro('12345', '很'.repeat(100));
    expect(intro).toContain(`「${'很'.repeat(40)}…」`);
  });

  it('reads every option with its key', () => {
    const options = [
      { digit: '1', level: 'satisfied', label: '满意' },
      { digit: '2', level: 'basically_satisfied', label: '基本满意' },
      { digit: '3', level: 'dissatisfied', label: '不满意' },
    ];
    expect(SurveyCallPrompts.options(options)).toBe('满意请按一,基本满意请按二,不满意请按三。');
  });
});
