import { API_BASE, get } from '../lib/api';
import type { SellableSku } from '../lib/catalog-types';
import { createStore } from '../lib/store';
import { dbFor, normalizeSearch } from './db';

export const liveState = createStore<{ connected: boolean; lastEventAt: string | null }>({
  connected: false,
  lastEventAt: null,
});

interface StockChanged {
  skuId: string;
  locationId: string;
  onHand: string;
  available: string;
}

interface ProductRow {
  id: string;
  name: string;
  claveProdServ: string;
  claveUnidad: string;
  unitName: string;
  soldByWeight: boolean;
  priceIncludesTax: boolean;
  iva: SellableSku['iva'];
  ieps: SellableSku['ieps'];
  trackLots: boolean;
  imageUrls: string[];
  active: boolean;
  skus: Omit<
    SellableSku,
    | 'productName'
    | 'claveProdServ'
    | 'claveUnidad'
    | 'unitName'
    | 'soldByWeight'
    | 'priceIncludesTax'
    | 'iva'
    | 'ieps'
    | 'trackLots'
    | 'imageUrls'
  >[];
}

/** A price or barcode changed: copy that product's SKUs again. */
async function refreshProduct(tenantId: string, productId: string): Promise<void> {
  const p = await get<ProductRow>(`/products/${encodeURIComponent(productId)}`);
  const db = dbFor(tenantId);
  await db.transaction('rw', db.skus, async () => {
    await db.skus
      .where('id')
      .anyOf(p.skus.map((s) => s.id))
      .delete();
    const rows = p.skus
      .filter((s) => s.active && p.active)
      .map((s) => {
        const sku: SellableSku = {
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
        };
        return { ...sku, searchText: normalizeSearch(`${sku.productName} ${sku.variantName} ${sku.sku}`) };
      });
    await db.skus.bulkPut(rows);
  });
}

/**
 * Listens to the server's event stream: stock changes from any channel land in the browser's
 * stock copy (the sell screen reads it live), catalog changes refresh the product. EventSource
 * reconnects by itself and resumes from the last event id.
 */
export function startLiveStream(tenantId: string): () => void {
  const es = new EventSource(`${API_BASE}/events/stream?types=stock.changed,product.*`, {
    withCredentials: true,
  });
  es.onopen = () => liveState.set({ ...liveState.get(), connected: true });
  es.onerror = () => liveState.set({ ...liveState.get(), connected: false });
  es.addEventListener('stock.changed', (ev) => {
    const msg = JSON.parse((ev as MessageEvent<string>).data) as { data: StockChanged };
    const d = msg.data;
    void dbFor(tenantId).stock.put({
      locationId: d.locationId,
      skuId: d.skuId,
      onHand: d.onHand,
      available: d.available,
      updatedAt: new Date().toISOString(),
    });
    liveState.set({ connected: true, lastEventAt: new Date().toISOString() });
  });
  const onProduct = (ev: Event) => {
    const msg = JSON.parse((ev as MessageEvent<string>).data) as { data: { productId: string } };
    void refreshProduct(tenantId, msg.data.productId).catch(() => {});
  };
  es.addEventListener('product.created', onProduct);
  es.addEventListener('product.updated', onProduct);
  return () => es.close();
}
