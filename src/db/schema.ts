import type { CatalogTables } from '../modules/catalog/catalog.tables.js';
import type { IdentityTables } from '../modules/identity/identity.tables.js';

/**
 * The whole database as Kysely sees it: each module declares its own tables in
 * `<module>.tables.ts` and they are joined here.
 */
export interface DB extends IdentityTables, CatalogTables {}
