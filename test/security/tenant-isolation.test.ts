import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.js';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../helpers/app.js';
import { nextEan13 } from '../helpers/factories.js';

/**
 * One business never sees another's rows. Business A gets data through the public API (every
 * module whose routes exist); then B's owner asks every GET route with one `:param` for A's ids
 * (404 expected) and every list route (A's ids must not appear). Routes for which the walk has
 * no id of A are counted and printed, so a module that lands later is noticed, not missed.
 */

let env: TestEnv;
let a: TestBusiness;
let b: TestBusiness;

/** A's ids by prefix (`prd`, `sku`, …), harvested from every answer A's owner got. */
const idsOfA = new Map<string, Set<string>>();
/** Values of A for parameters that are not typed ids (`:code` is a barcode). */
const valuesOfA = new Map<string, Set<string>>();
const seedLog: string[] = [];

const ID_RE = /^([a-z]+)_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Which id prefix a route parameter takes. */
const PARAM_PREFIX: Record<string, string> = {
  productId: 'prd',
  skuId: 'sku',
  categoryId: 'cat',
  customerId: 'cus',
  saleId: 'sale',
  orderId: 'ord',
  locationId: 'loc',
  userId: 'usr',
  tokenId: 'tok',
  registerId: 'reg',
  cashSessionId: 'cs',
  sessionId: 'cs',
  returnId: 'ret',
  webhookId: 'whk',
  deliveryId: 'whd',
  lotId: 'lot',
  reservationId: 'res',
  transferId: 'trf',
  countId: 'cnt',
  invoiceId: 'inv',
  importId: 'imp',
  parkedTicketId: 'park',
  movementId: 'cmv',
};

function harvest(value: unknown, key = ''): void {
  if (typeof value === 'string') {
    const m = ID_RE.exec(value);
    if (m && m[1] !== 'ten') {
      if (!idsOfA.has(m[1]!)) idsOfA.set(m[1]!, new Set());
      idsOfA.get(m[1]!)!.add(value);
    }
    if ((key === 'barcodes' || key === 'barcode') && /^\d{8,14}$/.test(value)) {
      if (!valuesOfA.has('code')) valuesOfA.set('code', new Set());
      valuesOfA.get('code')!.add(value);
    }
    return;
  }
  if (Array.isArray(value)) for (const v of value) harvest(v, key);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) harvest(v, k);
}

const first = (prefix: string): string => {
  const s = idsOfA.get(prefix);
  if (!s || s.size === 0) throw new Skip(`no ${prefix}_ id yet`);
  return [...s][0]!;
};

class Skip extends Error {}

type Body = () => unknown;
const MARK = 'Aislamiento';

/** What A creates, in order; each step may use ids harvested from the ones before. */
const seeders: { url: string; body: Body; as?: 'owner' | 'manager' | 'cashier' }[] = [
  { url: '/api/v1/categories', body: () => ({ name: `Bebidas ${MARK}` }) },
  {
    url: '/api/v1/products',
    body: () => ({
      name: `Refresco ${MARK} 600 ml`,
      claveProdServ: '50202306',
      claveUnidad: 'H87',
      iva: 'iva16',
      ieps: null,
      skus: [{ sku: `AISL-${Date.now().toString(36)}`, price: '18.00', barcodes: [nextEan13()] }],
    }),
  },
  {
    url: '/api/v1/inventory/receipts',
    body: () => ({ locationId: a.storeId, lines: [{ skuId: first('sku'), quantity: '50' }] }),
  },
  {
    url: '/api/v1/inventory/reservations',
    body: () => ({
      skuId: first('sku'),
      locationId: a.storeId,
      quantity: '1',
      expiresAt: new Date(env.clock.now.getTime() + 3_600_000).toISOString(),
      holderType: 'whatsapp_cart',
      holderId: 'cart-aislamiento',
    }),
  },
  {
    url: '/api/v1/inventory/transfers',
    body: () => ({
      fromLocationId: a.storeId,
      toLocationId: a.warehouseId,
      lines: [{ skuId: first('sku'), quantity: '1' }],
    }),
  },
  { url: '/api/v1/inventory/counts', body: () => ({ locationId: a.warehouseId }) },
  { url: '/api/v1/customers', body: () => ({ name: `Cliente ${MARK}`, phone: '5512345678' }) },
  {
    url: '/api/v1/orders',
    body: () => ({
      channel: 'whatsapp',
      locationId: a.storeId,
      fulfilment: 'pickup',
      customerId: first('cus'),
      lines: [{ skuId: first('sku'), quantity: '1' }],
    }),
  },
  { url: '/api/v1/registers', body: () => ({ locationId: a.storeId, name: 'Caja 1' }) },
  {
    url: '/api/v1/cash-sessions',
    body: () => ({ registerId: first('reg'), openingFloat: '500.00' }),
    as: 'cashier',
  },
  {
    url: '/api/v1/sales',
    body: () => ({
      id: newId('sale'),
      registerId: first('reg'),
      cashSessionId: first('cs'),
      customerId: first('cus'),
      lines: [{ skuId: first('sku'), quantity: '2' }],
      payments: [{ method: 'cash', amount: '100.00' }],
    }),
    as: 'cashier',
  },
  {
    url: '/api/v1/returns',
    body: () => ({
      saleId: first('sale'),
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'cash' },
    }),
    as: 'cashier',
  },
  { url: '/api/v1/webhooks', body: () => ({ url: 'http://127.0.0.1:9/hooks', events: ['*'] }) },
  { url: '/api/v1/api-tokens', body: () => ({ name: 'Integración Aislamiento' }) },
];

