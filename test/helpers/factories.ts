import { createProduct, type Product } from '../../src/modules/catalog/catalog.service.js';
import type { Ctx } from '../../src/shared/context.js';
import { gs1CheckDigit } from '../../src/modules/catalog/barcode.js';

let n = 0;

/** A valid EAN-13 that no other test product uses. */
export function nextEan13(): string {
  n++;
  const body = `750${String(Date.now() % 1e6).padStart(6, '0')}${String(n).padStart(3, '0')}`.slice(0, 12);
  return body + gs1CheckDigit(body);
}

export interface GivenProductInput {
  sku?: string;
  name?: string;
  price?: string;
  iva?: 'iva16' | 'iva8' | 'iva0' | 'exento';
  ieps?: { type: 'rate' | 'quota'; value: string } | null;
  priceIncludesTax?: boolean;
  soldByWeight?: boolean;
  barcode?: string;
  trackLots?: boolean;
}

/** A product with one SKU, built through the catalog service. */
export async function givenProduct(ctx: Ctx, input: GivenProductInput = {}): Promise<Product> {
  n++;
  return createProduct(ctx, {
    name: input.name ?? `Producto ${n}`,
    claveProdServ: input.soldByWeight ? '50301500' : '50202306',
    claveUnidad: input.soldByWeight ? 'KGM' : 'H87',
    soldByWeight: input.soldByWeight ?? false,
    priceIncludesTax: input.priceIncludesTax ?? true,
    iva: input.iva ?? 'iva16',
    ieps: input.ieps ?? null,
    trackLots: input.trackLots ?? false,
    skus: [
      {
        sku: input.sku ?? `SKU-${n}-${Math.random().toString(36).slice(2, 7)}`,
        price: input.price ?? '18.00',
        barcodes: [input.barcode ?? nextEan13()],
      },
    ],
  });
}
