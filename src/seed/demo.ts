import { setImmediate } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { ulid } from 'ulid';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { recordAccountPayment, recordOpeningBalance } from '../modules/accounts/accounts.service.js';
import { createCustomer } from '../modules/customers/customers.service.js';
import { createCategory, createProducts, getSellableSkus } from '../modules/catalog/catalog.service.js';
import { gs1CheckDigit } from '../modules/catalog/barcode.js';
import {
  cashSessionReport,
  closeCashSession,
  createRegister,
  openCashSession,
} from '../modules/cash/cash.service.js';
import { createBusiness, createUser } from '../modules/identity/identity.service.js';
import {
  createCount,
  getStockLevels,
  postCount,
  receiveStock,
  recordCountLines,
} from '../modules/inventory/inventory.service.js';
import { changeOrderStatus, createOrder } from '../modules/orders/orders.service.js';
import { recordPrivacyRequest } from '../modules/privacy/privacy.service.js';
import { type PaymentInput, priceSale } from '../modules/sales/pricing.js';
import { recordSale } from '../modules/sales/sales.service.js';
import { type Ctx, systemCtx } from '../shared/context.js';
import { D, toQuantity } from '../shared/money.js';
import { businessDate, startOfBusinessDay } from '../shared/time.js';
import { DEMO_PRODUCTS, type DemoProduct } from './demo-catalog.js';

export const DEMO_BUSINESS = 'Abarrotes La Esperanza';
export const DEMO_OWNER = {
  email: 'duena@laesperanza.mx',
  password: 'Esperanza2026!',
  name: 'Esperanza Ramírez',
};
export const DEMO_CASHIER = {
  email: 'cajero@laesperanza.mx',
  password: 'Cajero2026!',
  name: 'Luis Hernández',
};

export interface SeedDemoOptions {
  /** The "today" of the demo: sales run over the 21 days before it. */
  now?: Date;
  /** Days of past sales (21) and sales per day (about 20); tests use fewer. */
  days?: number;
  salesPerDay?: number;
  /**
   * Return once the catalog, stock and users are in, without the past sales: the caller starts
   * them with `recordSales` (a first start does once it listens).
   */
  deferSales?: boolean;
}

export interface SeedDemoResult {
  tenantId: string;
  ownerEmail: string;
  ownerPassword: string;
  cashierEmail: string;
  cashierPassword: string;
  /** False when the demo business was already there (nothing was written). */
  created: boolean;
  products: number;
  /** Sales recorded (0 when deferred: see recordSales). */
  sales: number;
  /**
   * With deferSales: records the sales history and resolves with the number of sales. Between
   * sales it lets the event loop run, so a server answers requests while it fills in.
   */
  recordSales?: () => Promise<number>;
}

/** A small deterministic generator, so every demo has the same sales (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A valid EAN-13 for the n-th demo SKU: 750 (GS1 México) + 9 digits + check digit. */
export function demoBarcode(n: number): string {
  const body = `7509${String(n).padStart(8, '0')}`;
  return body + gs1CheckDigit(body);
}

/**
 * Loads the demo business "Abarrotes La Esperanza": two locations, about 200 products with
 * barcodes, SAT keys and taxes, stock in both locations through the ledger (lots with expiry
 * dates for dairy), an owner and a cashier, and three weeks of counter sales in daily cash
 * sessions. Idempotent: when the owner's e-mail exists nothing is written.
 */
