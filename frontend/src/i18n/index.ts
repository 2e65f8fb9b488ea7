// The UI's own language (English, Polish, Russian, Chinese), separate from the catalog's content
// locales. The choice is kept in the browser; `t` looks a key up in the current language.

import { en, type Key } from './en';
import { pl } from './pl';
import { ru } from './ru';
import { zh } from './zh';

export type { Key };
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'pl', name: 'Polski' },
  { code: 'ru', name: 'Русский' },
  { code: 'zh', name: '中文' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const dictionaries: Record<Language, Record<Key, string>> = { en, pl, ru, zh };
const KEY = 'pim.lang';

function initial(): Language {
  const stored = localStorage.getItem(KEY);
  if (stored && stored in dictionaries) return stored as Language;
  const browser = navigator.language.slice(0, 2);
  return browser in dictionaries ? (browser as Language) : 'en';
}

let current: Language = initial();

export function language(): Language {
  return current;
}

export function setLanguage(lang: Language) {
  current = lang;
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = dictionaries[current][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** The content locale that best matches the UI language, for labels of catalog entities. */
export function labelLocale(): string {
  return { en: 'en_US', pl: 'pl_PL', ru: 'ru_RU', zh: 'zh_CN' }[current];
}
