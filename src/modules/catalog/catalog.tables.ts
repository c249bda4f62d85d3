import type { Generated } from 'kysely';
import type { JsonDefault, Numeric, TimestampDefault } from '../../db/types.js';

export type IvaKind = 'iva16' | 'iva8' | 'iva0' | 'exento';
export type IepsType = 'none' | 'rate' | 'quota';
export type Channel = 'counter' | 'whatsapp' | 'online';

export interface ChannelSetting {
  available?: boolean;
  price?: string;
}

export interface CategoriesTable {
  tenant_id: string;
  id: string;
  name: string;
  parent_id: string | null;
  created_at: TimestampDefault;
}

export interface ProductsTable {
  tenant_id: string;
  id: string;
  name: string;
  description: string | null;
  category_id: string | null;
  clave_prod_serv: string;
  clave_unidad: string;
  unit_name: Generated<string>;
  sold_by_weight: Generated<boolean>;
  price_includes_tax: Generated<boolean>;
  iva: IvaKind;
  ieps_type: Generated<IepsType>;
  ieps_value: Numeric | null;
  image_urls: Generated<string[]>;
  track_lots: Generated<boolean>;
  active: Generated<boolean>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface SkusTable {
  tenant_id: string;
  id: string;
  product_id: string;
  sku: string;
  variant_name: Generated<string>;
  attributes: JsonDefault<Record<string, string>>;
  price: Numeric;
  cost: Numeric | null;
  channels: JsonDefault<Partial<Record<Channel, ChannelSetting>>>;
  reorder_point: Numeric | null;
  active: Generated<boolean>;
  search_text: string;
  version: Generated<number>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface BarcodesTable {
  tenant_id: string;
  code: string;
  sku_id: string;
  created_at: TimestampDefault;
}

/** The words of each SKU's search_text, written by triggers on skus (migration 015); only read here. */
export interface SkuSearchTermsTable {
  tenant_id: string;
  sku_id: string;
  term: string;
  ordinal: number;
  sort_key: string;
}

/** Every word a tenant's SKUs have used, for fragments inside words; written by the same triggers. */
export interface SkuSearchWordsTable {
  tenant_id: string;
  word: string;
}

/**
 * A SKU's price, channel prices and taxes at each version (migration 032), from `valid_from` to
 * the next version's; written by triggers on skus, read to record a sale a till priced earlier.
 */
export interface SkuPriceVersionsTable {
  tenant_id: string;
  sku_id: string;
  version: number;
  price: string;
  channels: Partial<Record<Channel, ChannelSetting>>;
  price_includes_tax: boolean;
  iva: IvaKind;
  ieps_type: IepsType;
  ieps_value: string | null;
  active: boolean;
  valid_from: Date;
}

export interface CatalogTables {
  categories: CategoriesTable;
  products: ProductsTable;
  skus: SkusTable;
  barcodes: BarcodesTable;
  sku_search_terms: SkuSearchTermsTable;
  sku_search_words: SkuSearchWordsTable;
  sku_price_versions: SkuPriceVersionsTable;
}