export async function seedDemo(database: Database, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const now = options.now ?? new Date();
  const db = database.db;
  const result = {
    ownerEmail: DEMO_OWNER.email,
    ownerPassword: DEMO_OWNER.password,
    cashierEmail: DEMO_CASHIER.email,
    cashierPassword: DEMO_CASHIER.password,
  };
  const existing = await db
    .selectFrom('users')
    .select('tenant_id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', DEMO_OWNER.email))
    .executeTakeFirst();
  if (existing) return { ...result, tenantId: existing.tenant_id, created: false, products: 0, sales: 0 };

  const days = options.days ?? 21;
  const start = new Date(now.getTime() - (days + 9) * 86_400_000);
  let t = performance.now();
  const lap = (label: string) => {
    if (process.env.SEED_TIMING) console.log(`seed ${label}: ${Math.round(performance.now() - t)} ms`);
    t = performance.now();
  };
  // Business, users, catalog and stock in one transaction: a start interrupted while seeding
  // (Ctrl+C, a SIGTERM) leaves no half demo behind, and the next start seeds it whole.
  const { biz, cashier, skus, register } = await (db as Kysely<DB>).transaction().execute(async (trx) => {
    const biz = await createBusiness(
      trx,
      {
        name: DEMO_BUSINESS,
        // SAT's test RFC for CFDI 4.0 sandboxes, a persona moral: CFDI 4.0 requires the name and
        // régimen to match SAT's records, so the legal name is SAT's and the régimen 601 (General
        // de Ley Personas Morales).
        legalName: 'ESCUELA KEMPER URGATE',
        rfc: 'EKU9003173C9',
        regimenFiscal: '601',
        locations: [
          { name: 'Tienda Centro', kind: 'store', postalCode: '06600' },
          { name: 'Bodega', kind: 'warehouse', postalCode: '06600' },
        ],
        owner: DEMO_OWNER,
      },
      start,
    );
    const [storeId, warehouseId] = biz.locationIds as [string, string];
    const ctx: Ctx = { ...systemCtx(trx, biz.tenantId, start), userId: biz.ownerId, role: 'owner' };
    const cashier = await createUser(ctx, {
      email: DEMO_CASHIER.email,
      name: DEMO_CASHIER.name,
      role: 'cashier',
      password: DEMO_CASHIER.password,
      locationIds: [storeId],
    });
    lap('business and users');
    const seeded = await seedCatalog(ctx);
    lap('catalog');
    await seedStock(
      { ...ctx, now: new Date(start.getTime() + 86_400_000) },
      seeded,
      storeId,
      warehouseId,
      now,
    );
    lap('stock');
    // The register is part of the business, not of its history: it is there from the first
    // request even if the server stops before the past sales are in.
    const register = await createRegister(ctx, { locationId: storeId, name: 'Caja 1' });
    return { biz, cashier, skus: seeded, register };
  });
  const [storeId] = biz.locationIds as [string, string];
  const owner: Ctx = { ...systemCtx(db, biz.tenantId, start), userId: biz.ownerId, role: 'owner' };
  // Sales commit one by one, as at the counter: outside a caller's transaction recordSale is
  // one statement per sale (its SKU cache stays warm).
  const history = () =>
    seedSales(
      { ...owner, userId: cashier.id, role: 'cashier', locationIds: [storeId] },
      skus,
      register,
      now,
      days,
      options.salesPerDay ?? 20,
    ).then(async (n) => {
      lap('sales');
      await seedRecentActivity(owner, skus, storeId, now);
      await seedNotebookDebt(owner, now, start);
      lap('recent activity');
      return n;
    });
  if (options.deferSales) {
    return {
      ...result,
      tenantId: biz.tenantId,
      created: true,
      products: skus.length,
      sales: 0,
      recordSales: history,
    };
  }
  const salesCount = await history();
  return { ...result, tenantId: biz.tenantId, created: true, products: skus.length, sales: salesCount };
}

interface SeededSku {
  id: string;
  product: DemoProduct;
}

