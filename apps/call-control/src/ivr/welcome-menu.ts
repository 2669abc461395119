/**
 * The foundation's demo menu: greet, then say back each digit the caller presses. Later issues replace it
 * with IVR flows stored as data; the prompts live in Asterisk's sounds (made with espeak-ng at provisioning).
 */
export const PROMPT_LANGUAGE = 'zh';

export const prompts = {
  welcome: 'sound:hotline/welcome',
  youPressed: 'sound:hotline/you-pressed',
  goodbye: 'sound:hotline/goodbye',
  digit: (digit: string) => `sound:hotline/digit-${digit}`,
};

export type MenuAction =
  | { kind: 'play'; media: string[] }
  | { kind: 'play-then-hangup'; media: string[] }
  | { kind: 'ignore' };

export function welcomeMenuAction(digit: string): MenuAction {
  if (/^[0-9]$/.test(digit)) return { kind: 'play', media: [prompts.youPressed, prompts.digit(digit)] };
  if (digit === '*') return { kind: 'play', media: [prompts.welcome] };
  if (digit === '#') return { kind: 'play-then-hangup', media: [prompts.goodbye] };
  return { kind: 'ignore' };
}
