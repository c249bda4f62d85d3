import { Route, Routes } from 'react-router-dom';
import { BackOfficeHome } from '../pages/backoffice/BackOfficeHome';
import { BackOfficeLayout } from '../pages/backoffice/BackOfficeLayout';
import { backOfficeRoutes } from '../pages/backoffice/routes';

/**
 * The whole back office behind `/admin/*`, in its own chunk (App.tsx loads it with React.lazy)
 * so the terminal never downloads the back office's pages and chart library to sell.
 */
export default function BackOfficeRoutes() {
  return (
    <Routes>
      <Route element={<BackOfficeLayout />}>
        <Route index element={<BackOfficeHome />} />
        {backOfficeRoutes}
      </Route>
    </Routes>
  );
}
