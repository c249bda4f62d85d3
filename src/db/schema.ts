import type { AccountsTables } from '../modules/accounts/accounts.tables.js';
import type { CashTables } from '../modules/cash/cash.tables.js';
import type { CatalogTables } from '../modules/catalog/catalog.tables.js';
import type { CustomersTables } from '../modules/customers/customers.tables.js';
import type { EventsTables } from '../modules/events/events.tables.js';
import type { IdentityTables } from '../modules/identity/identity.tables.js';
import type { InvoicingTables } from '../modules/invoicing/invoicing.tables.js';
import type { InventoryTables } from '../modules/inventory/inventory.tables.js';
import type { OrdersTables } from '../modules/orders/orders.tables.js';
import type { PrivacyTables } from '../modules/privacy/privacy.tables.js';
import type { ReturnsTables } from '../modules/returns/returns.tables.js';
import type { SalesTables } from '../modules/sales/sales.tables.js';
import type { SaleConflictsTables } from '../modules/sales-conflicts/sales-conflicts.tables.js';

/**
 * The whole database as Kysely sees it: each module declares its own tables in
 * `<module>.tables.ts` and they are joined here.
 */
export interface DB
  extends IdentityTables,
    CatalogTables,
    EventsTables,
    InventoryTables,
    CustomersTables,
    OrdersTables,
    CashTables,
    SalesTables,
    ReturnsTables,
    InvoicingTables,
    SaleConflictsTables,
    PrivacyTables,
    AccountsTables {}
