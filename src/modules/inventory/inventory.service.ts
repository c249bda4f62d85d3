import { type Kysely, sql } from 'kysely';
import { translateDbError } from '../../db/errors.js';
import type { DB } from '../../db/schema.js';
import { decodeCursor, encodeCursor } from '../../http/schemas.js';
import { type Ctx, type Executor, inTransaction, systemCtx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { dec, toQuantity } from '../../shared/money.js';
import { CatalogErrors } from '../catalog/catalog.errors.js';
import { containsPattern } from '../catalog/search-text.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { InventoryErrors as E } from './inventory.errors.js';
import type {
  CountStatus,
  HolderType,
  MovementReason,
  ReservationStatus,
  TransferStatus,
} from './inventory.tables.js';

// ---------------------------------------------------------------------------------------------
// Shapes

export interface StockLine {
  skuId: string;
  /** A positive decimal string, three decimals at most ("2", "0.750"). */
  quantity: string;
}

export interface StockLevel {
  skuId: string;
  locationId: string;
  sku: string;
  productName: string;
  onHand: string;
  /** What active reservations hold, including expired ones the sweeper has not released yet. */
  reserved: string;
  /** on hand − reserved, not counting expired reservations (they never block a sale). */
  available: string;
  reorderPoint: string | null;
  updatedAt: string;
}

export interface StockMovement {
  id: number;
  skuId: string;
  locationId: string;
  quantity: string;
  reason: MovementReason;
  refType: string | null;
  refId: string | null;
  lotId: string | null;
  unitCost: string | null;
  note: string | null;
  userId: string | null;
  createdAt: string;
}

export interface Reservation {
  id: string;
  skuId: string;
  locationId: string;
  quantity: string;
  holderType: HolderType;
  holderId: string;
  /** `expired` also for an active reservation past its expiry that the sweeper has not seen yet. */
  status: ReservationStatus;
  expiresAt: string;
  refType: string | null;
  refId: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface StockLot {
  id: string;
  skuId: string;
  locationId: string;
  lotCode: string;
  expiresOn: string | null;
  quantity: string;
  receivedAt: string;
}

export interface TransferLine {
  skuId: string;
  quantity: string;
  quantityReceived: string | null;
  /** received − sent once received; negative when units went missing on the way. */
  difference: string | null;
}

export interface Transfer {
  id: string;
  fromLocationId: string;
  toLocationId: string;
  status: TransferStatus;
  note: string | null;
  lines: TransferLine[];
  createdAt: string;
  sentAt: string | null;
  receivedAt: string | null;
}

export interface CountLine {
  skuId: string;
  expected: string;
  counted: string | null;
  variance: string | null;
}

export interface StockCount {
  id: string;
  locationId: string;
  status: CountStatus;
  note: string | null;
  lines: CountLine[];
  linesCounted: number | null;
  linesExact: number | null;
  /** Lines counted with variance 0 / lines counted × 100, two decimals; set when posted. */
  accuracy: string | null;
  createdAt: string;
  postedAt: string | null;
}

export interface LedgerMismatch {
  tenantId: string;
  skuId: string;
  locationId: string;
  onHand: string | null;
  ledgerSum: string;
  reserved: string | null;
  activeReservations: string;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const isoReq = (d: Date | string): string => new Date(d).toISOString();

/** Runs a statement that calls an inventory SQL function, turning its raised codes into AppErrors. */
async function callDb<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateDbError(err);
  }
}

// ---------------------------------------------------------------------------------------------
// The ledger: consume and add

export interface ConsumeStockInput {
  locationId: string;
  lines: StockLine[];
  /** Usually 'sale'; 'write_off', 'adjustment', 'count', 'transfer_out' from this module. */
  reason: MovementReason;
  refType?: string | null;
  refId?: string | null;
  note?: string | null;
}

/**
 * Takes stock off several SKUs at one location in one round trip (inventory_consume): guarded
 * decrements in ascending SKU order, FEFO lots, one ledger row per SKU (per lot), stock events.
 * Expired reservations never block it. Errors: STOCK_INSUFFICIENT, STOCK_QUANTITY_INVALID.
 */
export async function consumeStock(ctx: Ctx, input: ConsumeStockInput): Promise<void> {
  await callDb(() =>
    sql`select inventory_consume(${ctx.tenantId}, ${input.locationId},
      ${input.lines.map((l) => l.skuId)}::text[], ${input.lines.map((l) => l.quantity)}::numeric[],
      ${input.reason}, ${input.refType ?? null}, ${input.refId ?? null}, ${ctx.userId}, ${ctx.now},
      ${input.note ?? null})`.execute(ctx.db),
  );
}

export interface AddStockInput {
  locationId: string;
  lines: (StockLine & { lotId?: string | null; unitCost?: string | null })[];
  /** receipt, return, transfer_in, adjustment, count. */
  reason: MovementReason;
  refType?: string | null;
  refId?: string | null;
  note?: string | null;
}

/**
 * Puts stock on several SKUs at one location (inventory_add): upserted levels in ascending SKU
 * order, one ledger row per line, stock events. Errors: STOCK_QUANTITY_INVALID, REFERENCE_NOT_FOUND.
 */
export async function addStock(ctx: Ctx, input: AddStockInput): Promise<void> {
  const lots = input.lines.some((l) => l.lotId) ? input.lines.map((l) => l.lotId ?? null) : null;
  const costs = input.lines.some((l) => l.unitCost) ? input.lines.map((l) => l.unitCost ?? null) : null;
  await callDb(() =>
    sql`select inventory_add(${ctx.tenantId}, ${input.locationId},
      ${input.lines.map((l) => l.skuId)}::text[], ${input.lines.map((l) => l.quantity)}::numeric[],
      ${input.reason}, ${input.refType ?? null}, ${input.refId ?? null}, ${ctx.userId}, ${ctx.now},
      ${lots}::text[], ${costs}::numeric[], ${input.note ?? null})`.execute(ctx.db),
  );
}

function assertDistinctSkus(lines: { skuId: string }[]): void {
  const seen = new Set<string>();
  for (const l of lines) {
    if (seen.has(l.skuId)) throw new AppError(E.LINES_DUPLICATE_SKU, { skuId: l.skuId });
    seen.add(l.skuId);
  }
}

async function lotTrackedSkus(ctx: Ctx, skuIds: string[]): Promise<Set<string>> {
  if (skuIds.length === 0) return new Set();
  const rows = await ctx.db
    .selectFrom('skus as k')
    .innerJoin('products as p', (j) =>
      j.onRef('p.tenant_id', '=', 'k.tenant_id').onRef('p.id', '=', 'k.product_id'),
    )
    .select(['k.id', 'p.track_lots'])
    .where('k.tenant_id', '=', ctx.tenantId)
    .where('k.id', 'in', skuIds)
    .execute();
  const known = new Set(rows.map((r) => r.id));
  for (const id of skuIds) if (!known.has(id)) throw new AppError(CatalogErrors.SKU_NOT_FOUND, { sku: id });
  return new Set(rows.filter((r) => r.track_lots).map((r) => r.id));
}

/** Finds or creates a lot at a location; the same code with another expiry is LOT_DUPLICATE. */
async function upsertLot(
  ctx: Ctx,
  input: { skuId: string; locationId: string; lotCode: string; expiresOn: string | null },
): Promise<string> {
  const row = await ctx.db
    .insertInto('stock_lots')
    .values({
      tenant_id: ctx.tenantId,
      id: newId('lot'),
      sku_id: input.skuId,
      location_id: input.locationId,
      lot_code: input.lotCode,
      expires_on: input.expiresOn,
      quantity: '0',
      received_at: ctx.now,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'sku_id', 'location_id', 'lot_code']).doUpdateSet({ lot_code: input.lotCode }),
    )
    .returning(['id', sql<string | null>`to_char(expires_on, 'YYYY-MM-DD')`.as('expires_on')])
    .executeTakeFirstOrThrow();
  if ((row.expires_on ?? null) !== input.expiresOn) {
    throw new AppError(E.LOT_DUPLICATE, { lotCode: input.lotCode, expiresOn: row.expires_on });
  }
  return row.id;
}

