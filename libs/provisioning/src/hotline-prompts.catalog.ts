/** One Asterisk sound: played as `hotline/<name>` by Playback()/ARI. */
export interface PromptDefinition {
  /** File name without extension, [a-z0-9-]. */
  readonly name: string;
  /** Mandarin text spoken by espeak-ng. */
  readonly text: string;
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

/**
 * The built-in prompts. The hotline number is written as separate digits so
 * it is read "一二三四五" as callers know it, not as the quantity 12345.
 * Real deployments replace these with recorded voices; synthetic ones keep
 * development and tests honest about what a caller hears.
 */
export const HOTLINE_PROMPTS: readonly PromptDefinition[] = Object.freeze([
  {
    name: 'welcome',
    text: '您好，欢迎致电一二三四五政务服务便民热线。请按任意数字键，我们将为您复述。按星号键重听。',
  },
  { name: 'you-pressed', text: '您按的是' },
  ...DIGITS.map((text, digit) => ({ name: `digit-${digit}`, text })),
  { name: 'unavailable', text: '系统维护中，请稍后再拨。再见。' },
  { name: 'goodbye', text: '感谢您的来电，再见。' },
]);
