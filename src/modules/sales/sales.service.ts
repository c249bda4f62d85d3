import { createHash, randomInt } from 'node:crypto';
import DataLoader from 'dataloader';
import { businessTimezone } from '../identity/timezone.js';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { z } from 'zod';
import { translateDbError } from '../../db/errors.js';
import { json } from '../../db/types.js';
import { groupBy } from '../../shared/collections.js';
import { type Ctx, inTransaction, systemCtx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { D } from '../../shared/money.js';
import { businessDayRange, OFFLINE_MAX_AGE_MS } from '../../shared/time.js';
import { getSellableSkus, lookupBarcode, priceFor, type SellableSku } from '../catalog/catalog.service.js';
import { recordAudit } from '../events/events.service.js';
import { mergedSessionTarget } from '../cash/merged-sessions.js';
import { assertLocationAccess } from '../identity/identity.service.js';
import '../inventory/inventory.errors.js';
import { type PricedSale, priceSale } from './pricing.js';
import { type RecordedSale, recordOneSale, saleBatcherOf } from './sale-batcher.js';
import { SalesErrors as E } from './sales.errors.js';
import type { zParkedTicket, zParkInput, zSale, zSaleInput, zSaleSummary } from './sales.schemas.js';
import type { SaleLinesTable, SalePaymentsTable, SalesTable } from './sales.tables.js';

export type RecordSaleInput = z.infer<typeof zSaleInput>;
export type Sale = z.infer<typeof zSale>;
export type SaleSummary = z.infer<typeof zSaleSummary>;
export type ParkInput = z.infer<typeof zParkInput>;
export type ParkedTicket = z.infer<typeof zParkedTicket>;

// ---------------------------------------------------------------------------------------------
// SKU cache: prices and taxes per tenant, kept in memory. It is safe across app processes
// because record_sale checks the version of every SKU it was priced with (PRICE_CHANGED).

// Least recently used first out (a Map iterates in insertion order; a hit moves to the end), so
// a catalog larger than the limit keeps its best sellers instead of starting over when full.
const CACHE_LIMIT = 50_000;
const skuCache = new Map<string, SellableSku>();

const skuKey = (tenantId: string, skuId: string) => `${tenantId}\n${skuId}`;

/** Puts a SKU at the recent end of the cache, evicting the least recently used past the limit. */
function remember(key: string, sku: SellableSku): void {
  skuCache.delete(key);
  skuCache.set(key, sku);
  if (skuCache.size > CACHE_LIMIT) skuCache.delete(skuCache.keys().next().value!);
}

/**
 * The SKUs by id, from the cache when it has them. `known`: versions a till has seen; a cached
 * SKU older than that is behind (a price changed since it was read) and is read again.
 */
async function loadSkus(
  ctx: Ctx,
  ids: string[],
  fresh: boolean,
  known: { skuId: string; skuVersion?: number }[] = [],
): Promise<Map<string, SellableSku>> {
  const out = new Map<string, SellableSku>();
  const missing: string[] = [];
  const newest = new Map<string, number>();
  for (const k of known)
    if (k.skuVersion !== undefined) newest.set(k.skuId, Math.max(newest.get(k.skuId) ?? 0, k.skuVersion));
  for (const id of ids) {
    const key = skuKey(ctx.tenantId, id);
    const cached = fresh ? undefined : skuCache.get(key);
    const hit = cached && cached.version >= (newest.get(id) ?? 0) ? cached : undefined;
    if (hit) {
      out.set(id, hit);
      remember(key, hit);
    } else missing.push(id);
  }
  if (missing.length > 0) {
    const read =
      fresh || ctx.db.isTransaction ? await getSellableSkus(ctx, missing) : await readShared(ctx, missing);
    for (const [id, s] of read) {
      out.set(id, s);
      remember(skuKey(ctx.tenantId, id), s);
    }
  }
  return out;
}

/**
 * SKU reads outside a transaction are shared: the misses of every checkout that arrives in the
 * same turn of the event loop (several connections' requests are parsed in one) go to
 * PostgreSQL as one query per business instead of one per checkout.
 */
const skuReaders = new WeakMap<object, DataLoader<string, SellableSku | null>>();

async function readShared(ctx: Ctx, ids: string[]): Promise<Map<string, SellableSku>> {
  const db = ctx.db as Kysely<DB>;
  let reader = skuReaders.get(db);
  if (!reader) {
    reader = new DataLoader(
      async (keys: readonly string[]) => {
        const byTenant = new Map<string, string[]>();
        for (const k of keys) {
          const [tenantId, skuId] = k.split('\n') as [string, string];
          const list = byTenant.get(tenantId);
          if (list) list.push(skuId);
          else byTenant.set(tenantId, [skuId]);
        }
        const found = new Map<string, SellableSku>();
        await Promise.all(
          [...byTenant].map(async ([tenantId, skuIds]) => {
            for (const [id, s] of await getSellableSkus(systemCtx(db, tenantId), skuIds))
              found.set(skuKey(tenantId, id), s);
          }),
        );
        return keys.map((k) => found.get(k) ?? null);
      },
      { cache: false, maxBatchSize: 500, batchScheduleFn: (run) => setImmediate(run) },
    );
    skuReaders.set(db, reader);
  }
  const rows = await reader.loadMany(ids.map((id) => skuKey(ctx.tenantId, id)));
  const out = new Map<string, SellableSku>();
  for (const r of rows) {
    if (r instanceof Error) throw r;
    if (r) out.set(r.id, r);
  }
  return out;
}

function forgetSkus(tenantId: string, ids: string[]): void {
  for (const id of ids) skuCache.delete(skuKey(tenantId, id));
}

// ---------------------------------------------------------------------------------------------

/** Unambiguous for people reading a receipt: no 0/O, 1/I/L. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A short code printed on the ticket for self-invoicing (8 characters, unique per business). */
export function newInvoiceCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

/**
 * A sale with lines at earlier prices, and the bitácora row that says so (which lines, at which
 * version and price, against the price now), in one transaction.
 */
async function recordPricedEarlier(
  ctx: Ctx,
  text: string,
  input: RecordSaleInput,
  earlier: Map<number, SellableSku>,
  skus: Map<string, SellableSku>,
): Promise<RecordedSale> {
  return inTransaction(ctx, async (tx) => {
    const result = await recordOneSale(tx.db, text);
    if (!result.replayed)
      await recordAudit(tx, {
        action: 'sale.priced_earlier',
        entityType: 'sale',
        entityId: input.id,
        data: {
          soldAt: input.soldAt ?? null,
          lines: [...earlier].map(([i, sku]) => ({
            lineNo: i + 1,
            skuId: sku.id,
            version: input.lines[i]!.skuVersion!,
            listPrice: priceFor(sku, 'counter'),
            currentPrice: priceFor(skus.get(sku.id)!, 'counter'),
          })),
        },
      });
    return result;
  });
}

/** What makes two sends the same sale: the body, less the time the till says it was sold. */
function requestHash(input: RecordSaleInput): string {
  const { soldAt: _, ...sale } = input;
  return createHash('sha256').update(JSON.stringify(sale)).digest('hex');
}

/**
 * When the sale is recorded as made: the till's `soldAt` (a sale queued offline), a time ahead
 * of the server's clock taken as now. Errors: SALE_SOLD_AT_OUT_OF_RANGE (older than 48 h, unless
 * a manager retries a conflict: `anyAge`).
 */
function saleTime(ctx: Ctx, soldAt: string | undefined, anyAge: boolean): Date {
  if (soldAt === undefined) return ctx.now;
  const at = new Date(soldAt);
  if (at >= ctx.now) return ctx.now;
  const earliest = new Date(ctx.now.getTime() - OFFLINE_MAX_AGE_MS);
  if (at < earliest && !anyAge)
    throw new AppError(E.SALE_SOLD_AT_OUT_OF_RANGE, { soldAt, earliest: earliest.toISOString() });
  return at;
}

/**
 * The SKUs as they stood at the earlier versions the till priced some lines with (its copy of
 * the catalog was older than a price change), keyed by line index; empty when every line names
 * the current version or none. A version is honoured while it was in force up to 48 h before
 * the sale (any age for a manager's retry, which prices a version from before the history began
 * at today's price). Errors: PRICE_VERSION_UNKNOWN, PRICE_VERSION_EXPIRED.
 */
async function earlierPrices(
  ctx: Ctx,
  lines: { skuId: string; skuVersion?: number }[],
  skus: Map<string, SellableSku>,
  at: Date,
  anyAge: boolean,
): Promise<Map<number, SellableSku>> {
  const out = new Map<number, SellableSku>();
  const earlier = lines.flatMap((l, i) => {
    const current = skus.get(l.skuId);
    return current && l.skuVersion !== undefined && l.skuVersion !== current.version
      ? [{ i, skuId: l.skuId, version: l.skuVersion, current }]
      : [];
  });
  if (earlier.length === 0) return out;
  const rows = await ctx.db
    .selectFrom('sku_price_versions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('sku_id', 'in', [...new Set(earlier.map((e) => e.skuId))])
    .orderBy('version')
    .execute();
  const earliest = at.getTime() - OFFLINE_MAX_AGE_MS;
  for (const e of earlier) {
    const versions = rows.filter((r) => r.sku_id === e.skuId);
    const row = e.version < e.current.version ? versions.find((r) => r.version === e.version) : undefined;
    if (!row) {
      // A manager's retry of a version from before prices kept their history: today's price.
      if (anyAge && e.version < e.current.version) continue;
      throw new AppError(E.PRICE_VERSION_UNKNOWN, { skuId: e.skuId, version: e.version });
    }
    // In force until the next version came in.
    const until = versions.find((r) => r.version > e.version)?.valid_from ?? ctx.now;
    if (!anyAge && until.getTime() < earliest)
      throw new AppError(E.PRICE_VERSION_EXPIRED, {
        skuId: e.skuId,
        description: e.current.productName,
        version: e.version,
        until: until.toISOString(),
      });
    out.set(e.i, {
      ...e.current,
      price: new D(row.price).toFixed(2),
      channels: row.channels,
      priceIncludesTax: row.price_includes_tax,
      iva: row.iva,
      ieps: row.ieps_type === 'none' ? null : { type: row.ieps_type, value: row.ieps_value! },
      active: row.active,
    });
  }
  return out;
}

const MANAGER_ROLES = new Set(['owner', 'manager', 'system']);

export interface RecordSaleResult {
  sale: Sale;
  /** True when this sale id had been recorded before with the same body. */
  replayed: boolean;
}

/**
 * Records a counter sale exactly once: prices and taxes are computed here, then one statement
 * (`record_sale`) checks the id (idempotency), the prices' versions, the open cash session and
 * the store credit, takes the stock and writes sale, lines, payments, event and audit row.
 * The same id with the same body answers the stored sale. A sale naming an offline opening
 * that was merged into the register's open session is recorded in that session (cash README).
 * Errors: SALE_ID_REUSED,
 * SKU_NOT_FOUND, BARCODE_NOT_FOUND, SKU_NOT_SELLABLE, QUANTITY_NOT_INTEGER,
 * PRICE_OVERRIDE_FORBIDDEN, DISCOUNT_EXCEEDS_PRICE, CUSTOMER_REQUIRED, NON_CASH_OVERPAYMENT,
 * CHANGE_EXCEEDS_CASH, PAYMENTS_DO_NOT_COVER_TOTAL, PAYMENTS_EXCEED_TOTAL, REGISTER_NOT_FOUND,
 * CASH_SESSION_REQUIRED, CASH_SESSION_CLOSED, LOCATION_FORBIDDEN, STOCK_INSUFFICIENT,
 * STORE_CREDIT_INSUFFICIENT, PRICE_CHANGED.
 */
export async function recordSale(
  ctx: Ctx,
  input: RecordSaleInput,
  opts: { anyAge?: boolean } = {},
): Promise<RecordSaleResult> {
  const hash = requestHash(input);
  const anyAge = opts.anyAge === true;
  // Inside a caller's transaction a failed statement aborts it: no cache, no retry there.
  const canRetry = !ctx.db.isTransaction;
  let fresh = !canRetry;
  // The session the sale is recorded in: the one it names, unless that is an offline opening
  // the server merged into the register's open session (then that one, found on refusal only).
  let cashSessionId = input.cashSessionId ?? null;
  for (let attempt = 0; ; attempt++) {
    let priced: PricedSale;
    let skuIds: string[];
    let skus: Map<string, SellableSku>;
    let at: Date;
    let earlier: Map<number, SellableSku>;
    try {
      at = saleTime(ctx, input.soldAt, anyAge);
      const lines = await Promise.all(
        input.lines.map(async (l) =>
          l.skuId !== undefined
            ? { ...l, skuId: l.skuId }
            : { ...l, skuId: (await lookupBarcode(ctx, l.barcode!)).id },
        ),
      );
      skuIds = [...new Set(lines.map((l) => l.skuId))];
      skus = await loadSkus(ctx, skuIds, fresh, lines);
      earlier = await earlierPrices(ctx, lines, skus, at, anyAge);
      priced = priceSale(
        {
          lines: earlier.size === 0 ? lines : lines.map((l, i) => ({ ...l, pricedWith: earlier.get(i) })),
          discount: input.discount,
          payments: input.payments,
          change: input.change,
          customerId: input.customerId,
          mayOverridePrice: MANAGER_ROLES.has(ctx.role),
        },
        skus,
      );
    } catch (err) {
      // An offline terminal replaying a sale whose SKU changed since: the stored sale stands.
      const replay = await replayOf(ctx, input.id, hash);
      if (replay) return replay;
      throw err;
    }
    const invoiceCode = newInvoiceCode();
    const payload = recordSalePayload(at === ctx.now ? ctx : { ...ctx, now: at }, input, {
      hash,
      cashSessionId,
      invoiceCode,
      priced,
      skuVersions: skuIds.map((id) => ({ id, version: skus.get(id)!.version })),
    });
    let result: RecordedSale;
    try {
      // Outside a caller's transaction the sale joins the database's group commit, if any.
      const batcher = ctx.db.isTransaction ? undefined : saleBatcherOf(ctx.db);
      const text = JSON.stringify(payload);
      if (earlier.size > 0) result = await recordPricedEarlier(ctx, text, input, earlier, skus);
      else result = batcher ? await batcher.record(text) : await recordOneSale(ctx.db, text);
    } catch (err) {
      const t = translateDbError(err);
      if (canRetry && attempt === 0 && t instanceof AppError && t.code === E.PRICE_CHANGED) {
        forgetSkus(ctx.tenantId, skuIds);
        fresh = true;
        continue;
      }
      const constraint =
        (err as { constraint_name?: string; constraint?: string }).constraint_name ??
        (err as { constraint?: string }).constraint;
      if (canRetry && attempt === 0 && constraint === 'sales_invoice_code_key') continue;
      if (
        canRetry &&
        t instanceof AppError &&
        t.code === 'CASH_SESSION_CLOSED' &&
        cashSessionId === input.cashSessionId &&
        input.cashSessionId &&
        typeof t.details.openCashSessionId === 'string'
      ) {
        const target = await mergedSessionTarget(ctx, input.cashSessionId);
        if (target === t.details.openCashSessionId) {
          cashSessionId = target;
          continue;
        }
      }
      throw t;
    }
    if (result.replayed) return { sale: await getSale(ctx, input.id), replayed: true };
    return {
      replayed: false,
      sale: {
        id: input.id,
        channel: 'counter',
        locationId: result.locationId!,
        registerId: input.registerId,
        cashSessionId: result.cashSessionId ?? null,
        customerId: input.customerId ?? null,
        userId: ctx.userId,
        ticketNumber: Number(result.ticketNumber),
        invoiceCode,
        status: 'completed',
        subtotal: priced.subtotal,
        discountTotal: priced.discountTotal,
        taxTotal: priced.taxTotal,
        total: priced.total,
        change: priced.change,
        taxes: priced.taxes,
        note: input.note ?? null,
        createdAt: at.toISOString(),
        lines: priced.lines,
        payments: priced.payments,
      },
    };
  }
}

/** What record_sale / record_sales read for one sale: the priced sale and the checks' inputs. */
export function recordSalePayload(
  ctx: Ctx,
  input: RecordSaleInput,
  p: {
    hash: string;
    cashSessionId: string | null;
    invoiceCode: string;
    priced: PricedSale;
    skuVersions: { id: string; version: number }[];
  },
) {
  const { hash, cashSessionId, invoiceCode, priced, skuVersions } = p;
  const stock = new Map<string, InstanceType<typeof D>>();
  for (const l of priced.lines) stock.set(l.skuId, (stock.get(l.skuId) ?? new D(0)).plus(l.quantity));
  return {
    tenantId: ctx.tenantId,
    saleId: input.id,
    now: ctx.now.toISOString(),
    registerId: input.registerId,
    cashSessionId,
    customerId: input.customerId ?? null,
    userId: ctx.userId,
    locationIds: ctx.locationIds,
    channel: 'counter',
    requestHash: hash,
    invoiceCode,
    subtotal: priced.subtotal,
    discountTotal: priced.discountTotal,
    taxTotal: priced.taxTotal,
    total: priced.total,
    changeTotal: priced.change,
    taxes: priced.taxes,
    note: input.note ?? null,
    storeCredit: priced.storeCredit,
    skus: skuVersions,
    stock: [...stock.keys()].sort().map((id) => ({ sku_id: id, quantity: stock.get(id)!.toString() })),
    lines: priced.lines.map((l) => ({
      line_no: l.lineNo,
      sku_id: l.skuId,
      description: l.description,
      clave_prod_serv: l.claveProdServ,
      clave_unidad: l.claveUnidad,
      unit_name: l.unitName,
      quantity: l.quantity,
      unit_price: l.unitPrice,
      price_includes_tax: l.priceIncludesTax,
      price_overridden: l.priceOverridden,
      gross: l.gross,
      discount: l.discount,
      subtotal: l.subtotal,
      tax_total: l.taxTotal,
      total: l.total,
      taxes: l.taxes,
    })),
    payments: priced.payments.map((p) => ({
      payment_no: p.paymentNo,
      method: p.method,
      amount: p.amount,
      kind: p.kind,
      reference: p.reference,
      details: p.details,
    })),
  };
}

async function replayOf(ctx: Ctx, saleId: string, hash: string): Promise<RecordSaleResult | null> {
  const row = await ctx.db
    .selectFrom('sales')
    .select('request_hash')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', saleId)
    .executeTakeFirst();
  if (!row) return null;
  if (row.request_hash !== hash) throw new AppError(E.SALE_ID_REUSED, { saleId });
  return { sale: await getSale(ctx, saleId), replayed: true };
}

function toSummary(r: Selectable<SalesTable>): SaleSummary {
  return {
    id: r.id,
    channel: r.channel,
    locationId: r.location_id,
    registerId: r.register_id,
    cashSessionId: r.cash_session_id,
    customerId: r.customer_id,
    userId: r.user_id,
    ticketNumber: Number(r.ticket_number),
    invoiceCode: r.invoice_code,
    status: r.status,
    subtotal: r.subtotal,
    discountTotal: r.discount_total,
    taxTotal: r.tax_total,
    total: r.total,
    change: r.change_total,
    note: r.note,
    createdAt: r.created_at.toISOString(),
  };
}

function toLine(l: Selectable<SaleLinesTable>): Sale['lines'][number] {
  return {
    lineNo: l.line_no,
    skuId: l.sku_id,
    description: l.description,
    claveProdServ: l.clave_prod_serv,
    claveUnidad: l.clave_unidad,
    unitName: l.unit_name,
    quantity: l.quantity,
    unitPrice: l.unit_price,
    priceIncludesTax: l.price_includes_tax,
    priceOverridden: l.price_overridden,
    gross: l.gross,
    discount: l.discount,
    subtotal: l.subtotal,
    taxTotal: l.tax_total,
    total: l.total,
    taxes: l.taxes,
    returnedQuantity: l.returned_quantity,
  };
}

function toPayment(p: Selectable<SalePaymentsTable>): Sale['payments'][number] {
  return {
    paymentNo: p.payment_no,
    method: p.method,
    amount: p.amount,
    kind: p.kind,
    reference: p.reference,
    details: p.details,
  };
}

/** Sales rows with their lines and payments, in two queries whatever their number. */
async function withDetails(ctx: Ctx, rows: Selectable<SalesTable>[]): Promise<Sale[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [lines, payments] = await Promise.all([
    ctx.db
      .selectFrom('sale_lines')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('sale_id', 'in', ids)
      .orderBy('sale_id')
      .orderBy('line_no')
      .execute(),
    ctx.db
      .selectFrom('sale_payments')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('sale_id', 'in', ids)
      .orderBy('sale_id')
      .orderBy('payment_no')
      .execute(),
  ]);
  const linesOf = groupBy(lines, (l) => l.sale_id);
  const paymentsOf = groupBy(payments, (p) => p.sale_id);
  return rows.map((s) => ({
    ...toSummary(s),
    taxes: s.taxes,
    lines: (linesOf.get(s.id) ?? []).map(toLine),
    payments: (paymentsOf.get(s.id) ?? []).map(toPayment),
  }));
}

/** One sale with its lines and payments. Errors: SALE_NOT_FOUND, LOCATION_FORBIDDEN. */
export async function getSale(ctx: Ctx, saleId: string): Promise<Sale> {
  const s = await ctx.db
    .selectFrom('sales')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', saleId)
    .executeTakeFirst();
  if (!s) throw new AppError(E.SALE_NOT_FOUND, { saleId });
  assertLocationAccess(ctx, s.location_id);
  return (await withDetails(ctx, [s]))[0]!;
}

/**
 * Every sale of these customer profiles with lines and payments, newest first, in three queries
 * whatever their number (an ARCO access export).
 */
export async function getSalesOfCustomers(ctx: Ctx, customerIds: string[]): Promise<Sale[]> {
  if (customerIds.length === 0) return [];
  let q = ctx.db
    .selectFrom('sales')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds);
  if (ctx.locationIds !== null) q = q.where('location_id', 'in', ctx.locationIds);
  return withDetails(ctx, await q.orderBy('id', 'desc').execute());
}

export interface ListSalesInput {
  locationId?: string;
  registerId?: string;
  cashSessionId?: string;
  customerId?: string;
  channel?: string;
  ticketNumber?: number;
  /** Business dates (YYYY-MM-DD) in the business's time zone, both inclusive. */
  from?: string;
  to?: string;
  limit: number;
  /** The last id of the previous page. */
  after?: string;
}

/** Sales newest first, filtered; `last` is the cursor of the next page. */
export async function listSales(
  ctx: Ctx,
  input: ListSalesInput,
): Promise<{ items: SaleSummary[]; last: string | null }> {
  let q = ctx.db.selectFrom('sales').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (input.locationId) q = q.where('location_id', '=', input.locationId);
  if (ctx.locationIds !== null)
    q = q.where('location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']);
  if (input.registerId) q = q.where('register_id', '=', input.registerId);
  if (input.cashSessionId) q = q.where('cash_session_id', '=', input.cashSessionId);
  if (input.customerId) q = q.where('customer_id', '=', input.customerId);
  if (input.channel) q = q.where('channel', '=', input.channel);
  if (input.ticketNumber !== undefined) q = q.where('ticket_number', '=', input.ticketNumber);
  if (input.from || input.to) {
    const tz = await businessTimezone(ctx);
    const [start, end] = businessDayRange(input.from ?? '2000-01-01', input.to ?? '2999-12-31', tz);
    q = q.where('created_at', '>=', start).where('created_at', '<', end);
  }
  if (input.after) q = q.where('id', '<', input.after);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const more = rows.length > input.limit;
  const items = rows.slice(0, input.limit).map(toSummary);
  return { items, last: more ? items[items.length - 1]!.id : null };
}

