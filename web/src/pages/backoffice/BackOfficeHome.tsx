import { Link } from 'react-router-dom';
import { useAuth } from '../../app/auth';
import { useT } from '../../lib/i18n';

export function BackOfficeHome() {
  const t = useT();
  const { user } = useAuth();
  return (
    <section>
      <h1>{t('admin.home.title', { name: user?.name ?? '' })}</h1>
      <p className="muted">{t('admin.home.soon')}</p>
      <Link className="button primary" to="/terminal">
        {t('admin.home.openTerminal')}
      </Link>
    </section>
  );
}
