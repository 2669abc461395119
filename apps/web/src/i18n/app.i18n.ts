import { createI18n } from 'vue-i18n';
import en from '../locales/en';
import zhCN, { type MessageSchema } from '../locales/zh-CN';

export const APP_LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof APP_LOCALES)[number];

const STORAGE_KEY = 'hotline.locale';

function savedLocale(): AppLocale {
  const saved = window.localStorage.getItem(STORAGE_KEY);
  return APP_LOCALES.includes(saved as AppLocale) ? (saved as AppLocale) : 'zh-CN';
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

/** Switches the UI language and remembers it; `lang` on <html> keeps fonts and screen readers right. */
export function setAppLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  window.localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}