/**
 * Sales a customer may bring back, with their lines (and what was already returned): by
 * ticket number (at a location), by customer or by business dates, newest first: `limit` of them
 * (20 by default) after the id `after`, and the last id when more follow.
 */
export async function findSalesForReturn(
  ctx: Ctx,
  input: Pick<ListSalesInput, 'ticketNumber' | 'locationId' | 'customerId' | 'from' | 'to' | 'after'> & {
    limit?: number;
  },
): Promise<{ items: Sale[]; last: string | null }> {
  const { items, last } = await listSales(ctx, { ...input, limit: input.limit ?? 20 });
  if (items.length === 0) return { items: [], last: null };
  // their lines and payments in the same few queries for all of them
  const rows = await ctx.db
    .selectFrom('sales')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where(
      'id',
      'in',
      items.map((s) => s.id),
    )
    .orderBy('id', 'desc')
    .execute();
  return { items: await withDetails(ctx, rows), last };
}

/** Sales and payments of a cash session, per method (cash net of change), for the cortes. */
export async function sessionSalesSummary(
  ctx: Ctx,
  cashSessionId: string,
): Promise<{ salesCount: number; total: string; byMethod: Record<string, string> }> {
  const [totals, methods] = await Promise.all([
    ctx.db
      .selectFrom('sales')
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<string>('total').as('total')])
      .where('tenant_id', '=', ctx.tenantId)
      .where('cash_session_id', '=', cashSessionId)
      .executeTakeFirstOrThrow(),
    ctx.db
      .selectFrom('sale_payments as p')
      .innerJoin('sales as s', (j) =>
        j.onRef('s.tenant_id', '=', 'p.tenant_id').onRef('s.id', '=', 'p.sale_id'),
      )
      .select(['p.method', (eb) => eb.fn.sum<string>('p.amount').as('amount')])
      .where('s.tenant_id', '=', ctx.tenantId)
      .where('s.cash_session_id', '=', cashSessionId)
      .groupBy('p.method')
      .execute(),
  ]);
  const byMethod: Record<string, string> = {};
  for (const m of methods) byMethod[m.method] = new D(m.amount).toFixed(2);
  return { salesCount: Number(totals.n), total: new D(totals.total ?? '0').toFixed(2), byMethod };
}

