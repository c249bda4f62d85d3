import { get, qs } from '../lib/api';
import type { Sale } from '../lib/endpoints';
import { businessToday } from '../lib/format';
import { readFromServer } from './connectivity';
import { type CachedSale, dbFor } from './db';

/** How many days back a till keeps its location's sales, for returns without a connection. */
export const RECENT_SALE_DAYS = 7;

/** The location whose sales this page keeps (the live stream's events name theirs). */
let keptLocation: string | null = null;

/** From now on the live stream's sales of this location are copied (the till's location). */
export function keepSalesOf(locationId: string): void {
  keptLocation = locationId;
}

function cached(sale: Sale): CachedSale {
  return { ...sale, syncedAt: new Date().toISOString() };
}

/**
 * Copies the location's sales of the last RECENT_SALE_DAYS business days (whole: lines, what was
 * returned of each) into the browser: the first copy of a business day takes them all, later
 * ones only today's; older ones are dropped. With `streamLive` (the live stream is connected and
 * keeps the copy current by itself) a copy of the day already made is not read again. Returns
 * false when the server is unreachable.
 */
export async function refreshRecentSales(
  tenantId: string,
  locationId: string,
  opts: { streamLive?: boolean } = {},
): Promise<boolean> {
  keptLocation = locationId;
  const db = dbFor(tenantId);
  const today = businessToday();
  const oldest = businessToday(new Date(Date.now() - RECENT_SALE_DAYS * 86_400_000));
  const mark = `${locationId}:${today}`;
  const whole = (await db.kv.get('recentSalesDay'))?.value !== mark;
  if (!whole && opts.streamLive) return true;
  const copied = await readFromServer(async () => {
    let cursor: string | null = null;
    do {
      const page: { items: Sale[]; nextCursor: string | null } = await get(
        `/sales/for-return${qs({ locationId, from: whole ? oldest : today, limit: 200, cursor })}`,
        { timeoutMs: 30_000 },
      );
      await db.sales.bulkPut(page.items.map(cached));
      cursor = page.nextCursor;
    } while (cursor);
  });
  if (!copied) return false;
  if (whole) {
    // the oldest day kept starts at its business midnight, at most a day earlier than this cut
    const cut = new Date(Date.now() - (RECENT_SALE_DAYS + 1) * 86_400_000).toISOString();
    await db.sales.where('createdAt').below(cut).delete();
    await db.sales.where('locationId').notEqual(locationId).delete();
    await db.kv.put({ key: 'recentSalesDay', value: mark });
  }
  return true;
}

/**
 * A sale of the kept location was made or had something returned (the live stream said so, from
 * any till): its copy is read again. Others are ignored.
 */
export async function refreshSaleCopy(
  tenantId: string,
  event: { saleId?: string; locationId?: string },
): Promise<void> {
  if (!event.saleId || !keptLocation || event.locationId !== keptLocation) return;
  const sale = await get<Sale>(`/sales/${encodeURIComponent(event.saleId)}`);
  await dbFor(tenantId).sales.put(cached(sale));
}
