import type { SurveyRatingOption } from '@hotline/realtime';

/** Long subjects are cut: the citizen needs to recognise the matter, not hear the whole title. */
const MAX_SUBJECT_CHARS = 40;

/**
 * The Mandarin texts of a survey call (synthesised by TtsPromptService). Split into pieces so the pieces
 * shared by every call (options, thanks) are synthesised once and cached; only the intro names the order.
 */
export const SurveyCallPrompts = {
  intro(hotlineNumber: string, subject: string): string {
    const trimmed = subject.replace(/\s+/g, ' ').trim();
    const spoken = trimmed.length > MAX_SUBJECT_CHARS ? `${trimmed.slice(0, MAX_SUBJECT_CHARS)}…` : trimmed;
    // Digit by digit, as a hotline number is said ("一二三四五"), not as a quantity.
    return `您好,这里是${spokenDigits(hotlineNumber)}热线。您反映的「${spoken}」已办结,请对办理情况进行评价。`;
  },
  options(options: readonly SurveyRatingOption[]): string {
    return `${options.map((option) => `${option.label}请按${spokenDigits(option.digit)}`).join(',')}。`;
  },
  noInput: '没有收到您的按键。',
  invalidKey: '您的按键无效。',
  commentInvite: '如有意见或建议,请在提示音后留言,按井号键结束。',
  thanks: '感谢您的评价,再见。',
  goodbyeUnrated: '没有收到有效的评价,我们将另行联系您,再见。',
} as const;

const DIGITS: Record<string, string> = { '0': '零', '1': '一', '2': '二', '3': '三', '4': '四', '5': '五', '6': '六', '7': '七', '8': '八', '9': '九' };

function spokenDigits(value: string): string {
  return [...value].map((character) => DIGITS[character] ?? character).join('');
}
