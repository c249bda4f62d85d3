import { Route } from 'react-router-dom';
import { CountsPage, ReservationsPage, StockPage, TransfersPage } from './InventoryPages';
import { ImportPage } from './ImportPage';
import { CashPage, CustomersPage, OrdersBoardPage, SettingsPage, UsersPage } from './PeoplePages';
import { ProductEditPage } from './ProductEditPage';
import { ProductsPage } from './ProductsPage';
import { ReportsPage } from './ReportsPage';

/** The back office pages, children of the /admin route (App.tsx mounts them). */
export const backOfficeRoutes = (
  <>
    <Route path="reports" element={<ReportsPage />} />
    <Route path="products" element={<ProductsPage />} />
    <Route path="products/import" element={<ImportPage />} />
    <Route path="products/new" element={<ProductEditPage />} />
    <Route path="products/:productId" element={<ProductEditPage />} />
    <Route path="stock" element={<StockPage />} />
    <Route path="transfers" element={<TransfersPage />} />
    <Route path="counts" element={<CountsPage />} />
    <Route path="reservations" element={<ReservationsPage />} />
    <Route path="orders" element={<OrdersBoardPage />} />
    <Route path="customers" element={<CustomersPage />} />
    <Route path="cash" element={<CashPage />} />
    <Route path="users" element={<UsersPage />} />
    <Route path="settings" element={<SettingsPage />} />
  </>
);
