import { getLocale, setLocale, useT } from '../lib/i18n';

export function LanguageSwitch() {
  const t = useT();
  const other = getLocale() === 'es' ? 'en' : 'es';
  return (
    <button type="button" className="link" onClick={() => setLocale(other)}>
      {t('common.otherLanguage')}
    </button>
  );
}
