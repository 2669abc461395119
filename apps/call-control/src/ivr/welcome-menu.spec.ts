import { prompts, welcomeMenuAction } from './welcome-menu';

describe('welcomeMenuAction', () => {
  it('says a pressed digit back', () => {
    expect(welcomeMenuAction('7')).toEqual({ kind: 'play', media: [prompts.youPressed, 'sound:hotline/digit-7'] });
  });

  it('repeats the welcome on * and says goodbye on #', () => {
    expect(welcomeMenuAction('*')).toEqual({ kind: 'play', media: [prompts.welcome] });
    expect(welcomeMenuAction('#')).toEqual({ kind: 'play-then-hangup', media: [prompts.goodbye] });
  });

  it('ignores keys the menu does not use (A-D)', () => {
    expect(welcomeMenuAction('A')).toEqual({ kind: 'ignore' });
  });
});
