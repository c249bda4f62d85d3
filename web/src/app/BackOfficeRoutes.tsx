import { Navigate, Route, Routes } from 'react-router-dom';
import { homeOf, isManager, useAuth } from './auth';
import { BackOfficeHome } from '../pages/backoffice/BackOfficeHome';
import { BackOfficeLayout } from '../pages/backoffice/BackOfficeLayout';
import { backOfficeRoutes } from '../pages/backoffice/routes';

/**
 * The whole back office behind `/admin/*`, in its own chunk (App.tsx loads it with React.lazy)
 * so the terminal never downloads the back office's pages and chart library to sell.
 */
/** The home page is the managers'; agents and the kitchen start on their own page. */
function Home() {
  const { user } = useAuth();
  if (user && !isManager(user)) return <Navigate to={homeOf(user)} replace />;
  return <BackOfficeHome />;
}

export default function BackOfficeRoutes() {
  return (
    <Routes>
      <Route element={<BackOfficeLayout />}>
        <Route index element={<Home />} />
        {backOfficeRoutes}
      </Route>
    </Routes>
  );
}
