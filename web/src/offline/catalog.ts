import { get, qs } from '../lib/api';
import type { SellableSku } from '../lib/catalog-types';
import { readFromServer } from './connectivity';
import { type CachedSku, type CachedStock, dbFor, normalizeSearch } from './db';

interface ProductPage {
  items: (Omit<SellableSku, 'productId' | 'productName'> & {
    id: string;
    name: string;
    active: boolean;
    skus: (Pick<
      SellableSku,
      'id' | 'sku' | 'variantName' | 'price' | 'barcodes' | 'channels' | 'active' | 'version'
    > & {
      productId: string;
    })[];
  })[];
  nextCursor: string | null;
}

function toCached(sku: SellableSku): CachedSku {
  return { ...sku, searchText: normalizeSearch(`${sku.productName} ${sku.variantName} ${sku.sku}`) };
}

/** Every sellable SKU of the business, flattened from the product list (prices, taxes, barcodes). */
async function fetchAllSkus(): Promise<SellableSku[]> {
  const out: SellableSku[] = [];
  let cursor: string | null = null;
  do {
    const page: ProductPage = await get<ProductPage>(
      `/products${qs({ limit: 200, cursor, active: 'true' })}`,
      {
        timeoutMs: 30_000,
      },
    );
    for (const p of page.items) {
      for (const s of p.skus) {
        if (!s.active) continue;
        out.push({
          ...s,
          productId: p.id,
          productName: p.name,
          claveProdServ: p.claveProdServ,
          claveUnidad: p.claveUnidad,
          unitName: p.unitName,
          soldByWeight: p.soldByWeight,
          priceIncludesTax: p.priceIncludesTax,
          iva: p.iva,
          ieps: p.ieps,
          trackLots: p.trackLots,
          imageUrls: p.imageUrls,
        });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

interface LevelRow {
  skuId: string;
  locationId: string;
  onHand: string;
  available: string;
}

/** Stock levels of one location; the inventory API answers pages of levels. */
async function fetchLevels(locationId: string): Promise<LevelRow[]> {
  const out: LevelRow[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: LevelRow[]; nextCursor: string | null } = await get(
      `/inventory/levels${qs({ locationId, limit: 500, cursor })}`,
      { timeoutMs: 30_000 },
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Copies the catalog and this location's stock into the browser so the terminal can scan,
 * price and warn about stock without the server. Returns false when the server is unreachable.
 */
export async function refreshCatalog(tenantId: string, locationId: string): Promise<boolean> {
  const db = dbFor(tenantId);
  const copied = await readFromServer(async () => {
    const skus = await fetchAllSkus();
    await db.transaction('rw', db.skus, db.kv, async () => {
      await db.skus.clear();
      await db.skus.bulkPut(skus.map(toCached));
      await db.kv.put({ key: 'catalogRefreshedAt', value: new Date().toISOString() });
    });
  });
  if (!copied) return false;
  try {
    const levels = await fetchLevels(locationId);
    const now = new Date().toISOString();
    await db.transaction('rw', db.stock, async () => {
      await db.stock.where('locationId').equals(locationId).delete();
      await db.stock.bulkPut(
        levels.map(
          (l): CachedStock => ({
            locationId,
            skuId: l.skuId,
            onHand: l.onHand,
            available: l.available,
            updatedAt: now,
          }),
        ),
      );
    });
  } catch (err) {
    // Stock is a warning aid; a catalog without it still sells.
    console.warn('stock levels not loaded', err);
  }
  return true;
}

export async function cachedSkuByBarcode(tenantId: string, code: string): Promise<CachedSku | undefined> {
  return dbFor(tenantId).skus.where('barcodes').equals(code).first();
}

/** Name/SKU search in the browser copy: every word must appear. */
export async function searchCachedSkus(tenantId: string, q: string, limit = 20): Promise<CachedSku[]> {
  const words = normalizeSearch(q).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return dbFor(tenantId)
    .skus.filter((s) => words.every((w) => s.searchText.includes(w)))
    .limit(limit)
    .toArray();
}

export async function rememberSku(tenantId: string, sku: SellableSku): Promise<void> {
  await dbFor(tenantId).skus.put(toCached(sku));
}

export async function setStock(
  tenantId: string,
  row: { locationId: string; skuId: string; available: string; onHand: string },
): Promise<void> {
  await dbFor(tenantId).stock.put({ ...row, updatedAt: new Date().toISOString() });
}