/** List routes that need a query to show anything. */
const LIST_QUERY: Record<string, string> = {
  '/api/v1/catalog/search': `?q=${MARK}`,
  '/api/v1/customers/lookup': '?phone=5512345678',
};
/** Never answered with a whole body (a stream). */
const NOT_A_LIST = new Set(['/api/v1/events/stream']);

beforeAll(async () => {
  env = await createTestEnv();
  a = await env.givenBusiness('Abarrotes A');
  b = await env.givenBusiness('Abarrotes B');
  const has = (url: string) => env.app.routeTable.some((r) => r.method === 'POST' && r.url === url);
  for (const s of seeders) {
    if (!has(s.url)) {
      seedLog.push(`- ${s.url}: no such route yet`);
      continue;
    }
    try {
      const res = await call(env.app, a.as[s.as ?? 'owner'], 'POST', s.url, s.body());
      if (res.statusCode >= 300) seedLog.push(`- ${s.url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      else {
        harvest(res.json());
        seedLog.push(`+ ${s.url}`);
      }
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      seedLog.push(`- ${s.url}: skipped, ${err.message}`);
    }
  }
  // Whatever A can list is A's too (its locations, users, the rows just made).
  for (const r of listRoutes()) {
    const res = await call(env.app, a.as.owner, 'GET', r + (LIST_QUERY[r] ?? ''));
    if (res.statusCode === 200 && String(res.headers['content-type']).includes('json')) harvest(res.json());
  }
  console.log(`tenant isolation seeding:\n${seedLog.join('\n')}`);
});
afterAll(() => env.close());

function listRoutes(): string[] {
  return env.app.routeTable
    .filter((r) => r.method === 'GET' && r.url.startsWith('/api/') && !r.url.includes(':'))
    .filter((r) => r.access !== 'public' && !NOT_A_LIST.has(r.url))
    .map((r) => r.url);
}

function allIdsOfA(): string[] {
  return [...idsOfA.values()].flatMap((s) => [...s]);
}

describe('tenant isolation', () => {
  it('business A has data in the modules that exist', () => {
    expect(idsOfA.get('prd')?.size ?? 0).toBeGreaterThan(0);
    expect(idsOfA.get('sku')?.size ?? 0).toBeGreaterThan(0);
  });

  it("answers 404 to B for every one of A's rows behind a GET route with one :param", async () => {
    const checked: string[] = [];
    const skipped: string[] = [];
    const failures: string[] = [];
    const routes = env.app.routeTable.filter(
      (r) =>
        r.method === 'GET' &&
        r.url.startsWith('/api/') &&
        (r.url.match(/:[A-Za-z0-9_]+/g) ?? []).length === 1,
    );
    for (const r of routes) {
      const param = r.url.match(/:([A-Za-z0-9_]+)/)![1]!;
      const prefix = PARAM_PREFIX[param];
      const candidates = prefix ? idsOfA.get(prefix) : valuesOfA.get(param);
      if (!candidates || candidates.size === 0) {
        skipped.push(`${r.url} (no id of A for :${param})`);
        continue;
      }
      for (const id of candidates) {
        const url = r.url.replace(`:${param}`, encodeURIComponent(id));
        const own = await call(env.app, a.as.owner, 'GET', url);
        const res = await call(env.app, b.as.owner, 'GET', url);
        checked.push(`${url} (A: ${own.statusCode})`);
        if (res.statusCode !== 404)
          failures.push(`${url} as B → ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
    }
    console.log(
      `tenant isolation, one-param GET routes: ${checked.length} requests checked, ${skipped.length} routes skipped\n` +
        skipped.map((s) => `  skipped ${s}`).join('\n'),
    );
    expect(checked.length).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it("never shows A's ids in any of B's list answers", async () => {
    const mine = allIdsOfA();
    expect(mine.length).toBeGreaterThan(0);
    const failures: string[] = [];
    const routes = listRoutes();
    for (const r of routes) {
      const res = await call(env.app, b.as.owner, 'GET', r + (LIST_QUERY[r] ?? ''));
      const leaked = mine.filter((id) => res.body.includes(id));
      if (leaked.length) failures.push(`${r} → ${leaked.join(', ')}`);
      if (res.body.includes(MARK)) failures.push(`${r} → shows A's "${MARK}" rows`);
    }
    console.log(`tenant isolation, list routes: ${routes.length} checked for ${mine.length} ids of A`);
    expect(failures).toEqual([]);
  });
});