// ---------------------------------------------------------------------------------------------
// Receipts and adjustments

export interface ReceiveStockInput {
  locationId: string;
  lines: {
    skuId: string;
    quantity: string;
    unitCost?: string | null;
    lotCode?: string | null;
    /** YYYY-MM-DD */
    expiresOn?: string | null;
  }[];
  note?: string | null;
  /** A supplier document, e.g. { refType: 'supplier_invoice', refId: 'F-1234' }; default a new rcv_ id. */
  refType?: string;
  refId?: string;
}

export interface Receipt {
  id: string;
  locationId: string;
  movements: StockMovement[];
}

/**
 * Receives merchandise at a location: a 'receipt' ledger row per line, into its lot for
 * lot-tracked products. Errors: LOT_REQUIRED, LOT_NOT_TRACKED, LOT_DUPLICATE, SKU_NOT_FOUND,
 * STOCK_QUANTITY_INVALID.
 */
export async function receiveStock(ctx: Ctx, input: ReceiveStockInput): Promise<Receipt> {
  return inTransaction(ctx, async (tx) => {
    const tracked = await lotTrackedSkus(tx, [...new Set(input.lines.map((l) => l.skuId))]);
    const refType = input.refType ?? 'receipt';
    const refId = input.refId ?? newId('rcv');
    const lines: AddStockInput['lines'] = [];
    for (const l of input.lines) {
      let lotId: string | null = null;
      if (tracked.has(l.skuId)) {
        if (!l.lotCode) throw new AppError(E.LOT_REQUIRED, { skuId: l.skuId });
        // the level must exist before its lots reference the location's stock
        lotId = await upsertLot(tx, {
          skuId: l.skuId,
          locationId: input.locationId,
          lotCode: l.lotCode,
          expiresOn: l.expiresOn ?? null,
        });
      } else if (l.lotCode) {
        throw new AppError(E.LOT_NOT_TRACKED, { skuId: l.skuId });
      }
      lines.push({ skuId: l.skuId, quantity: l.quantity, lotId, unitCost: l.unitCost ?? null });
    }
    const before = await lastMovementId(tx);
    await addStock(tx, {
      locationId: input.locationId,
      lines,
      reason: 'receipt',
      refType,
      refId,
      note: input.note,
    });
    const movements = await movementsAfter(tx, before, refType, refId);
    await recordAudit(tx, {
      action: 'stock.received',
      entityType: refType,
      entityId: refId,
      data: { locationId: input.locationId, lines: input.lines, note: input.note ?? null },
    });
    return { id: refId, locationId: input.locationId, movements };
  });
}

async function lastMovementId(ctx: Ctx): Promise<number> {
  const r = await ctx.db
    .selectFrom('stock_movements')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('tenant_id', '=', ctx.tenantId)
    .executeTakeFirst();
  return Number(r?.id ?? 0);
}

async function movementsAfter(
  ctx: Ctx,
  afterId: number,
  refType: string,
  refId: string,
): Promise<StockMovement[]> {
  const rows = await ctx.db
    .selectFrom('stock_movements')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '>', afterId)
    .where('ref_type', '=', refType)
    .where('ref_id', '=', refId)
    .orderBy('id')
    .execute();
  return rows.map(toMovement);
}

export interface AdjustStockInput {
  locationId: string;
  skuId: string;
  /** A signed delta ("-2", "5"). Give this or countedQuantity. */
  quantity?: string;
  /** What is physically there; the difference goes to the ledger. */
  countedQuantity?: string;
  /** 'adjustment' (default) or 'write_off' (damaged, expired, stolen: a negative delta). */
  reason?: 'adjustment' | 'write_off';
  note: string;
}

export interface Adjustment {
  id: string;
  skuId: string;
  locationId: string;
  delta: string;
  level: StockLevel | null;
}