async function seedCatalog(ctx: Ctx): Promise<SeededSku[]> {
  const categoryIds = new Map<string, string>();
  for (const name of [...new Set(DEMO_PRODUCTS.map((p) => p.category))]) {
    categoryIds.set(name, (await createCategory(ctx, { name })).id);
  }
  let n = 0;
  // One statement per table for the whole catalog (createProducts): the first start waits for it.
  const created = await createProducts(
    ctx,
    DEMO_PRODUCTS.map((p) => {
      const variants = p.variants ?? [{ suffix: '', name: '', attributes: {} }];
      return {
        name: p.name,
        categoryId: categoryIds.get(p.category),
        claveProdServ: p.clave,
        claveUnidad: p.unit,
        unitName: p.unitName ?? (p.soldByWeight ? 'Kilogramo' : p.unit === 'XPK' ? 'Paquete' : 'Pieza'),
        soldByWeight: p.soldByWeight ?? false,
        priceIncludesTax: true,
        iva: p.iva,
        ieps: p.ieps,
        trackLots: p.trackLots ?? false,
        skus: variants.map((v) => {
          n++;
          return {
            sku: v.suffix ? `${p.key}-${v.suffix}` : p.key,
            variantName: v.name || undefined,
            attributes: v.attributes,
            price: p.price,
            // Cost about 72 % of the price: a typical abarrotes margin.
            cost: new D(p.price).times('0.72').toDecimalPlaces(2).toFixed(2),
            barcodes: p.soldByWeight ? [] : [demoBarcode(n)],
            reorderPoint: p.reorderPoint,
          };
        }),
      };
    }),
  );
  const skus: SeededSku[] = created.flatMap((product, i) =>
    product.skus.map((s) => ({ id: s.id, product: DEMO_PRODUCTS[i]! })),
  );
  return skus;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Stock in both locations as receipts; dairy arrives in two lots with expiry dates. */
async function seedStock(
  ctx: Ctx,
  skus: SeededSku[],
  storeId: string,
  warehouseId: string,
  today: Date,
): Promise<void> {
  const qty = (p: DemoProduct, factor: number) =>
    toQuantity(
      p.soldByWeight ? 25 * factor + p.weight * 2 * factor : Math.round((24 + p.weight * 4) * factor),
    );
  const soon = isoDay(new Date(today.getTime() + 4 * 86_400_000));
  const later = isoDay(new Date(today.getTime() + 18 * 86_400_000));
  const lots = skus.filter((s) => s.product.trackLots);
  for (const [locationId, factor] of [
    [storeId, 1],
    [warehouseId, 2],
  ] as const) {
    await receiveStock(ctx, {
      locationId,
      note: 'Inventario inicial',
      lines: skus.map((s) => ({
        skuId: s.id,
        quantity:
          locationId === warehouseId && s.product.warehouseStock !== undefined
            ? toQuantity(s.product.warehouseStock)
            : qty(s.product, factor),
        unitCost: null,
        ...(s.product.trackLots ? { lotCode: 'L-A', expiresOn: soon } : {}),
      })),
    });
    await receiveStock(ctx, {
      locationId,
      note: 'Segunda entrega de lácteos',
      lines: lots.map((s) => ({
        skuId: s.id,
        quantity: qty(s.product, factor / 2),
        lotCode: 'L-B',
        expiresOn: later,
      })),
    });
  }
}

/**
 * What the owner finds on the first morning besides the history: last night's count of the
 * store's snacks (two differences, posted as adjustments, so inventory accuracy has a figure) and
 * two orders waiting today, a WhatsApp pickup and a delivery from the online store, holding
 * their stock, and the online customer's request for a copy of his data (ARCO), due in 20
 * business days. (The warehouse's low stock comes from seedStock.)
 */
/**
 * A neighbour whose fiado was in the notebook before the shop used Mostrador: the owner carried
 * it over (45 days old) when the history starts, and she paid part of it by transfer ten days
 * ago; the rest is overdue on Cuentas por cobrar.
 */
async function seedNotebookDebt(owner: Ctx, today: Date, historyStart: Date) {
  const meche = await createCustomer(
    { ...owner, now: historyStart },
    { name: 'Mercedes "Doña Meche" Torres', phone: '5544556677' },
  );
  await recordOpeningBalance({ ...owner, now: historyStart }, meche.id, {
    amount: '380.00',
    since: businessDate(new Date(today.getTime() - 45 * 86_400_000)),
    note: 'Libreta de fiado',
  });
  await recordAccountPayment({ ...owner, now: new Date(today.getTime() - 10 * 86_400_000) }, meche.id, {
    amount: '100.00',
    method: 'spei',
    reference: 'SPEI 4455',
    note: 'Abono por transferencia',
  });
}

async function seedRecentActivity(owner: Ctx, skus: SeededSku[], storeId: string, today: Date) {
  const yesterday = businessDate(new Date(today.getTime() - 86_400_000));
  const countedAt = new Date(startOfBusinessDay(yesterday).getTime() + 21.5 * 3_600_000);
  const at = { ...owner, now: countedAt };
  const snacks = skus.filter((s) => s.product.category === 'Botanas y dulces' && !s.product.variants);
  const sheet = await createCount(at, {
    locationId: storeId,
    skuIds: snacks.map((s) => s.id),
    note: 'Conteo de botanas y dulces',
  });
  const onHand = new Map(
    (await getStockLevels(at, { locationId: storeId, skuIds: snacks.map((s) => s.id) })).map((l) => [
      l.skuId,
      new D(l.onHand),
    ]),
  );
  // two pieces short of the second snack, one of the fifth: the rest as the system says
  const short = new Map([
    [snacks[1]!.id, 2],
    [snacks[4]!.id, 1],
  ]);
  await recordCountLines(at, {
    countId: sheet.id,
    lines: snacks.map((s) => ({
      skuId: s.id,
      countedQuantity: toQuantity(D.max(0, onHand.get(s.id)!.minus(short.get(s.id) ?? 0))),
    })),
  });
  await postCount(at, { countId: sheet.id });

  const byName = (name: string) => skus.find((s) => s.product.name === name)!.id;
  await createOrder(
    { ...owner, now: new Date(today.getTime() - 35 * 60_000) },
    {
      channel: 'whatsapp',
      locationId: storeId,
      fulfilment: 'pickup',
      customer: { phone: '5215512345678', name: 'María López' },
      notes: 'Paso por ellos a las 6',
      holdMinutes: 1440,
      lines: [
        { skuId: byName('Coca-Cola 2 L'), quantity: '2' },
        { skuId: byName('Sabritas Original 45 g'), quantity: '3' },
      ],
    },
  );
  const { order } = await createOrder(
    { ...owner, now: new Date(today.getTime() - 90 * 60_000) },
    {
      channel: 'storefront',
      locationId: storeId,
      fulfilment: 'delivery',
      customer: { phone: '5533445566', name: 'Jorge Hernández', email: 'jorge.hernandez@example.mx' },
      deliveryAddress: 'Av. Álvaro Obregón 120, int. 4, Roma Norte, 06700 CDMX',
      holdMinutes: 1440,
      lines: [
        { skuId: byName('Huevo blanco San Juan 12 piezas'), quantity: '1' },
        { skuId: byName('Harina de maíz Maseca 1 kg'), quantity: '2' },
        { skuId: byName('Papel higiénico Pétalo 4 rollos'), quantity: '1' },
      ],
    },
  );
  await changeOrderStatus(
    { ...owner, now: new Date(today.getTime() - 80 * 60_000) },
    { orderId: order.id, status: 'confirmed' },
  );
  // Jorge wrote yesterday asking what data the shop keeps about him (ARCO: access)
  await recordPrivacyRequest(
    { ...owner, now: today },
    {
      customerId: order.customerId!,
      kind: 'access',
      channel: 'email',
      details: 'Pidió por correo una copia de los datos que guardamos de él.',
      receivedAt: new Date(today.getTime() - 20 * 3600_000).toISOString(),
    },
  );
}

const CASH_STEPS = ['20', '50', '100', '200', '500'];

async function seedSales(
  ctx: Ctx,
  skus: SeededSku[],
  register: { id: string },
  today: Date,
  days: number,
  perDay: number,
): Promise<number> {
  const rnd = random(20260101);
  const sellable = await getSellableSkus(
    ctx,
    skus.map((s) => s.id),
  );
  const cumulative: number[] = [];
  let total = 0;
  for (const s of skus) {
    total += s.product.weight;
    cumulative.push(total);
  }
  const pick = () => {
    const x = rnd() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return skus[lo]!;
  };
  const todayDate = businessDate(today);
  let count = 0;
  // A neighbour who buys on account (fiado) twice and pays part of it back at the till.
  const fiado = await createCustomer(ctx, { name: 'Jesús "Don Chuy" Ramírez', phone: '5544332211' });
  const fiadoLines = skus
    .filter((s) => !s.product.soldByWeight)
    .slice(10, 13)
    .map((s) => ({ skuId: s.id, quantity: '2' }));
  let firstFiado: string | null = null;
  for (let d = days; d >= 1; d--) {
    const date = isoDay(new Date(startOfBusinessDay(todayDate).getTime() - d * 86_400_000 + 12 * 3_600_000));
    const dayStart = startOfBusinessDay(date);
    const at = (hours: number) => new Date(dayStart.getTime() + hours * 3_600_000);
    const session = await openCashSession(
      { ...ctx, now: at(8) },
      { registerId: register.id, openingFloat: '500.00' },
    );
    const n = Math.max(8, Math.round(perDay * (0.75 + rnd() * 0.5) * (date.endsWith('0') ? 1.2 : 1)));
    for (let i = 0; i < n; i++) {
      const when = at(8.5 + (12 * (i + rnd() * 0.9)) / n);
      const chosen = new Map<string, string>();
      const lines = 1 + Math.floor(rnd() * rnd() * 6);
      for (let l = 0; l < lines; l++) {
        const s = pick();
        if (chosen.has(s.id)) continue;
        const quantity = s.product.soldByWeight
          ? toQuantity((250 + Math.floor(rnd() * 36) * 50) / 1000)
          : String(1 + Math.floor(rnd() * rnd() * 4));
        chosen.set(s.id, quantity);
      }
      const saleLines = [...chosen].map(([skuId, quantity]) => ({ skuId, quantity }));
      const priced = priceSale(
        { lines: saleLines, payments: [{ method: 'cash', amount: '99999.00' }], mayOverridePrice: false },
        sellable,
      );
      const r = rnd();
      let payments: PaymentInput[];
      if (r < 0.65) {
        const t = new D(priced.total);
        const step = CASH_STEPS.find((c) => t.lte(c)) ?? '1000';
        const tendered = rnd() < 0.25 ? t : t.div(step).ceil().times(step);
        payments = [{ method: 'cash', amount: tendered.toFixed(2) }];
      } else if (r < 0.95) {
        payments = [
          {
            method: 'card',
            amount: priced.total,
            reference: `AUT${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}`,
            cardType: rnd() < 0.6 ? 'debito' : 'credito',
            last4: String(Math.floor(rnd() * 1e4)).padStart(4, '0'),
          },
        ];
      } else {
        payments = [{ method: 'spei', amount: priced.total, reference: `SPEI${Math.floor(rnd() * 1e8)}` }];
      }
      // PGlite answers through promises alone: without this yield the whole history would run
      // before the server could accept a connection.
      await setImmediate();
      await recordSale(
        { ...ctx, now: when },
        {
          id: `sale_${ulid(when.getTime())}`,
          registerId: register.id,
          cashSessionId: session.id,
          lines: saleLines,
          payments,
        },
      );
      count++;
    }
    if (d === Math.min(days, 5) || d === Math.min(days, 3)) {
      const when = at(19.5);
      const priced = priceSale(
        { lines: fiadoLines, payments: [{ method: 'cash', amount: '99999.00' }], mayOverridePrice: false },
        sellable,
      );
      await recordSale(
        { ...ctx, now: when },
        {
          id: `sale_${ulid(when.getTime())}`,
          registerId: register.id,
          cashSessionId: session.id,
          customerId: fiado.id,
          lines: fiadoLines,
          payments: [{ method: 'on_account', amount: priced.total }],
          note: 'Lo paga en la quincena',
        },
      );
      firstFiado ??= priced.total;
      count++;
    }
    if (d === 1 && firstFiado) {
      await recordAccountPayment({ ...ctx, now: at(20) }, fiado.id, {
        amount: new D(firstFiado).div(2).toDecimalPlaces(0, D.ROUND_DOWN).toFixed(2),
        method: 'cash',
        registerId: register.id,
        note: 'Abono de la quincena',
      });
    }
    const closeAt = { ...ctx, now: at(21) };
    const report = await cashSessionReport(closeAt, session.id);
    // Most days the drawer matches; now and then it is a few pesos short or over.
    const off = rnd() < 0.8 ? '0' : rnd() < 0.5 ? '-10' : '5';
    await closeCashSession(closeAt, {
      cashSessionId: session.id,
      countedCash: new D(report.expectedCash).plus(off).toFixed(2),
      note: off === '0' ? undefined : 'Diferencia al cierre',
    });
  }
  return count;
}
