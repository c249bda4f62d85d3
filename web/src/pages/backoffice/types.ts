/** Server shapes the back office reads (mirrors of the route schemas in src/modules). */

export interface Sku {
  id: string;
  productId: string;
  sku: string;
  variantName: string;
  attributes: Record<string, string>;
  price: string;
  cost: string | null;
  barcodes: string[];
  reorderPoint: string | null;
  active: boolean;
  version: number;
}

export interface Product {
  id: string;
  name: string;
  description: string | null;
  categoryId: string | null;
  claveProdServ: string;
  claveUnidad: string;
  unitName: string;
  soldByWeight: boolean;
  priceIncludesTax: boolean;
  iva: 'iva16' | 'iva8' | 'iva0' | 'exento';
  ieps: { type: 'rate' | 'quota'; value: string } | null;
  trackLots: boolean;
  active: boolean;
  skus: Sku[];
  createdAt: string;
  updatedAt: string;
}

export interface Category {
  id: string;
  name: string;
  parentId: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
