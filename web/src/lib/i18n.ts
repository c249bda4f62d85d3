import { useSyncExternalStore } from 'react';
import { en } from './messages.en';
import { es, type MessageKey } from './messages.es';

export type Locale = 'es' | 'en';
const dictionaries: Record<Locale, Record<MessageKey, string>> = { es, en };

const STORAGE_KEY = 'mostrador.locale';
let locale: Locale =
  typeof localStorage !== 'undefined' && localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'es';
const listeners = new Set<() => void>();

export function getLocale(): Locale {
  return locale;
}

export function setLocale(next: Locale): void {
  locale = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next === 'es' ? 'es-MX' : 'en';
  for (const l of listeners) l();
}

/** The copy for `key` in the current language; `{name}` placeholders are filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = dictionaries[locale][key] ?? es[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Re-renders the component when the language changes; returns `t`. */
export function useT(): typeof t {
  useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => locale,
  );
  return t;
}

export type { MessageKey };