/**
 * Locks the lines of these sales until the caller's transaction ends (ascending ids), so no
 * return changes them meanwhile: a document that reads them (an invoice net of returns) sees
 * every return either before it or after it, never half.
 */
export async function lockSaleLines(ctx: Ctx, input: { saleIds: string[] }): Promise<void> {
  if (!input.saleIds.length) return;
  await ctx.db
    .selectFrom('sale_lines')
    .select('line_no')
    .where('tenant_id', '=', ctx.tenantId)
    .where('sale_id', 'in', input.saleIds)
    .orderBy('sale_id')
    .orderBy('line_no')
    .forUpdate()
    .execute();
}

export interface ReturnedLine {
  lineNo: number;
  skuId: string;
  description: string;
  quantity: string;
  /** The share of the line total this quantity stands for; the last unit gets the remainder. */
  amount: string;
}

/**
 * Marks quantities of sale lines as returned, guarded in the UPDATE so that across several
 * returns never more comes back than was sold. The amount is proportional to the line total
 * paid (after discounts), computed on the cumulative quantity so the parts sum exactly to the
 * line total. Errors: SALE_NOT_FOUND, RETURN_LINE_NOT_FOUND, RETURN_EXCEEDS_SOLD.
 */
export async function markLinesReturned(
  ctx: Ctx,
  input: { saleId: string; lines: { lineNo: number; quantity: string }[] },
): Promise<ReturnedLine[]> {
  const out: ReturnedLine[] = [];
  for (const l of [...input.lines].sort((a, b) => a.lineNo - b.lineNo)) {
    const q = new D(l.quantity).toFixed(3);
    const r = await sql<{ sku_id: string; description: string; amount: string }>`
      update sale_lines set returned_quantity = returned_quantity + ${q}::numeric
       where tenant_id = ${ctx.tenantId} and sale_id = ${input.saleId} and line_no = ${l.lineNo}
         and returned_quantity + ${q}::numeric <= quantity
      returning sku_id, description,
        (round(total * returned_quantity / quantity, 2)
          - round(total * (returned_quantity - ${q}::numeric) / quantity, 2))::text as amount`.execute(
      ctx.db,
    );
    const row = r.rows[0];
    if (!row) {
      const line = await ctx.db
        .selectFrom('sale_lines')
        .select(['quantity', 'returned_quantity'])
        .where('tenant_id', '=', ctx.tenantId)
        .where('sale_id', '=', input.saleId)
        .where('line_no', '=', l.lineNo)
        .executeTakeFirst();
      if (!line) throw new AppError(E.RETURN_LINE_NOT_FOUND, { saleId: input.saleId, lineNo: l.lineNo });
      throw new AppError(E.RETURN_EXCEEDS_SOLD, {
        lineNo: l.lineNo,
        sold: line.quantity,
        returned: line.returned_quantity,
        requested: q,
      });
    }
    out.push({
      lineNo: l.lineNo,
      skuId: row.sku_id,
      description: row.description,
      quantity: q,
      amount: new D(row.amount).toFixed(2),
    });
  }
  return out;
}

