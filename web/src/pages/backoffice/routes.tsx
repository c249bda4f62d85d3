import { Route } from 'react-router-dom';
import { AuditPage } from './AuditPage';
import { AccountStatementPage, ReceivablesPage } from './CustomerAccount';
import { CountsPage, ReservationsPage, StockPage, TransfersPage } from './InventoryPages';
import { FiscalSetupPage } from './FiscalSetupPage';
import { GlobalInvoicePage, UndocumentedPage } from './GlobalInvoicePages';
import { ImportPage } from './ImportPage';
import { IntegrationsPage } from './IntegrationsPage';
import { KitchenPage } from './KitchenPage';
import { InvoiceTicketsPage } from './InvoiceTicketsPage';
import { InvoiceDetailPage, InvoicesPage, InvoicingIndex, InvoicingLayout } from './InvoicingPages';
import { CashPage, CustomersPage, OrdersBoardPage, SettingsPage, UsersPage } from './PeoplePages';
import { PersonalDataPage } from './PersonalDataPage';
import { PrivacyRequestsPage } from './PrivacyPages';
import { ProductEditPage } from './ProductEditPage';
import { ProductsPage } from './ProductsPage';
import { ReceiptsPage } from './ReceiptsPage';
import { ReportsPage } from './ReportsPage';
import { SaleConflictsPage } from './SaleConflictsPage';
import { SalesPage } from './SalesPage';

/** The back office pages, children of the /admin route (App.tsx mounts them). */
export const backOfficeRoutes = (
  <>
    <Route path="sales" element={<SalesPage />} />
    <Route path="reports" element={<ReportsPage />} />
    <Route path="products" element={<ProductsPage />} />
    <Route path="products/import" element={<ImportPage />} />
    <Route path="products/new" element={<ProductEditPage />} />
    <Route path="products/:productId" element={<ProductEditPage />} />
    <Route path="stock" element={<StockPage />} />
    <Route path="receipts" element={<ReceiptsPage />} />
    <Route path="transfers" element={<TransfersPage />} />
    <Route path="counts" element={<CountsPage />} />
    <Route path="reservations" element={<ReservationsPage />} />
    <Route path="orders" element={<OrdersBoardPage />} />
    <Route path="kitchen" element={<KitchenPage />} />
    <Route path="customers" element={<CustomersPage />} />
    <Route path="customers/import" element={<ImportPage kind="customers" />} />
    <Route path="receivables" element={<ReceivablesPage />} />
    <Route path="customers/:customerId/statement" element={<AccountStatementPage />} />
    <Route path="privacy" element={<PrivacyRequestsPage />} />
    <Route path="customers/:customerId/personal-data" element={<PersonalDataPage />} />
    {/* Invoicing routes are MANAGERS on the server (invoicing.routes.ts), so no owner-only tab. */}
    <Route path="invoicing" element={<InvoicingLayout />}>
      <Route index element={<InvoicingIndex />} />
      <Route path="invoices" element={<InvoicesPage />} />
      <Route path="invoices/:invoiceId" element={<InvoiceDetailPage />} />
      <Route path="new" element={<InvoiceTicketsPage />} />
      <Route path="global" element={<GlobalInvoicePage />} />
      <Route path="pending" element={<UndocumentedPage />} />
      <Route path="setup" element={<FiscalSetupPage />} />
    </Route>
    <Route path="sale-conflicts" element={<SaleConflictsPage />} />
    <Route path="sale-conflicts/:conflictId" element={<SaleConflictsPage />} />
    <Route path="cash" element={<CashPage />} />
    <Route path="users" element={<UsersPage />} />
    <Route path="audit" element={<AuditPage />} />
    <Route path="integrations" element={<IntegrationsPage />} />
    <Route path="settings" element={<SettingsPage />} />
  </>
);