/**
 * Corrects one SKU's stock at a location by a signed delta or to a counted quantity, with a
 * ledger row and an audit row. Errors: ADJUSTMENT_INVALID, STOCK_INSUFFICIENT (below reserved).
 */
export async function adjustStock(ctx: Ctx, input: AdjustStockInput): Promise<Adjustment> {
  if ((input.quantity === undefined) === (input.countedQuantity === undefined)) {
    throw new AppError(E.ADJUSTMENT_INVALID, {});
  }
  const reason = input.reason ?? 'adjustment';
  return inTransaction(ctx, async (tx) => {
    const id = newId('adj');
    let delta: string;
    if (input.quantity !== undefined) {
      const q = dec(input.quantity);
      if (q.isZero() || (reason === 'write_off' && q.isPositive()))
        throw new AppError(E.ADJUSTMENT_INVALID, {});
      delta = toQuantity(q);
      const line = [{ skuId: input.skuId, quantity: toQuantity(q.abs()) }];
      const common = {
        locationId: input.locationId,
        lines: line,
        reason,
        refType: 'adjustment',
        refId: id,
        note: input.note,
      };
      if (q.isNegative()) await consumeStock(tx, common);
      else await addStock(tx, common);
    } else {
      const r = await callDb(() =>
        sql<{
          delta: string;
        }>`select inventory_set_counted(${tx.tenantId}, ${input.locationId}, ${input.skuId},
          ${input.countedQuantity}::numeric, ${reason}, 'adjustment', ${id}, ${tx.userId}, ${tx.now},
          ${input.note}) as delta`.execute(tx.db),
      );
      delta = toQuantity(r.rows[0]!.delta);
    }
    await recordAudit(tx, {
      action: 'stock.adjusted',
      entityType: 'sku',
      entityId: input.skuId,
      data: { adjustmentId: id, locationId: input.locationId, reason, delta, note: input.note },
    });
    const [level] = await getStockLevels(tx, { locationId: input.locationId, skuIds: [input.skuId] });
    return { id, skuId: input.skuId, locationId: input.locationId, delta, level: level ?? null };
  });
}

// ---------------------------------------------------------------------------------------------
// Reservations

export interface ReserveStockInput {
  skuId: string;
  locationId: string;
  quantity: string;
  expiresAt: Date | string;
  holderType: HolderType;
  holderId: string;
}

/**
 * Holds stock for an order or a cart until it expires: a guarded increment of `reserved`
 * (expired reservations of that level are released first when short).
 * Errors: STOCK_INSUFFICIENT, RESERVATION_EXPIRY_INVALID, STOCK_QUANTITY_INVALID.
 */
export async function reserveStock(ctx: Ctx, input: ReserveStockInput): Promise<Reservation> {
  const expiresAt = new Date(input.expiresAt);
  if (!(expiresAt.getTime() > ctx.now.getTime())) {
    throw new AppError(E.RESERVATION_EXPIRY_INVALID, { expiresAt: iso(input.expiresAt) });
  }
  const id = newId('res');
  await callDb(() =>
    sql`select inventory_reserve(${ctx.tenantId}, ${id}, ${input.locationId}, ${input.skuId},
      ${input.quantity}::numeric, ${expiresAt}, ${input.holderType}, ${input.holderId}, ${ctx.userId},
      ${ctx.now})`.execute(ctx.db),
  );
  return getReservation(ctx, id);
}

export async function getReservation(ctx: Ctx, reservationId: string): Promise<Reservation> {
  const r = await ctx.db
    .selectFrom('stock_reservations')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', reservationId)
    .executeTakeFirst();
  if (!r) throw new AppError(E.RESERVATION_NOT_FOUND, { reservationId });
  return toReservation(r, ctx.now);
}

/**
 * Turns an active reservation into a sale decrement (on hand and reserved drop together) with
 * a 'reservation_confirm' ledger row. Errors: RESERVATION_EXPIRED (also before the sweeper
 * ran), RESERVATION_NOT_ACTIVE, RESERVATION_NOT_FOUND.
 */
export async function confirmReservation(
  ctx: Ctx,
  input: { reservationId: string; refType: string; refId: string },
): Promise<Reservation> {
  await callDb(() =>
    sql`select inventory_confirm(${ctx.tenantId}, ${[input.reservationId]}::text[], ${input.refType},
      ${input.refId}, ${ctx.userId}, ${ctx.now})`.execute(ctx.db),
  );
  return getReservation(ctx, input.reservationId);
}

/**
 * Confirms every active reservation a holder has (an order being paid), all or none.
 * Errors: as confirmReservation.
 */
export async function confirmReservationsFor(
  ctx: Ctx,
  input: { holderType: HolderType; holderId: string; refType: string; refId: string },
): Promise<Reservation[]> {
  return inTransaction(ctx, async (tx) => {
    const ids = (await activeIdsOf(tx, input.holderType, input.holderId)).map((r) => r.id);
    if (ids.length === 0) return [];
    await callDb(() =>
      sql`select inventory_confirm(${tx.tenantId}, ${ids}::text[], ${input.refType}, ${input.refId},
        ${tx.userId}, ${tx.now})`.execute(tx.db),
    );
    return listReservations(tx, { holderType: input.holderType, holderId: input.holderId, ids });
  });
}

async function activeIdsOf(ctx: Ctx, holderType: HolderType, holderId: string) {
  return ctx.db
    .selectFrom('stock_reservations')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('holder_type', '=', holderType)
    .where('holder_id', '=', holderId)
    .where('status', '=', 'active')
    .execute();
}

/** Gives a reservation's stock back. Errors: RESERVATION_NOT_FOUND, RESERVATION_NOT_ACTIVE. */
export async function releaseReservation(ctx: Ctx, input: { reservationId: string }): Promise<Reservation> {
  return inTransaction(ctx, async (tx) => {
    const n = await releaseIds(tx, [input.reservationId], 'released');
    if (n === 0) {
      const r = await getReservation(tx, input.reservationId);
      throw new AppError(E.RESERVATION_NOT_ACTIVE, { reservationId: r.id, status: r.status });
    }
    return getReservation(tx, input.reservationId);
  });
}

