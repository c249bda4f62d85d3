import { useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router-dom';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { MANAGER_ROLES, SELLER_ROLES, useAuth } from '../../app/auth';
import { useT } from '../../lib/i18n';
import { pick, useL } from './lang';
import { backOfficeNav } from './nav';
import './backoffice.css';

/** The back office frame: a menu on the left (what the person's role may use), the page on the right. */
export function BackOfficeLayout() {
  const t = useT();
  const l = useL();
  const { user, logout } = useAuth();
  const { pathname } = useLocation();
  const navRef = useRef<HTMLElement>(null);
  // On a tablet the menu is one bar that scrolls sideways: keep the current entry in sight.
  // biome-ignore lint/correctness/useExhaustiveDependencies: it runs on every page change on purpose
  useEffect(() => {
    navRef.current?.querySelector('a.active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [pathname]);
  return (
    <div className="bo">
      <aside className="bo-nav">
        <div className="brand-row">
          <img src="/icon.svg" alt="" width={28} height={28} />
          <strong>Mostrador</strong>
        </div>
        <nav ref={navRef}>
          {backOfficeNav
            .filter((n) => !!user && (n.roles ?? MANAGER_ROLES).includes(user.role))
            .map((n) => (
              <NavLink key={n.to} to={n.to} end={n.to === '/admin'}>
                {pick(l, n.label, n.to)}
              </NavLink>
            ))}
          {user && SELLER_ROLES.includes(user.role) ? (
            <NavLink to="/terminal">{t('admin.nav.terminal')}</NavLink>
          ) : null}
        </nav>
        <div className="bo-user">
          <Link to="/cuenta" title={l('Mi cuenta: cambiar contraseña', 'My account: change password')}>
            {user?.name}
          </Link>
          <LanguageSwitch />
          <button type="button" className="link" onClick={() => void logout()}>
            {t('common.logout')}
          </button>
        </div>
      </aside>
      <main className="bo-main">
        <Outlet />
      </main>
    </div>
  );
}
