import type { FastifyPluginAsync } from 'fastify';
import { accountsRoutes } from './accounts/accounts.routes.js';
import { cashRoutes } from './cash/cash.routes.js';
import { catalogRoutes } from './catalog/catalog.routes.js';
import { customersRoutes } from './customers/customers.routes.js';
import { eventsRoutes } from './events/events.routes.js';
import { identityRoutes } from './identity/identity.routes.js';
import { importsRoutes } from './imports/imports.routes.js';
import { invoicingRoutes } from './invoicing/invoicing.routes.js';
import { inventoryRoutes } from './inventory/inventory.routes.js';
import { ordersRoutes } from './orders/orders.routes.js';
import { privacyRoutes } from './privacy/privacy.routes.js';
import { reportsRoutes } from './reports/reports.routes.js';
import { returnsRoutes } from './returns/returns.routes.js';
import { salesRoutes } from './sales/sales.routes.js';
import { salesConflictsRoutes } from './sales-conflicts/sales-conflicts.routes.js';
import { satCatalogsRoutes } from './sat-catalogs/sat-catalogs.routes.js';

/** Every module's HTTP routes, mounted under /api/v1. Add a module here. */
export const apiModules: FastifyPluginAsync[] = [
  identityRoutes,
  catalogRoutes,
  inventoryRoutes,
  eventsRoutes,
  customersRoutes,
  accountsRoutes,
  ordersRoutes,
  cashRoutes,
  salesRoutes,
  returnsRoutes,
  importsRoutes,
  reportsRoutes,
  salesConflictsRoutes,
  satCatalogsRoutes,
  invoicingRoutes,
  privacyRoutes,
];