/** Releases every active reservation a holder has (an order cancelled, a cart abandoned); returns how many. */
export async function releaseReservationsFor(
  ctx: Ctx,
  input: { holderType: HolderType; holderId: string },
): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    const ids = (await activeIdsOf(tx, input.holderType, input.holderId)).map((r) => r.id);
    return ids.length === 0 ? 0 : releaseIds(tx, ids, 'released');
  });
}

async function releaseIds(ctx: Ctx, ids: string[], status: 'released' | 'expired'): Promise<number> {
  const r = await callDb(() =>
    sql<{
      n: number;
    }>`select inventory_release(${ctx.tenantId}, ${ids}::text[], ${status}, ${ctx.now}) as n`.execute(ctx.db),
  );
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * The background sweeper: marks every reservation expired by `now` as expired and gives its
 * stock back, in batches, one short transaction per business and batch. Returns how many.
 */
export async function releaseExpiredReservations(
  db: Kysely<DB>,
  now: Date,
  batchSize = 500,
): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await db
      .selectFrom('stock_reservations')
      .select(['tenant_id', 'id'])
      .where('status', '=', 'active')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(batchSize)
      .execute();
    if (due.length === 0) return total;
    const byTenant = new Map<string, string[]>();
    for (const r of due) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.id]);
    for (const [tenantId, ids] of byTenant) {
      total += await db
        .transaction()
        .execute((trx) => releaseIds(systemCtx(trx, tenantId, now), ids, 'expired'));
    }
    if (due.length < batchSize) return total;
  }
}

export interface ListReservationsInput {
  status?: ReservationStatus;
  holderType?: HolderType;
  holderId?: string;
  skuId?: string;
  locationId?: string;
  ids?: string[];
  limit?: number;
  /** The last id of the previous page. */
  after?: string;
}

/** Reservations, newest first; `status: 'expired'` includes active ones past their expiry. */
export async function listReservations(ctx: Ctx, input: ListReservationsInput = {}): Promise<Reservation[]> {
  let q = ctx.db.selectFrom('stock_reservations').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (input.status === 'active') q = q.where('status', '=', 'active').where('expires_at', '>', ctx.now);
  else if (input.status === 'expired')
    q = q.where((eb) =>
      eb.or([
        eb('status', '=', 'expired'),
        eb.and([eb('status', '=', 'active'), eb('expires_at', '<=', ctx.now)]),
      ]),
    );
  else if (input.status) q = q.where('status', '=', input.status);
  if (input.holderType) q = q.where('holder_type', '=', input.holderType);
  if (input.holderId) q = q.where('holder_id', '=', input.holderId);
  if (input.skuId) q = q.where('sku_id', '=', input.skuId);
  if (input.locationId) q = q.where('location_id', '=', input.locationId);
  if (input.ids) q = q.where('id', 'in', input.ids.length ? input.ids : ['']);
  if (ctx.locationIds) q = q.where('location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']);
  if (input.after) q = q.where('id', '<', input.after);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit ?? 200)
    .execute();
  return rows.map((r) => toReservation(r, ctx.now));
}

// ---------------------------------------------------------------------------------------------
// Reads

export interface GetStockLevelsInput {
  locationId?: string;
  skuIds?: string[];
  /** Name, SKU or barcode contains this (accent- and case-insensitive, as the catalog search). */
  q?: string;
  limit?: number;
  /** The last "skuId|locationId" of the previous page. */
  after?: string;
}

/** Per-location levels with what is truly available (expired reservations do not count). */
export async function getStockLevels(ctx: Ctx, input: GetStockLevelsInput = {}): Promise<StockLevel[]> {
  let q = ctx.db
    .selectFrom('stock_levels as l')
    .innerJoin('skus as k', (j) => j.onRef('k.tenant_id', '=', 'l.tenant_id').onRef('k.id', '=', 'l.sku_id'))
    .innerJoin('products as p', (j) =>
      j.onRef('p.tenant_id', '=', 'k.tenant_id').onRef('p.id', '=', 'k.product_id'),
    )
    .select([
      'l.sku_id',
      'l.location_id',
      'k.sku',
      'p.name as product_name',
      'l.on_hand',
      'l.reserved',
      'k.reorder_point',
      'l.updated_at',
      sql<string>`l.on_hand - l.reserved + coalesce((select sum(r.quantity) from stock_reservations r
        where r.tenant_id = l.tenant_id and r.sku_id = l.sku_id and r.location_id = l.location_id
          and r.status = 'active' and r.expires_at <= ${ctx.now}), 0)`.as('available'),
    ])
    .where('l.tenant_id', '=', ctx.tenantId);
  if (input.locationId) q = q.where('l.location_id', '=', input.locationId);
  if (input.skuIds) q = q.where('l.sku_id', 'in', input.skuIds.length ? input.skuIds : ['']);
  if (input.q) q = q.where('k.search_text', 'like', containsPattern(input.q));
  if (ctx.locationIds) q = q.where('l.location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']);
  if (input.after) {
    const [s, l] = input.after.split('|');
    q = q.where(sql<boolean>`(l.sku_id, l.location_id) > (${s ?? ''}, ${l ?? ''})`);
  }
  const rows = await q
    .orderBy('l.sku_id')
    .orderBy('l.location_id')
    .limit(input.limit ?? 1000)
    .execute();
  return rows.map((r) => ({
    skuId: r.sku_id,
    locationId: r.location_id,
    sku: r.sku,
    productName: r.product_name,
    onHand: toQuantity(r.on_hand),
    reserved: toQuantity(r.reserved),
    available: toQuantity(r.available),
    reorderPoint: r.reorder_point === null ? null : toQuantity(r.reorder_point),
    updatedAt: isoReq(r.updated_at),
  }));
}

/** What can be sold now of one SKU at one location ("0.000" when it never had stock). */
export async function getAvailable(ctx: Ctx, input: { skuId: string; locationId: string }): Promise<string> {
  const [l] = await getStockLevels(ctx, { locationId: input.locationId, skuIds: [input.skuId] });
  return l?.available ?? '0.000';
}

