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
  // The default IVR flow (libs/ivr DEFAULT_IVR_FLOW_V1): one key at most to reach a person (GB/T 33358);
  // waiting without a key also reaches one.
  { name: 'menu-main', text: '您好，一二三四五热线。人工服务请按零或直接等候，查询进度请按一，留言请按二。' },
  { name: 'invalid-key', text: '您的输入有误。' },
  { name: 'queue-connecting', text: '正在转接人工，请稍候。' },
  { name: 'elderly-priority', text: '已为您优先转接人工，请稍候。' },
  { name: 'blocked', text: '您的来电无法受理。再见。' },
  { name: 'after-hours', text: '现在是非工作时间。请留言，我们将在工作时间内回复您。' },
  { name: 'progress-enter', text: '请输入十三位工单编号，以井号键结束。' },
  { name: 'progress-not-found', text: '未查询到该工单，或工单与您的来电号码不符。' },
  { name: 'progress-after', text: '人工服务请按零，结束请挂机。' },
  { name: 'message-intro', text: '请在提示音后留言，说完请按井号键。' },
  { name: 'message-saved', text: '您的留言已记录，我们将尽快处理。再见。' },
  { name: 'transfer-connecting', text: '正在为您转接，请稍候。' },
  // Queue announcements (ACD): position and estimated wait are spoken between these.
  { name: 'queue-ahead', text: '您前面还有' },
  { name: 'queue-callers', text: '位来电正在等候。' },
  { name: 'queue-wait', text: '预计等待' },
  { name: 'queue-minutes', text: '分钟。' },
  { name: 'queue-next', text: '您是下一位，请稍候。' },
  { name: 'callback-offer', text: '当前来电较多。如需回拨，请按一，我们将按您的排队顺序回电；继续等候请不要挂机。' },
  { name: 'callback-confirmed', text: '已为您预约回拨，您的排队位置将保留。再见。' },
]);
