import { lazy, type ReactNode, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useT } from '../lib/i18n';
import { AccountPage } from '../pages/account/AccountPage';
import { LoginPage } from '../pages/login/LoginPage';
import { WelcomePage } from '../pages/login/WelcomePage';
import { TerminalApp } from '../pages/terminal/TerminalApp';
import { AuthProvider, BACK_OFFICE_ROLES, homeOf, type Role, SELLER_ROLES, useAuth } from './auth';

/** Only signed-in users with one of `roles` see `children`; others go to login or home. */
function Guard({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { user, loading } = useAuth();
  const location = useLocation();
  const t = useT();
  if (loading) return <div className="splash">{t('common.loading')}</div>;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (roles && !roles.includes(user.role)) return <Navigate to="/" replace state={{ forbidden: true }} />;
  return <>{children}</>;
}

/** The back office is its own chunk: the terminal bundle stays light (bench/browser.ts). */
const BackOfficeRoutes = lazy(() => import('./BackOfficeRoutes'));
/** The public self-invoicing page (the receipt's QR points here), also its own chunk. */
const FacturarPage = lazy(() =>
  import('../pages/facturar/FacturarPage').then((m) => ({ default: m.FacturarPage })),
);

/** A business's public privacy notice (the self-invoicing page links to it). */
const PrivacyNoticePage = lazy(() =>
  import('../pages/privacidad/PrivacyNoticePage').then((m) => ({ default: m.PrivacyNoticePage })),
);

function Loading() {
  const t = useT();
  return <div className="splash">{t('common.loading')}</div>;
}

function Home() {
  const { user } = useAuth();
  if (!user) return <Navigate to="/login" replace />;
  return <Navigate to={homeOf(user)} replace />;
}

/**
 * Routes: `/terminal` is the cashier's full-screen POS; `/admin/*` is the back office for
 * owners and managers (its pages are children of BackOfficeLayout, in BackOfficeRoutes.tsx).
 */
export function App() {
  return (
    <AuthProvider>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/bienvenida" element={<WelcomePage />} />
        <Route
          path="/facturar"
          element={
            <Suspense fallback={<Loading />}>
              <FacturarPage />
            </Suspense>
          }
        />
        <Route
          path="/cuenta"
          element={
            <Guard>
              <AccountPage />
            </Guard>
          }
        />
        <Route
          path="/privacidad/:businessId"
          element={
            <Suspense fallback={<Loading />}>
              <PrivacyNoticePage />
            </Suspense>
          }
        />
        <Route
          path="/terminal/*"
          element={
            <Guard roles={SELLER_ROLES}>
              <TerminalApp />
            </Guard>
          }
        />
        <Route
          path="/admin/*"
          element={
            <Guard roles={BACK_OFFICE_ROLES}>
              <Suspense fallback={<Loading />}>
                <BackOfficeRoutes />
              </Suspense>
            </Guard>
          }
        />
        <Route path="/" element={<Home />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </AuthProvider>
  );
}