/** A customer's store credit balance (sum of its movements). */
export async function storeCreditBalance(ctx: Ctx, customerId: string): Promise<string> {
  const r = await ctx.db
    .selectFrom('store_credit_movements')
    .select((eb) => eb.fn.sum<string>('amount').as('balance'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return new D(r?.balance ?? '0').toFixed(2);
}

/** Adds store credit to a customer (a refund, a goodwill gesture); amount > 0. */
export async function addStoreCredit(
  ctx: Ctx,
  input: { customerId: string; amount: string; refType: string; refId: string },
): Promise<void> {
  await ctx.db
    .insertInto('store_credit_movements')
    .values({
      tenant_id: ctx.tenantId,
      customer_id: input.customerId,
      amount: input.amount,
      ref_type: input.refType,
      ref_id: input.refId,
      user_id: ctx.userId,
      created_at: ctx.now,
    })
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Parked tickets: a cart put aside while the customer fetches something; resumed once.

function toParked(r: {
  id: string;
  location_id: string;
  register_id: string | null;
  user_id: string | null;
  label: string | null;
  cart: unknown;
  created_at: Date;
}): ParkedTicket {
  return {
    id: r.id,
    locationId: r.location_id,
    registerId: r.register_id,
    userId: r.user_id,
    label: r.label,
    cart: r.cart as Record<string, unknown>,
    createdAt: r.created_at.toISOString(),
  };
}

/** Parks a cart at a location. Errors: LOCATION_FORBIDDEN. */
export async function parkTicket(ctx: Ctx, input: ParkInput): Promise<ParkedTicket> {
  assertLocationAccess(ctx, input.locationId);
  const row = await ctx.db
    .insertInto('parked_tickets')
    .values({
      tenant_id: ctx.tenantId,
      id: newId('park'),
      location_id: input.locationId,
      register_id: input.registerId ?? null,
      user_id: ctx.userId,
      label: input.label ?? null,
      cart: json(input.cart),
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toParked(row);
}

/** Parked tickets of a location (oldest first). */
export async function listParkedTickets(ctx: Ctx, input: { locationId: string }): Promise<ParkedTicket[]> {
  assertLocationAccess(ctx, input.locationId);
  const rows = await ctx.db
    .selectFrom('parked_tickets')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('location_id', '=', input.locationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toParked);
}

/** Takes a parked ticket back (it is deleted: only one register can resume it). Errors: PARKED_TICKET_NOT_FOUND. */
export async function resumeParkedTicket(ctx: Ctx, parkedTicketId: string): Promise<ParkedTicket> {
  const row = await ctx.db
    .deleteFrom('parked_tickets')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', parkedTicketId)
    .where((eb) =>
      ctx.locationIds === null
        ? eb.lit(true)
        : eb('location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']),
    )
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError(E.PARKED_TICKET_NOT_FOUND, { parkedTicketId });
  return toParked(row);
}

/** Clears the free-text notes of these customers' sales (an ARCO cancellation); returns how many. */
export async function forgetSaleNotesOfCustomers(ctx: Ctx, customerIds: string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await ctx.db
    .updateTable('sales')
    .set({ note: null })
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .where('note', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** When these customers last bought at the counter (null: never). */
export async function lastSaleAt(ctx: Ctx, customerIds: string[]): Promise<Date | null> {
  if (customerIds.length === 0) return null;
  const r = await ctx.db
    .selectFrom('sales')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .executeTakeFirst();
  return r?.at ? new Date(r.at) : null;
}

/** How many counter sales these customers have. */
export async function countSalesOfCustomers(ctx: Ctx, customerIds: string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await ctx.db
    .selectFrom('sales')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
