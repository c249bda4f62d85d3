import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireSatTools } from '../../src/modules/invoicing/cfdi/testing.js';
import { CSD_PASSWORD, fixture, XmlCollector } from '../../src/modules/invoicing/invoicing.testkit.js';
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
  conflictId: 'scf',
  requestId: 'prq',
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
const last = (prefix: string): string => {
  const s = idsOfA.get(prefix);
  if (!s || s.size === 0) throw new Skip(`no ${prefix}_ id yet`);
  return [...s][s.size - 1]!;
};

class Skip extends Error {}

type Body = () => unknown;
const MARK = 'Aislamiento';

/** What A creates, in order; each step may use ids harvested from the ones before. */
const seeders: {
  url: string | (() => string);
  /** The route as registered, when `url` carries a parameter. */
  route?: string;
  method?: 'POST' | 'PUT';
  body: Body;
  as?: 'owner' | 'manager' | 'cashier';
}[] = [
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
  // Invoicing: the fiscal setup with SAT's test CSD, then an invoice of the sale above (net of
  // its return) stamped by the sandbox PAC, and a credit note for a return made after it.
  {
    url: '/api/v1/invoicing/setup/profile',
    method: 'PUT',
    body: () => ({ rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' }),
  },
  {
    url: () => `/api/v1/invoicing/setup/locations/${a.storeId}`,
    route: '/api/v1/invoicing/setup/locations/:locationId',
    method: 'PUT',
    body: () => ({ postalCode: '42501' }),
  },
  {
    url: '/api/v1/invoicing/setup/csd',
    body: () => ({
      cer: fixture('EKU9003173C9.cer').toString('base64'),
      key: fixture('EKU9003173C9.key').toString('base64'),
      password: CSD_PASSWORD,
    }),
  },
  {
    url: '/api/v1/invoicing/invoices',
    body: () => ({
      saleIds: [first('sale')],
      receptor: {
        rfc: 'CACX7605101P8',
        nombre: 'XOCHILT CASAS CHAVEZ',
        regimenFiscal: '612',
        codigoPostal: '36257',
        usoCfdi: 'G03',
      },
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
  { url: '/api/v1/invoicing/credit-notes', body: () => ({ returnId: last('ret') }), as: 'manager' },
  { url: '/api/v1/webhooks', body: () => ({ url: 'http://127.0.0.1:9/hooks', events: ['*'] }) },
  { url: '/api/v1/api-tokens', body: () => ({ name: 'Integración Aislamiento' }) },
  // An ARCO request of one of A's customers.
  {
    url: '/api/v1/privacy-requests',
    body: () => ({ customerId: first('cus'), kind: 'access', channel: 'email', details: MARK }),
    as: 'manager',
  },
  // A sale the server refused after the terminal queued it offline (last: its sale id is new).
  {
    url: '/api/v1/sale-conflicts',
    body: () => ({
      sale: {
        id: newId('sale'),
        registerId: first('reg'),
        lines: [{ skuId: first('sku'), quantity: '1' }],
        payments: [{ method: 'cash', amount: '18.00' }],
      },
      error: { code: 'CASH_SESSION_CLOSED', message: 'La caja ya estaba cerrada.' },
      total: '18.00',
      summary: `1 × Refresco ${MARK}`,
    }),
    as: 'cashier',
  },
];

/** List routes that need a query to show anything. */
const LIST_QUERY: Record<string, string> = {
  '/api/v1/catalog/search': `?q=${MARK}`,
  '/api/v1/customers/lookup': '?phone=5512345678',
  '/api/v1/invoicing/reports/undocumented-sales': '?from=2026-01-01&to=2026-12-31',
};
/**
 * Public routes whose parameter no session guards, and why the walk leaves them to their own
 * check. The self-invoicing download is reached by a link the page hands out; the file name is
 * just the invoice id, the HMAC signature of (tenant, id, kind, expiry) with the invoice's own
 * secret is what opens it: checked below with A's ids and a forged signature.
 */
const SIGNED_PUBLIC: Record<string, string> = {
  '/api/v1/privacy-notice/:businessId':
    "public by design: a business's published privacy notice, what anyone giving it data may read",
  '/api/v1/invoicing/public/files/:file':
    'public download by signed link (HMAC over tenant, id, kind, expiry); forged links are checked in their own test',
};
/** Never answered with a whole body (a stream). */
const NOT_A_LIST = new Set(['/api/v1/events/stream']);

beforeAll(async () => {
  env = await createTestEnv();
  a = await env.givenBusiness('Abarrotes A');
  b = await env.givenBusiness('Abarrotes B');
  const has = (method: string, url: string) =>
    env.app.routeTable.some((r) => r.method === method && r.url === url);
  for (const s of seeders) {
    const method = s.method ?? 'POST';
    const route = s.route ?? (s.url as string);
    if (!has(method, route)) {
      seedLog.push(`- ${method} ${route}: no such route yet`);
      continue;
    }
    try {
      const url = typeof s.url === 'function' ? s.url() : s.url;
      const res = await call(env.app, a.as[s.as ?? 'owner'], method, url, s.body());
      if (res.statusCode >= 300)
        seedLog.push(`- ${method} ${route}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      else {
        harvest(res.json());
        seedLog.push(`+ ${method} ${route}`);
      }
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      seedLog.push(`- ${method} ${route}: skipped, ${err.message}`);
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
    // An invoice and its credit note, and a sale conflict.
    expect(idsOfA.get('inv')?.size ?? 0).toBeGreaterThanOrEqual(2);
    expect(idsOfA.get('scf')?.size ?? 0).toBe(1);
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
      if (SIGNED_PUBLIC[r.url]) {
        skipped.push(`${r.url} (${SIGNED_PUBLIC[r.url]})`);
        continue;
      }
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
    for (const route of ['/api/v1/invoicing/invoices/', '/api/v1/sale-conflicts/'])
      expect(
        checked.some((c) => c.startsWith(route)),
        route,
      ).toBe(true);
    expect(failures).toEqual([]);
  });

  it("A's invoice (net of the return before it) and credit note are stamped and pass SAT's checks", async () => {
    requireSatTools();
    const xmls = new XmlCollector();
    const docs: Array<{ kind: string; total: string; status: string }> = [];
    for (const id of idsOfA.get('inv') ?? []) {
      const inv = await call(env.app, a.as.owner, 'GET', `/api/v1/invoicing/invoices/${id}`);
      docs.push(inv.json());
      const xml = await call(env.app, a.as.owner, 'GET', `/api/v1/invoicing/invoices/${id}/xml`);
      xmls.add(inv.json().kind, xml.body);
    }
    // Two refrescos at 18.00, one returned before the invoice and one after it.
    expect(docs.map((d) => [d.kind, d.total, d.status]).sort()).toEqual([
      ['egreso', '18.00', 'stamped'],
      ['ingreso', '18.00', 'stamped'],
    ]);
    expect(await xmls.expectAllPass()).toBe(2);
  }, 60_000);

  it("never hands out A's invoice files through the public link without A's signature", async () => {
    const invoices = [...(idsOfA.get('inv') ?? [])];
    expect(invoices.length).toBeGreaterThan(0);
    const exp = Math.floor(env.clock.now.getTime() / 1000) + 86_400;
    for (const id of invoices) {
      for (const t of [a.tenantId, b.tenantId]) {
        const url = `/api/v1/invoicing/public/files/${id}.xml?t=${encodeURIComponent(t)}&exp=${exp}&sig=${'A'.repeat(43)}`;
        const res = await call(env.app, b.as.owner, 'GET', url);
        expect(res.statusCode, url).toBe(404);
        expect(res.json().error.code).toBe('SELF_INVOICE_LINK_INVALID');
        expect(res.body).not.toContain('cfdi:Comprobante');
      }
    }
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