/** Levels at or below their SKU's reorder point (available, not counting expired reservations). */
export async function listLowStock(ctx: Ctx, input: { locationId?: string } = {}): Promise<StockLevel[]> {
  let q = ctx.db
    .selectFrom('stock_levels as l')
    .innerJoin('skus as k', (j) => j.onRef('k.tenant_id', '=', 'l.tenant_id').onRef('k.id', '=', 'l.sku_id'))
    .select(['l.sku_id'])
    .where('l.tenant_id', '=', ctx.tenantId)
    .where('k.reorder_point', 'is not', null)
    .where('k.active', '=', true)
    .where(sql<boolean>`l.on_hand - l.reserved <= k.reorder_point`);
  if (input.locationId) q = q.where('l.location_id', '=', input.locationId);
  const ids = [...new Set((await q.execute()).map((r) => r.sku_id))];
  if (ids.length === 0) return [];
  const levels = await getStockLevels(ctx, { locationId: input.locationId, skuIds: ids });
  return levels.filter((l) => l.reorderPoint !== null && dec(l.available).lte(l.reorderPoint));
}

export interface ListMovementsInput {
  skuId?: string;
  locationId?: string;
  reason?: MovementReason;
  refType?: string;
  refId?: string;
  from?: Date | string;
  to?: Date | string;
  limit: number;
  cursor?: string;
}

/** The ledger, newest first, with cursor pagination. */
export async function listMovements(
  ctx: Ctx,
  input: ListMovementsInput,
): Promise<{ items: StockMovement[]; nextCursor: string | null }> {
  let q = ctx.db.selectFrom('stock_movements').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (input.skuId) q = q.where('sku_id', '=', input.skuId);
  if (input.locationId) q = q.where('location_id', '=', input.locationId);
  if (input.reason) q = q.where('reason', '=', input.reason);
  if (input.refType) q = q.where('ref_type', '=', input.refType);
  if (input.refId) q = q.where('ref_id', '=', input.refId);
  if (input.from) q = q.where('created_at', '>=', new Date(input.from));
  if (input.to) q = q.where('created_at', '<', new Date(input.to));
  if (ctx.locationIds) q = q.where('location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']);
  const after = decodeCursor(input.cursor);
  if (after && /^\d+$/.test(after)) q = q.where('id', '<', Number(after));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const items = rows.slice(0, input.limit).map(toMovement);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > input.limit && last ? encodeCursor(String(last.id)) : null };
}

/** Lots with stock, first to expire first. */
export async function listLots(
  ctx: Ctx,
  input: { skuId?: string; locationId?: string; expiresBy?: string } = {},
): Promise<StockLot[]> {
  let q = ctx.db
    .selectFrom('stock_lots')
    .select([
      'id',
      'sku_id',
      'location_id',
      'lot_code',
      sql<string | null>`to_char(expires_on, 'YYYY-MM-DD')`.as('expires_on'),
      'quantity',
      'received_at',
    ])
    .where('tenant_id', '=', ctx.tenantId)
    .where('quantity', '>', '0');
  if (input.skuId) q = q.where('sku_id', '=', input.skuId);
  if (input.locationId) q = q.where('location_id', '=', input.locationId);
  // a user limited to some locations sees only their lots
  if (ctx.locationIds) q = q.where('location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']);
  if (input.expiresBy) q = q.where(sql<boolean>`expires_on <= ${input.expiresBy}::date`);
  const rows = await q.orderBy(sql`expires_on nulls last`).orderBy('received_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    skuId: r.sku_id,
    locationId: r.location_id,
    lotCode: r.lot_code,
    expiresOn: r.expires_on,
    quantity: toQuantity(r.quantity),
    receivedAt: isoReq(r.received_at),
  }));
}

// ---------------------------------------------------------------------------------------------
// Transfers

export interface CreateTransferInput {
  fromLocationId: string;
  toLocationId: string;
  lines: StockLine[];
  note?: string | null;
}

/** A draft transfer between two locations of the business. Errors: TRANSFER_SAME_LOCATION, LINES_DUPLICATE_SKU. */
export async function createTransfer(ctx: Ctx, input: CreateTransferInput): Promise<Transfer> {
  if (input.fromLocationId === input.toLocationId) throw new AppError(E.TRANSFER_SAME_LOCATION, {});
  assertDistinctSkus(input.lines);
  return inTransaction(ctx, async (tx) => {
    const id = newId('trf');
    await tx.db
      .insertInto('stock_transfers')
      .values({
        tenant_id: tx.tenantId,
        id,
        from_location_id: input.fromLocationId,
        to_location_id: input.toLocationId,
        status: 'draft',
        note: input.note ?? null,
        created_by: tx.userId,
        created_at: tx.now,
      })
      .execute();
    await tx.db
      .insertInto('stock_transfer_lines')
      .values(
        input.lines.map((l) => ({
          tenant_id: tx.tenantId,
          transfer_id: id,
          sku_id: l.skuId,
          quantity: l.quantity,
        })),
      )
      .execute();
    return getTransfer(tx, id);
  });
}

export async function getTransfer(ctx: Ctx, transferId: string): Promise<Transfer> {
  const t = await ctx.db
    .selectFrom('stock_transfers')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', transferId)
    .executeTakeFirst();
  if (!t) throw new AppError(E.TRANSFER_NOT_FOUND, { transferId });
  const lines = await ctx.db
    .selectFrom('stock_transfer_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('transfer_id', '=', transferId)
    .orderBy('sku_id')
    .execute();
  return {
    id: t.id,
    fromLocationId: t.from_location_id,
    toLocationId: t.to_location_id,
    status: t.status,
    note: t.note,
    lines: lines.map((l) => ({
      skuId: l.sku_id,
      quantity: toQuantity(l.quantity),
      quantityReceived: l.quantity_received === null ? null : toQuantity(l.quantity_received),
      difference: l.difference === null ? null : toQuantity(l.difference),
    })),
    createdAt: isoReq(t.created_at),
    sentAt: iso(t.sent_at),
    receivedAt: iso(t.received_at),
  };
}

/** Transfers, newest first, optionally by status or by a location on either end. */
export async function listTransfers(
  ctx: Ctx,
  input: { status?: TransferStatus; locationId?: string; limit?: number } = {},
): Promise<Transfer[]> {
  let q = ctx.db.selectFrom('stock_transfers').select('id').where('tenant_id', '=', ctx.tenantId);
  if (input.status) q = q.where('status', '=', input.status);
  const loc = input.locationId;
  if (loc) q = q.where((eb) => eb.or([eb('from_location_id', '=', loc), eb('to_location_id', '=', loc)]));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit ?? 100)
    .execute();
  return Promise.all(rows.map((r) => getTransfer(ctx, r.id)));
}

