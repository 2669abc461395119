import type { IvrFlowDocument } from './ivr-flow.schema';

/**
 * The flow every line starts with (seeded as version 1 of flow "default" by migration 1795600000001; that
 * seed is frozen - later defaults are new versions, published through the api).
 *  - GB/T 33358: a person is reached with at most one key (0), and with none by simply waiting;
 *  - 适老化: registered elderly callers skip the menu and go to the front of the queue;
 *  - blocked numbers are told so and released; progress lookup and messages are one key each.
 * The queue nodes name no skill: the line's skill applies (12315 → consumer, ...).
 */
export const DEFAULT_IVR_FLOW_V1: IvrFlowDocument = {
  description: '默认流程：零键或等候转人工，一键查询进度，二键留言；老年人优先；黑名单拒接。',
  start: 'blocked-check',
  nodes: {
    'blocked-check': { type: 'condition', check: { kind: 'caller-list', list: 'blocked' }, then: 'blocked-bye', else: 'elderly-check' },
    'blocked-bye': { type: 'hangup', prompt: { sound: 'blocked' } },
    'elderly-check': { type: 'condition', check: { kind: 'caller-list', list: 'elderly' }, then: 'elderly-tag', else: 'main-menu' },
    'elderly-tag': { type: 'set-tag', key: 'caller', value: 'elderly', next: 'elderly-queue' },
    'elderly-queue': { type: 'queue', priority: 50, prompt: { sound: 'elderly-priority' } },
    'main-menu': {
      type: 'menu',
      prompt: { sound: 'menu-main' },
      options: { '0': 'to-agent', '1': 'progress-number', '2': 'message' },
      timeoutMs: 4_000,
      noInput: 'to-agent',
      invalidPrompt: { sound: 'invalid-key' },
      maxAttempts: 2,
      onFailure: 'to-agent',
    },
    'to-agent': { type: 'queue', priority: 0, prompt: { sound: 'queue-connecting' } },
    'progress-number': {
      type: 'collect',
      prompt: { sound: 'progress-enter' },
      variable: 'orderNumber',
      minDigits: 13,
      maxDigits: 13,
      terminator: '#',
      timeoutMs: 8_000,
      interDigitTimeoutMs: 4_000,
      invalidPrompt: { sound: 'invalid-key' },
      maxAttempts: 2,
      next: 'progress',
      onFailure: 'to-agent',
    },
    progress: { type: 'progress-lookup', variable: 'orderNumber', next: 'progress-after', notFound: 'progress-not-found' },
    'progress-not-found': { type: 'play', prompt: { sound: 'progress-not-found' }, next: 'to-agent', bargeIn: false },
    'progress-after': {
      type: 'menu',
      prompt: { sound: 'progress-after' },
      options: { '0': 'to-agent' },
      timeoutMs: 5_000,
      noInput: 'goodbye',
      maxAttempts: 1,
      onFailure: 'goodbye',
    },
    goodbye: { type: 'hangup', prompt: { sound: 'goodbye' } },
    message: { type: 'leave-message', prompt: { sound: 'message-intro' }, maxSeconds: 120, beep: true, next: 'message-saved' },
    'message-saved': { type: 'hangup', prompt: { sound: 'message-saved' } },
  },
};
