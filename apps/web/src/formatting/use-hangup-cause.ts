import { useI18n } from 'vue-i18n';

/** Q.850 cause → "正常挂机 (16)"; a cause without a translation falls back to Asterisk's own text. */
export function useHangupCause(): (cause: number | null, causeText: string | null) => string {
  const { t, te } = useI18n();
  return (cause, causeText) => {
    if (cause === null) return causeText ?? t('hangupCause.unknown');
    const key = `hangupCause.${cause}`;
    const label = te(key) ? t(key) : (causeText ?? t('hangupCause.unknown'));
    return `${label} (${cause})`;
  };
}