async function moveTransferStatus(
  ctx: Ctx,
  transferId: string,
  from: TransferStatus,
  to: TransferStatus,
  action: string,
): Promise<void> {
  const stamp = to === 'sent' ? { sent_at: ctx.now } : to === 'received' ? { received_at: ctx.now } : {};
  const r = await ctx.db
    .updateTable('stock_transfers')
    .set({ status: to, ...stamp })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', transferId)
    .where('status', '=', from)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    const t = await getTransfer(ctx, transferId);
    throw new AppError(E.TRANSFER_STATUS, { status: t.status, action });
  }
}

/**
 * Ships a draft transfer: 'transfer_out' at the origin through guarded decrements (FEFO lots).
 * Errors: TRANSFER_NOT_FOUND, TRANSFER_STATUS, STOCK_INSUFFICIENT.
 */
export async function sendTransfer(ctx: Ctx, input: { transferId: string }): Promise<Transfer> {
  return inTransaction(ctx, async (tx) => {
    await moveTransferStatus(tx, input.transferId, 'draft', 'sent', 'send');
    const t = await getTransfer(tx, input.transferId);
    await consumeStock(tx, {
      locationId: t.fromLocationId,
      lines: t.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity })),
      reason: 'transfer_out',
      refType: 'transfer',
      refId: t.id,
    });
    await recordEvent(tx, 'stock.transfer_sent', {
      transferId: t.id,
      from: t.fromLocationId,
      to: t.toLocationId,
    });
    await recordAudit(tx, {
      action: 'stock.transfer_sent',
      entityType: 'transfer',
      entityId: t.id,
      data: { lines: t.lines },
    });
    return { ...t, status: 'sent', sentAt: isoReq(tx.now) };
  });
}

/** Cancels a transfer that was not sent yet. Errors: TRANSFER_NOT_FOUND, TRANSFER_STATUS. */
export async function cancelTransfer(ctx: Ctx, input: { transferId: string }): Promise<Transfer> {
  return inTransaction(ctx, async (tx) => {
    await moveTransferStatus(tx, input.transferId, 'draft', 'cancelled', 'cancel');
    return getTransfer(tx, input.transferId);
  });
}

export interface ReceiveTransferInput {
  transferId: string;
  /** What arrived per SKU; a SKU left out arrived complete. */
  lines?: { skuId: string; quantityReceived: string }[];
  note?: string | null;
}

/**
 * Receives a sent transfer at its destination: 'transfer_in' for what arrived (into the same
 * lots for lot-tracked products), the difference per line recorded and returned.
 * Errors: TRANSFER_NOT_FOUND, TRANSFER_STATUS, TRANSFER_LINE_UNKNOWN.
 */
export async function receiveTransfer(ctx: Ctx, input: ReceiveTransferInput): Promise<Transfer> {
  return inTransaction(ctx, async (tx) => {
    await moveTransferStatus(tx, input.transferId, 'sent', 'received', 'receive');
    const t = await getTransfer(tx, input.transferId);
    const got = new Map<string, string>();
    for (const l of input.lines ?? []) {
      if (!t.lines.some((x) => x.skuId === l.skuId))
        throw new AppError(E.TRANSFER_LINE_UNKNOWN, { skuId: l.skuId });
      got.set(l.skuId, toQuantity(l.quantityReceived));
    }
    const tracked = await lotTrackedSkus(
      tx,
      t.lines.map((l) => l.skuId),
    );
    const outLots = await tx.db
      .selectFrom('stock_movements as m')
      .innerJoin('stock_lots as o', (j) =>
        j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.lot_id'),
      )
      .select([
        'm.sku_id',
        'm.quantity',
        'o.lot_code',
        sql<string | null>`to_char(o.expires_on, 'YYYY-MM-DD')`.as('expires_on'),
      ])
      .where('m.tenant_id', '=', tx.tenantId)
      .where('m.ref_type', '=', 'transfer')
      .where('m.ref_id', '=', t.id)
      .where('m.reason', '=', 'transfer_out')
      .orderBy('m.id')
      .execute();
    const adds: AddStockInput['lines'] = [];
    for (const l of t.lines) {
      const received = got.get(l.skuId) ?? l.quantity;
      await tx.db
        .updateTable('stock_transfer_lines')
        .set({ quantity_received: received, difference: toQuantity(dec(received).minus(l.quantity)) })
        .where('tenant_id', '=', tx.tenantId)
        .where('transfer_id', '=', t.id)
        .where('sku_id', '=', l.skuId)
        .execute();
      let rest = dec(received);
      if (rest.isZero()) continue;
      if (tracked.has(l.skuId)) {
        // the units that left in the FEFO order of their lots arrive in that order
        for (const o of outLots.filter((x) => x.sku_id === l.skuId)) {
          if (rest.isZero()) break;
          const take = dec(o.quantity).abs();
          const q = take.lt(rest) ? take : rest;
          const lotId = await upsertLot(tx, {
            skuId: l.skuId,
            locationId: t.toLocationId,
            lotCode: o.lot_code,
            expiresOn: o.expires_on,
          });
          adds.push({ skuId: l.skuId, quantity: toQuantity(q), lotId });
          rest = rest.minus(q);
        }
      }
      if (!rest.isZero()) adds.push({ skuId: l.skuId, quantity: toQuantity(rest) });
    }
    if (adds.length > 0) {
      await addStock(tx, {
        locationId: t.toLocationId,
        lines: adds,
        reason: 'transfer_in',
        refType: 'transfer',
        refId: t.id,
        note: input.note,
      });
    }
    const done = await getTransfer(tx, t.id);
    await recordEvent(tx, 'stock.transfer_received', {
      transferId: t.id,
      from: t.fromLocationId,
      to: t.toLocationId,
      differences: done.lines.filter((l) => l.difference !== null && !dec(l.difference).isZero()),
    });
    await recordAudit(tx, {
      action: 'stock.transfer_received',
      entityType: 'transfer',
      entityId: t.id,
      data: { lines: done.lines, note: input.note ?? null },
    });
    return done;
  });
}

