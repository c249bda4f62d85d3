import { API_BASE, get } from '../lib/api';
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
 * connection). EventSource reconnects by itself and resumes from the last event id, except when
 * a reconnection fails outright (the network was down): the browser then gives up, so a new one
 * is opened a few seconds later, or as soon as the browser is back online, resuming from the last
 * event seen (`?lastEventId=`).
 */
export function startLiveStream(tenantId: string): () => void {
  const types = 'stock.changed,product.*,sale.completed,return.recorded';
  let es: EventSource | null = null;
  let lastId: string | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const seen = (ev: Event) => {
    const id = (ev as MessageEvent).lastEventId;
    if (id) lastId = id;
    liveState.set({ connected: true, lastEventAt: new Date().toISOString() });
  };
  const onStock = (ev: Event) => {
    seen(ev);
    const msg = JSON.parse((ev as MessageEvent<string>).data) as { data: StockChanged };
    const d = msg.data;
    void dbFor(tenantId).stock.put({
      locationId: d.locationId,
      skuId: d.skuId,
      onHand: d.onHand,
      available: d.available,
      updatedAt: new Date().toISOString(),
    });
  };
  const onProduct = (ev: Event) => {
    seen(ev);
    const msg = JSON.parse((ev as MessageEvent<string>).data) as { data: { productId: string } };
    void refreshProduct(tenantId, msg.data.productId).catch(() => {});
  };
  const onSale = (ev: Event) => {
    seen(ev);
    const msg = JSON.parse((ev as MessageEvent<string>).data) as {
      data: { saleId?: string; locationId?: string };
    };
    void refreshSaleCopy(tenantId, msg.data).catch((e) => console.warn('sale copy not refreshed', e));
  };
  const connect = () => {
    if (stopped) return;
    if (retry) clearTimeout(retry);
    retry = null;
    es?.close();
    const resume = lastId ? `&lastEventId=${encodeURIComponent(lastId)}` : '';
    const source = new EventSource(`${API_BASE}/events/stream?types=${types}${resume}`, {
      withCredentials: true,
    });
    es = source;
    source.onopen = () => liveState.set({ ...liveState.get(), connected: true });
    source.onerror = () => {
      liveState.set({ ...liveState.get(), connected: false });
      if (source.readyState === EventSource.CLOSED && !retry) retry = setTimeout(connect, 3000);
    };
    source.addEventListener('stock.changed', onStock);
    source.addEventListener('product.created', onProduct);
    source.addEventListener('product.updated', onProduct);
    source.addEventListener('sale.completed', onSale);
    source.addEventListener('return.recorded', onSale);
  };
  const back = () => {
    if (es?.readyState !== EventSource.OPEN) connect();
  };
  window.addEventListener('online', back);
  connect();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    window.removeEventListener('online', back);
    es?.close();
  };
}
