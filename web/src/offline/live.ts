import { get } from '../lib/api';
import { openEventStream } from '../lib/event-stream';
import type { SellableSku } from '../lib/catalog-types';
import { createStore } from '../lib/store';
import { dbFor, normalizeSearch } from './db';
import { refreshSaleCopy } from './sales';

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
 * stock copy (the sell screen reads it live), catalog changes refresh the product, and a sale of
 * this location made or returned at any till refreshes its copy (for returns without a
 * connection). The stream is kept open across network cuts (lib/event-stream.ts).
 */
export function startLiveStream(tenantId: string): () => void {
  const seen = () => liveState.set({ connected: true, lastEventAt: new Date().toISOString() });
  const onProduct = (ev: MessageEvent<string>) => {
    seen();
    const msg = JSON.parse(ev.data) as { data: { productId: string } };
    void refreshProduct(tenantId, msg.data.productId).catch(() => {});
  };
  const onSale = (ev: MessageEvent<string>) => {
    seen();
    const msg = JSON.parse(ev.data) as { data: { saleId?: string; locationId?: string } };
    void refreshSaleCopy(tenantId, msg.data).catch((e) => console.warn('sale copy not refreshed', e));
  };
  return openEventStream(
    'stock.changed,product.*,sale.completed,return.recorded',
    {
      'stock.changed': (ev) => {
        seen();
        const d = (JSON.parse(ev.data) as { data: StockChanged }).data;
        void dbFor(tenantId).stock.put({
          locationId: d.locationId,
          skuId: d.skuId,
          onHand: d.onHand,
          available: d.available,
          updatedAt: new Date().toISOString(),
        });
      },
      'product.created': onProduct,
      'product.updated': onProduct,
      'sale.completed': onSale,
      'return.recorded': onSale,
    },
    (connected) => liveState.set({ ...liveState.get(), connected }),
  );
}