// ---------------------------------------------------------------------------------------------
// Cycle counts

/** A count sheet for a location: every SKU with a level there, or the given ones; expected = on hand now. */
export async function createCount(
  ctx: Ctx,
  input: { locationId: string; skuIds?: string[]; note?: string | null },
): Promise<StockCount> {
  if (input.skuIds) assertDistinctSkus(input.skuIds.map((skuId) => ({ skuId })));
  return inTransaction(ctx, async (tx) => {
    const id = newId('cnt');
    await tx.db
      .insertInto('stock_counts')
      .values({
        tenant_id: tx.tenantId,
        id,
        location_id: input.locationId,
        status: 'open',
        note: input.note ?? null,
        created_by: tx.userId,
        created_at: tx.now,
      })
      .execute();
    if (input.skuIds) {
      if (input.skuIds.length > 0)
        await sql`insert into stock_count_lines (tenant_id, count_id, sku_id, expected)
          select ${tx.tenantId}, ${id}, u.sku_id, coalesce(l.on_hand, 0)
          from unnest(${input.skuIds}::text[]) as u(sku_id)
          left join stock_levels l on l.tenant_id = ${tx.tenantId} and l.sku_id = u.sku_id
            and l.location_id = ${input.locationId}`.execute(tx.db);
    } else {
      await sql`insert into stock_count_lines (tenant_id, count_id, sku_id, expected)
        select tenant_id, ${id}, sku_id, on_hand from stock_levels
        where tenant_id = ${tx.tenantId} and location_id = ${input.locationId}`.execute(tx.db);
    }
    return getCount(tx, id);
  });
}

export async function getCount(ctx: Ctx, countId: string): Promise<StockCount> {
  const c = await ctx.db
    .selectFrom('stock_counts')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', countId)
    .executeTakeFirst();
  if (!c) throw new AppError(E.COUNT_NOT_FOUND, { countId });
  const lines = await ctx.db
    .selectFrom('stock_count_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('count_id', '=', countId)
    .orderBy('sku_id')
    .execute();
  return {
    id: c.id,
    locationId: c.location_id,
    status: c.status,
    note: c.note,
    lines: lines.map((l) => ({
      skuId: l.sku_id,
      expected: toQuantity(l.expected),
      counted: l.counted === null ? null : toQuantity(l.counted),
      variance: l.variance === null ? null : toQuantity(l.variance),
    })),
    linesCounted: c.lines_counted,
    linesExact: c.lines_exact,
    accuracy: c.accuracy === null ? null : dec(c.accuracy).toFixed(2),
    createdAt: isoReq(c.created_at),
    postedAt: iso(c.posted_at),
  };
}

export async function listCounts(
  ctx: Ctx,
  input: { locationId?: string; status?: CountStatus; limit?: number } = {},
): Promise<StockCount[]> {
  let q = ctx.db.selectFrom('stock_counts').select('id').where('tenant_id', '=', ctx.tenantId);
  if (input.locationId) q = q.where('location_id', '=', input.locationId);
  if (input.status) q = q.where('status', '=', input.status);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit ?? 50)
    .execute();
  return Promise.all(rows.map((r) => getCount(ctx, r.id)));
}

async function lockOpenCount(ctx: Ctx, countId: string): Promise<{ location_id: string }> {
  const c = await ctx.db
    .selectFrom('stock_counts')
    .select(['location_id', 'status'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', countId)
    .forUpdate()
    .executeTakeFirst();
  if (!c) throw new AppError(E.COUNT_NOT_FOUND, { countId });
  if (c.status !== 'open') throw new AppError(E.COUNT_NOT_OPEN, { countId, status: c.status });
  return c;
}

/**
 * Enters counted quantities on an open sheet. The expected quantity is refreshed to the on
 * hand at entry, so sales made while counting do not show as variance; a SKU found that was not
 * on the sheet is added. Errors: COUNT_NOT_FOUND, COUNT_NOT_OPEN.
 */
export async function recordCountLines(
  ctx: Ctx,
  input: { countId: string; lines: { skuId: string; countedQuantity: string }[] },
): Promise<StockCount> {
  assertDistinctSkus(input.lines);
  return inTransaction(ctx, async (tx) => {
    const c = await lockOpenCount(tx, input.countId);
    await sql`insert into stock_count_lines as cl (tenant_id, count_id, sku_id, expected, counted, variance, counted_at)
      select ${tx.tenantId}, ${input.countId}, u.sku_id, coalesce(l.on_hand, 0), u.counted,
             u.counted - coalesce(l.on_hand, 0), ${tx.now}
      from unnest(${input.lines.map((l) => l.skuId)}::text[], ${input.lines.map((l) => l.countedQuantity)}::numeric[])
           as u(sku_id, counted)
      left join stock_levels l on l.tenant_id = ${tx.tenantId} and l.sku_id = u.sku_id
        and l.location_id = ${c.location_id}
      on conflict (tenant_id, count_id, sku_id) do update
        set expected = excluded.expected, counted = excluded.counted, variance = excluded.variance,
            counted_at = excluded.counted_at`.execute(tx.db);
    return getCount(tx, input.countId);
  });
}

/**
 * Posts a count: each variance becomes a 'count' ledger row (in ascending SKU order), and the
 * sheet records inventory accuracy = lines with variance 0 / lines counted × 100.
 * Errors: COUNT_NOT_FOUND, COUNT_NOT_OPEN, COUNT_EMPTY, STOCK_INSUFFICIENT (count below reserved).
 */
export async function postCount(ctx: Ctx, input: { countId: string }): Promise<StockCount> {
  return inTransaction(ctx, async (tx) => {
    const c = await lockOpenCount(tx, input.countId);
    const lines = await tx.db
      .selectFrom('stock_count_lines')
      .select(['sku_id', 'variance'])
      .where('tenant_id', '=', tx.tenantId)
      .where('count_id', '=', input.countId)
      .where('counted', 'is not', null)
      .orderBy('sku_id')
      .execute();
    if (lines.length === 0) throw new AppError(E.COUNT_EMPTY, { countId: input.countId });
    let exact = 0;
    for (const l of lines) {
      const v = dec(l.variance ?? '0');
      if (v.isZero()) {
        exact++;
        continue;
      }
      const common = {
        locationId: c.location_id,
        lines: [{ skuId: l.sku_id, quantity: toQuantity(v.abs()) }],
        reason: 'count' as const,
        refType: 'count',
        refId: input.countId,
      };
      if (v.isNegative()) await consumeStock(tx, common);
      else await addStock(tx, common);
    }
    const accuracy = dec(exact).times(100).div(lines.length).toDecimalPlaces(2).toFixed(2);
    await tx.db
      .updateTable('stock_counts')
      .set({ status: 'posted', posted_at: tx.now, lines_counted: lines.length, lines_exact: exact, accuracy })
      .where('tenant_id', '=', tx.tenantId)
      .where('id', '=', input.countId)
      .execute();
    await recordEvent(tx, 'stock.count_posted', {
      countId: input.countId,
      locationId: c.location_id,
      linesCounted: lines.length,
      linesExact: exact,
      accuracy,
    });
    await recordAudit(tx, {
      action: 'stock.count_posted',
      entityType: 'count',
      entityId: input.countId,
      data: { locationId: c.location_id, linesCounted: lines.length, linesExact: exact, accuracy },
    });
    return getCount(tx, input.countId);
  });
}

// ---------------------------------------------------------------------------------------------
// The proof

/**
 * For every business, SKU and location: the ledger sum equals on hand, and active reservations
 * sum to reserved. Returns the mismatches (empty: the books balance).
 */
export async function checkLedger(db: Executor): Promise<LedgerMismatch[]> {
  const r = await sql<{
    tenant_id: string;
    sku_id: string;
    location_id: string;
    on_hand: string | null;
    ledger_sum: string;
    reserved: string | null;
    active_reservations: string;
  }>`
    with m as (
      select tenant_id, sku_id, location_id, sum(quantity) as q
      from stock_movements group by tenant_id, sku_id, location_id
    ), r as (
      select tenant_id, sku_id, location_id, sum(quantity) as q
      from stock_reservations where status = 'active' group by tenant_id, sku_id, location_id
    ), k as (
      select tenant_id, sku_id, location_id from stock_levels
      union select tenant_id, sku_id, location_id from m
      union select tenant_id, sku_id, location_id from r
    )
    select k.tenant_id, k.sku_id, k.location_id, l.on_hand, coalesce(m.q, 0) as ledger_sum, l.reserved,
           coalesce(r.q, 0) as active_reservations
    from k
    left join stock_levels l using (tenant_id, sku_id, location_id)
    left join m using (tenant_id, sku_id, location_id)
    left join r using (tenant_id, sku_id, location_id)
    where l.on_hand is distinct from coalesce(m.q, 0) or l.reserved is distinct from coalesce(r.q, 0)
    order by k.tenant_id, k.sku_id, k.location_id`.execute(db);
  return r.rows.map((x) => ({
    tenantId: x.tenant_id,
    skuId: x.sku_id,
    locationId: x.location_id,
    onHand: x.on_hand === null ? null : toQuantity(x.on_hand),
    ledgerSum: toQuantity(x.ledger_sum),
    reserved: x.reserved === null ? null : toQuantity(x.reserved),
    activeReservations: toQuantity(x.active_reservations),
  }));
}

// ---------------------------------------------------------------------------------------------
// Row mapping

interface MovementRow {
  id: number;
  sku_id: string;
  location_id: string;
  quantity: string;
  reason: MovementReason;
  ref_type: string | null;
  ref_id: string | null;
  lot_id: string | null;
  unit_cost: string | null;
  note: string | null;
  user_id: string | null;
  created_at: Date;
}

function toMovement(r: MovementRow): StockMovement {
  return {
    id: Number(r.id),
    skuId: r.sku_id,
    locationId: r.location_id,
    quantity: toQuantity(r.quantity),
    reason: r.reason,
    refType: r.ref_type,
    refId: r.ref_id,
    lotId: r.lot_id,
    unitCost: r.unit_cost,
    note: r.note,
    userId: r.user_id,
    createdAt: isoReq(r.created_at),
  };
}

interface ReservationRow {
  id: string;
  sku_id: string;
  location_id: string;
  quantity: string;
  holder_type: HolderType;
  holder_id: string;
  status: ReservationStatus;
  expires_at: Date;
  ref_type: string | null;
  ref_id: string | null;
  created_at: Date;
  resolved_at: Date | null;
}

function toReservation(r: ReservationRow, now: Date): Reservation {
  const lapsed = r.status === 'active' && new Date(r.expires_at).getTime() <= now.getTime();
  return {
    id: r.id,
    skuId: r.sku_id,
    locationId: r.location_id,
    quantity: toQuantity(r.quantity),
    holderType: r.holder_type,
    holderId: r.holder_id,
    status: lapsed ? 'expired' : r.status,
    expiresAt: isoReq(r.expires_at),
    refType: r.ref_type,
    refId: r.ref_id,
    createdAt: isoReq(r.created_at),
    resolvedAt: iso(r.resolved_at),
  };
}
