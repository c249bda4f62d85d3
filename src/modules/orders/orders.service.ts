import { LABELS_ES } from '../../shared/labels.js';
import type { Selectable } from 'kysely';
import { businessTimezone } from '../identity/timezone.js';
import type { z } from 'zod';
import { json } from '../../db/types.js';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { D, roundToCentavos, sum } from '../../shared/money.js';
import { businessDate, businessDayRange } from '../../shared/time.js';
import { CatalogErrors } from '../catalog/catalog.errors.js';
import {
  availableOn,
  getSellableSkus,
  getSkuByCode,
  priceFor,
  type SellableSku,
} from '../catalog/catalog.service.js';
import type { Channel } from '../catalog/catalog.tables.js';
import { computeLine } from '../catalog/tax.js';
import {
  customerContacts,
  findOrCreateCustomer,
  getCustomer,
  resolveCustomer,
} from '../customers/customers.service.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { assertLocationAccess } from '../identity/identity.service.js';
import {
  confirmReservation,
  getReservation,
  releaseReservation,
  releaseReservationsFor,
  reserveStock,
} from '../inventory/inventory.service.js';
import { OrderErrors as E } from './orders.errors.js';
import type {
  zBoard,
  zOrder,
  zOrderInput,
  zOrderLine,
  zOrderPayment,
  zOrderPaymentInput,
  zStatusChange,
} from './orders.schemas.js';
import type {
  Fulfilment,
  OrderChannel,
  OrderLinesTable,
  OrdersTable,
  OrderStatus,
  PaymentStatus,
} from './orders.tables.js';

export type CreateOrderInput = z.infer<typeof zOrderInput>;
export type RecordOrderPaymentInput = z.infer<typeof zOrderPaymentInput>;
export type Order = z.infer<typeof zOrder>;
export type OrderLine = z.infer<typeof zOrderLine>;
export type OrderBoard = z.infer<typeof zBoard>;
type OrderRow = Selectable<OrdersTable>;
type LineRow = Selectable<OrderLinesTable>;

export const ORDER_STATUSES: OrderStatus[] = [
  'new',
  'confirmed',
  'preparing',
  'ready',
  'out_for_delivery',
  'delivered',
  'cancelled',
];

/** Minutes an order holds its stock when the request does not say (the customer is still deciding). */
export const DEFAULT_HOLD_MINUTES: Record<OrderChannel, number> = {
  whatsapp: 30,
  storefront: 30,
  // Placed by staff or already paid in the channel: the hold lasts the business day.
  counter: 24 * 60,
  shopify: 24 * 60,
  woocommerce: 24 * 60,
};

/**
 * The status machine: new → confirmed → preparing → ready → out_for_delivery → delivered;
 * pick-up and dine-in orders go ready → delivered; cancelled from any state before delivered.
 */
export function nextStatuses(status: OrderStatus, fulfilment: Fulfilment): OrderStatus[] {
  switch (status) {
    case 'new':
      return ['confirmed', 'cancelled'];
    case 'confirmed':
      return ['preparing', 'cancelled'];
    case 'preparing':
      return ['ready', 'cancelled'];
    case 'ready':
      return fulfilment === 'delivery' ? ['out_for_delivery', 'cancelled'] : ['delivered', 'cancelled'];
    case 'out_for_delivery':
      return ['delivered', 'cancelled'];
    default:
      return [];
  }
}

/** The catalog's per-channel price and availability: web channels share the `online` settings. */
function catalogChannel(channel: OrderChannel): Channel {
  return channel === 'counter' || channel === 'whatsapp' ? channel : 'online';
}

function toLine(r: LineRow): OrderLine {
  return {
    lineNo: r.line_no,
    skuId: r.sku_id,
    sku: r.sku,
    description: r.description,
    quantity: r.quantity,
    unitPrice: r.unit_price,
    priceIncludesTax: r.price_includes_tax,
    priceSource: r.price_source,
    discount: r.discount,
    subtotal: r.subtotal,
    taxTotal: r.tax_total,
    total: r.total,
    taxes: r.taxes,
    reservationId: r.reservation_id,
    stockStatus: r.stock_status,
  };
}

async function loadOrders(ctx: Ctx, rows: OrderRow[], withHistory: boolean): Promise<Order[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [lines, payments, history, contacts] = await Promise.all([
    ctx.db
      .selectFrom('order_lines')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('order_id', 'in', ids)
      .orderBy('order_id')
      .orderBy('line_no')
      .execute(),
    ctx.db
      .selectFrom('order_payments')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('order_id', 'in', ids)
      .orderBy('id')
      .execute(),
    withHistory
      ? ctx.db
          .selectFrom('order_status_history')
          .selectAll()
          .where('tenant_id', '=', ctx.tenantId)
          .where('order_id', 'in', ids)
          .orderBy('id')
          .execute()
      : Promise.resolve([]),
    customerContacts(
      ctx,
      rows.flatMap((r) => (r.customer_id ? [r.customer_id] : [])),
    ),
  ]);
  return rows.map((r) => ({
    id: r.id,
    number: Number(r.number),
    channel: r.channel,
    externalId: r.external_id,
    locationId: r.location_id,
    customerId: r.customer_id,
    customer: (r.customer_id && contacts.get(r.customer_id)) || null,
    status: r.status,
    nextStatuses: nextStatuses(r.status, r.fulfilment),
    fulfilment: r.fulfilment,
    deliveryAddress: r.delivery_address,
    deliveryNotes: r.delivery_notes,
    notes: r.notes,
    lines: lines.filter((l) => l.order_id === r.id).map(toLine),
    subtotal: r.subtotal,
    taxTotal: r.tax_total,
    total: r.total,
    paidTotal: r.paid_total,
    balance: roundToCentavos(new D(r.total).minus(r.paid_total)),
    paymentStatus: r.payment_status,
    payments: payments
      .filter((p) => p.order_id === r.id)
      .map(
        (p): z.infer<typeof zOrderPayment> => ({
          id: Number(p.id),
          method: p.method,
          amount: p.amount,
          reference: p.reference,
          recordedBy: p.recorded_by,
          at: p.created_at.toISOString(),
        }),
      ),
    holdUntil: r.hold_until ? r.hold_until.toISOString() : null,
    statusChangedAt: r.status_changed_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    ...(withHistory
      ? {
          history: history
            .filter((h) => h.order_id === r.id)
            .map(
              (h): z.infer<typeof zStatusChange> => ({
                from: h.from_status,
                to: h.to_status,
                note: h.note,
                by: h.changed_by,
                at: h.created_at.toISOString(),
              }),
            ),
        }
      : {}),
  }));
}

async function orderRow(ctx: Ctx, orderId: string, lock = false): Promise<OrderRow> {
  let q = ctx.db
    .selectFrom('orders')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', orderId);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) throw new AppError(E.ORDER_NOT_FOUND, { orderId });
  if (ctx.locationIds !== null && !ctx.locationIds.includes(r.location_id)) {
    // Another location's order is, to this user, an order that does not exist.
    throw new AppError(E.ORDER_NOT_FOUND, { orderId });
  }
  return r;
}

/**
 * Every order of these customer profiles with lines, payments and status history, newest first,
 * in a fixed number of queries (an ARCO access export).
 */
export async function getOrdersOfCustomers(ctx: Ctx, customerIds: string[]): Promise<Order[]> {
  if (customerIds.length === 0) return [];
  let q = ctx.db
    .selectFrom('orders')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds);
  if (ctx.locationIds !== null) q = q.where('location_id', 'in', ctx.locationIds);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return loadOrders(ctx, rows, true);
}

/** One order with its lines, payments and status history. Errors: ORDER_NOT_FOUND. */
export async function getOrder(ctx: Ctx, orderId: string): Promise<Order> {
  const [o] = await loadOrders(ctx, [await orderRow(ctx, orderId)], true);
  return o!;
}

async function existingOrder(ctx: Ctx, input: CreateOrderInput): Promise<OrderRow | undefined> {
  if (input.externalId) {
    const byExternal = await ctx.db
      .selectFrom('orders')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('channel', '=', input.channel)
      .where('external_id', '=', input.externalId)
      .executeTakeFirst();
    if (byExternal) return byExternal;
  }
  if (input.id) {
    const byId = await ctx.db
      .selectFrom('orders')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (byId) {
      if (byId.channel !== input.channel || (input.externalId && byId.external_id !== input.externalId)) {
        throw new AppError(E.ORDER_ID_REUSED, { orderId: input.id });
      }
      return byId;
    }
  }
  return undefined;
}

async function resolveSkus(ctx: Ctx, input: CreateOrderInput): Promise<SellableSku[]> {
  const ids = input.lines.map((l) => l.skuId).filter((x): x is string => !!x);
  const byId = await getSellableSkus(ctx, ids);
  const out: SellableSku[] = [];
  for (const l of input.lines) {
    if (l.skuId) {
      const s = byId.get(l.skuId);
      if (!s) throw new AppError(CatalogErrors.SKU_NOT_FOUND, { sku: l.skuId });
      out.push(s);
    } else if (l.sku) {
      out.push(await getSkuByCode(ctx, l.sku));
    } else {
      throw new AppError(E.ORDER_LINE_SKU_REQUIRED);
    }
  }
  return out;
}

interface PricedLine {
  lineNo: number;
  sku: SellableSku;
  quantity: string;
  unitPrice: string;
  priceIncludesTax: boolean;
  priceSource: 'catalog' | 'channel';
  /** The catalog's price for the channel, when the line carries another one. */
  listPrice: string | null;
  discount: string;
  amounts: ReturnType<typeof computeLine>;
}

function priceLines(input: CreateOrderInput, skus: SellableSku[]): PricedLine[] {
  const channel = catalogChannel(input.channel);
  return input.lines.map((l, i) => {
    const sku = skus[i]!;
    const fromChannel = l.unitPrice !== undefined;
    // A price the channel already charged (a Shopify order) is a sale that happened there; a
    // catalog-priced line is us offering the SKU, so it must be on sale on that channel.
    if (!fromChannel && !availableOn(sku, channel)) {
      throw new AppError(E.ORDER_SKU_NOT_SELLABLE, { sku: sku.sku, channel: input.channel });
    }
    if (!sku.soldByWeight && !new D(l.quantity).isInteger()) {
      throw new AppError(E.ORDER_QUANTITY_NOT_WHOLE, { sku: sku.sku, quantity: l.quantity });
    }
    const catalogPrice = priceFor(sku, channel);
    const unitPrice = l.unitPrice ?? catalogPrice;
    const priceIncludesTax = l.priceIncludesTax ?? sku.priceIncludesTax;
    const discount = l.discount ?? '0';
    const gross = new D(l.quantity).times(unitPrice);
    if (new D(discount).gt(gross)) {
      throw new AppError(E.ORDER_DISCOUNT_EXCEEDS_LINE, {
        sku: sku.sku,
        discount,
        gross: roundToCentavos(gross),
      });
    }
    const amounts = computeLine({
      quantity: l.quantity,
      unitPrice,
      priceIncludesTax,
      discount,
      iva: sku.iva,
      iepsType: sku.ieps?.type ?? 'none',
      iepsValue: sku.ieps?.value ?? null,
    });
    return {
      lineNo: i + 1,
      sku,
      quantity: new D(l.quantity).toFixed(3),
      unitPrice,
      priceIncludesTax,
      priceSource: fromChannel ? 'channel' : 'catalog',
      listPrice: new D(unitPrice).eq(catalogPrice) ? null : new D(catalogPrice).toFixed(2),
      discount: roundToCentavos(discount),
      amounts,
    };
  });
}

async function nextOrderNumber(ctx: Ctx): Promise<number> {
  const r = await ctx.db
    .insertInto('order_counters')
    .values({ tenant_id: ctx.tenantId, last_number: 1 })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet((eb) => ({ last_number: eb('order_counters.last_number', '+', 1) })),
    )
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return Number(r.last_number);
}

async function customerPhone(ctx: Ctx, customerId: string | null): Promise<string | null> {
  if (!customerId) return null;
  return (await getCustomer(ctx, customerId)).phone;
}

function eventBase(o: OrderRow, phone: string | null) {
  return {
    orderId: o.id,
    number: Number(o.number),
    channel: o.channel,
    externalId: o.external_id,
    locationId: o.location_id,
    customerId: o.customer_id,
    customerPhone: phone,
    fulfilment: o.fulfilment,
  };
}

/**
 * Records an order from any channel, prices its lines (the catalog's price for the channel
 * unless the channel supplied one; taxes by computeLine) and holds their stock with reservations
 * that expire after `holdMinutes`. The same channel + externalId (or the same terminal-made id)
 * returns the existing order with `created: false`. Payments given are recorded after.
 * Errors: LOCATION_FORBIDDEN, LOCATION_NOT_FOUND, CUSTOMER_NOT_FOUND, CUSTOMER_PHONE_INVALID,
 * SKU_NOT_FOUND, ORDER_SKU_NOT_SELLABLE, ORDER_QUANTITY_NOT_WHOLE, ORDER_DISCOUNT_EXCEEDS_LINE,
 * ORDER_DELIVERY_ADDRESS_REQUIRED, ORDER_ID_REUSED, STOCK_INSUFFICIENT and recordOrderPayment's.
 */
export async function createOrder(
  ctx: Ctx,
  input: CreateOrderInput,
): Promise<{ order: Order; created: boolean }> {
  assertLocationAccess(ctx, input.locationId);
  const existing = await existingOrder(ctx, input);
  if (existing) return { order: await getOrder(ctx, existing.id), created: false };

  if (input.fulfilment === 'delivery' && !input.deliveryAddress) {
    throw new AppError(E.ORDER_DELIVERY_ADDRESS_REQUIRED);
  }
  const location = await ctx.db
    .selectFrom('locations')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', input.locationId)
    .executeTakeFirst();
  if (!location) throw new AppError('LOCATION_NOT_FOUND', { locationId: input.locationId });

  let customerId: string | null = null;
  if (input.customerId) customerId = (await resolveCustomer(ctx, input.customerId)).id;
  else if (input.customer && (input.customer.phone || input.customer.email)) {
    customerId = (await findOrCreateCustomer(ctx, input.customer)).id;
  }

  const skus = await resolveSkus(ctx, input);
  const lines = priceLines(input, skus);
  const total = sum(lines.map((l) => l.amounts.total));
  const subtotal = roundToCentavos(sum(lines.map((l) => l.amounts.subtotal)));
  const taxTotal = roundToCentavos(total.minus(subtotal));

  const holdMinutes = input.holdMinutes ?? DEFAULT_HOLD_MINUTES[input.channel];
  const holdUntil = new Date(ctx.now.getTime() + holdMinutes * 60_000);
  const id = input.id ?? newId('ord');
  const number = await nextOrderNumber(ctx);
  // DO NOTHING on any unique key: the same webhook delivered twice at once lands here once;
  // the loser finds the winner's order (a unique violation would abort a PostgreSQL transaction).
  const inserted = await ctx.db
    .insertInto('orders')
    .values({
      tenant_id: ctx.tenantId,
      id,
      number,
      channel: input.channel,
      external_id: input.externalId ?? null,
      location_id: input.locationId,
      customer_id: customerId,
      status: 'new',
      fulfilment: input.fulfilment,
      delivery_address: input.deliveryAddress ?? null,
      delivery_notes: input.deliveryNotes ?? null,
      notes: input.notes ?? null,
      subtotal,
      tax_total: taxTotal,
      total: roundToCentavos(total),
      hold_until: holdUntil,
      status_changed_at: ctx.now,
      created_by: ctx.userId,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const winner = await existingOrder(ctx, input);
    if (winner) return { order: await getOrder(ctx, winner.id), created: false };
    throw new AppError('CONFLICT');
  }

  // Reserve in ascending SKU order so concurrent orders lock stock levels in the same order.
  const reservationIds = new Map<number, string>();
  for (const l of [...lines].sort((a, b) => a.sku.id.localeCompare(b.sku.id) || a.lineNo - b.lineNo)) {
    const r = await reserveStock(ctx, {
      skuId: l.sku.id,
      locationId: input.locationId,
      quantity: l.quantity,
      expiresAt: holdUntil,
      holderType: 'order',
      holderId: id,
    });
    reservationIds.set(l.lineNo, r.id);
  }
  await ctx.db
    .insertInto('order_lines')
    .values(
      lines.map((l) => ({
        tenant_id: ctx.tenantId,
        order_id: id,
        line_no: l.lineNo,
        sku_id: l.sku.id,
        sku: l.sku.sku,
        description: l.sku.productName,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        price_includes_tax: l.priceIncludesTax,
        price_source: l.priceSource,
        discount: l.discount,
        subtotal: l.amounts.subtotal,
        tax_total: l.amounts.taxTotal,
        total: l.amounts.total,
        taxes: json(l.amounts.taxes),
        reservation_id: reservationIds.get(l.lineNo) ?? null,
        stock_status: 'held' as const,
      })),
    )
    .execute();
  await ctx.db
    .insertInto('order_status_history')
    .values({
      tenant_id: ctx.tenantId,
      order_id: id,
      from_status: null,
      to_status: 'new',
      note: null,
      changed_by: ctx.userId,
      created_at: ctx.now,
    })
    .execute();
  const row = await orderRow(ctx, id);
  await recordEvent(ctx, 'order.created', {
    ...eventBase(row, await customerPhone(ctx, customerId)),
    status: 'new',
    total: row.total,
    holdUntil: holdUntil.toISOString(),
  });
  const agreed = lines.filter((l) => l.listPrice !== null);
  if (agreed.length > 0) {
    // A price other than the catalog's (agreed in a chat, or charged by a store) is money: audited.
    await recordAudit(ctx, {
      action: 'order.price_agreed',
      entityType: 'order',
      entityId: id,
      data: {
        number: Number(row.number),
        channel: input.channel,
        lines: agreed.map((l) => ({
          lineNo: l.lineNo,
          sku: l.sku.sku,
          listPrice: l.listPrice,
          unitPrice: new D(l.unitPrice).toFixed(2),
        })),
      },
    });
  }
  for (const p of input.payments ?? []) await recordOrderPayment(ctx, { orderId: id, ...p });
  return { order: await getOrder(ctx, id), created: true };
}

/**
 * Makes the stock of every held line leave through the ledger (reservation_confirm). A line
 * whose hold expired (or was released) is reserved again and confirmed when stock allows.
 * Errors: ORDER_RESERVATION_EXPIRED.
 */
async function commitStock(ctx: Ctx, order: OrderRow): Promise<void> {
  const lines = await ctx.db
    .selectFrom('order_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', order.id)
    .where('stock_status', '=', 'held')
    .orderBy('sku_id')
    .orderBy('line_no')
    .execute();
  for (const l of lines) {
    let reservationId = l.reservation_id;
    // Read the state first instead of trying and catching: a raised error would abort a
    // PostgreSQL transaction. getReservation says `expired` before the sweeper has run.
    const r = reservationId ? await getReservation(ctx, reservationId) : null;
    if (r?.status !== 'active' && r?.status !== 'confirmed') {
      // Give the stale hold back now rather than when the sweeper passes, so `reserved` is honest.
      if (r?.status === 'expired') await releaseStaleReservation(ctx, r.id);
      try {
        const again = await reserveStock(ctx, {
          skuId: l.sku_id,
          locationId: order.location_id,
          quantity: l.quantity,
          expiresAt: new Date(ctx.now.getTime() + 5 * 60_000),
          holderType: 'order',
          holderId: order.id,
        });
        reservationId = again.id;
      } catch (err) {
        if (err instanceof AppError && err.code === 'STOCK_INSUFFICIENT') {
          throw new AppError(E.ORDER_RESERVATION_EXPIRED, {
            orderId: order.id,
            skuId: l.sku_id,
            sku: l.sku,
            requested: l.quantity,
            available: err.details.available ?? '0',
          });
        }
        throw err;
      }
    }
    if (r?.status !== 'confirmed') {
      await confirmReservation(ctx, { reservationId: reservationId!, refType: 'order', refId: order.id });
    }
    await ctx.db
      .updateTable('order_lines')
      .set({ stock_status: 'confirmed', reservation_id: reservationId })
      .where('tenant_id', '=', ctx.tenantId)
      .where('order_id', '=', order.id)
      .where('line_no', '=', l.line_no)
      .execute();
  }
}

async function releaseStaleReservation(ctx: Ctx, reservationId: string): Promise<void> {
  try {
    await releaseReservation(ctx, { reservationId });
  } catch (err) {
    // The sweeper got there first: nothing left to give back.
    if (!(err instanceof AppError && err.code === 'RESERVATION_NOT_ACTIVE')) throw err;
  }
}

async function writeStatus(ctx: Ctx, order: OrderRow, to: OrderStatus, note: string | null): Promise<void> {
  await ctx.db
    .updateTable('orders')
    .set({ status: to, status_changed_at: ctx.now, updated_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', order.id)
    .execute();
  await ctx.db
    .insertInto('order_status_history')
    .values({
      tenant_id: ctx.tenantId,
      order_id: order.id,
      from_status: order.status,
      to_status: to,
      note,
      changed_by: ctx.userId,
      created_at: ctx.now,
    })
    .execute();
  await recordEvent(ctx, 'order.status_changed', {
    ...eventBase(order, await customerPhone(ctx, order.customer_id)),
    from: order.status,
    to,
    note,
  });
}

function assertTransition(order: OrderRow, to: OrderStatus): void {
  const allowed = nextStatuses(order.status, order.fulfilment);
  if (!allowed.includes(to)) {
    throw new AppError(E.ORDER_STATUS_TRANSITION_INVALID, {
      from: order.status,
      to,
      allowed,
      fromText: LABELS_ES[order.status],
      toText: LABELS_ES[to] ?? to,
      allowedText: allowed.length
        ? allowed.map((s) => LABELS_ES[s]).join(', ')
        : 'ninguno (el pedido está cerrado)',
      allowedList: allowed.length ? allowed.join(', ') : 'none (the order is closed)',
    });
  }
}

/**
 * Moves an order along its status machine, records who/when/note in the history and emits
 * `order.status_changed` (with channel and customer, for WhatsApp). Delivering confirms the
 * held stock; cancelling goes through cancelOrder. Errors: ORDER_NOT_FOUND,
 * ORDER_STATUS_TRANSITION_INVALID, ORDER_RESERVATION_EXPIRED, ORDER_HAS_PAYMENTS.
 */
export async function changeOrderStatus(
  ctx: Ctx,
  input: { orderId: string; status: OrderStatus; note?: string | null },
): Promise<Order> {
  if (input.status === 'cancelled') return cancelOrder(ctx, { orderId: input.orderId, note: input.note });
  const order = await orderRow(ctx, input.orderId, true);
  assertTransition(order, input.status);
  if (input.status === 'delivered') await commitStock(ctx, order);
  await writeStatus(ctx, order, input.status, input.note ?? null);
  return getOrder(ctx, order.id);
}

/**
 * Cancels an order that is not delivered and has no payments, releasing its reservations.
 * Errors: ORDER_NOT_FOUND, ORDER_STATUS_TRANSITION_INVALID, ORDER_HAS_PAYMENTS (money was taken:
 * that is a return, not a cancellation).
 */
export async function cancelOrder(
  ctx: Ctx,
  input: { orderId: string; note?: string | null },
): Promise<Order> {
  const order = await orderRow(ctx, input.orderId, true);
  assertTransition(order, 'cancelled');
  if (new D(order.paid_total).gt(0) || order.payment_status !== 'unpaid') {
    throw new AppError(E.ORDER_HAS_PAYMENTS, {
      orderId: order.id,
      number: Number(order.number),
      paidTotal: order.paid_total,
    });
  }
  const released = await releaseReservationsFor(ctx, { holderType: 'order', holderId: order.id });
  await ctx.db
    .updateTable('order_lines')
    .set({ stock_status: 'released' })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', order.id)
    .where('stock_status', '=', 'held')
    .execute();
  await writeStatus(ctx, order, 'cancelled', input.note ?? null);
  await recordAudit(ctx, {
    action: 'order.cancelled',
    entityType: 'order',
    entityId: order.id,
    data: { from: order.status, releasedReservations: released, note: input.note ?? null },
  });
  return getOrder(ctx, order.id);
}

/**
 * Records a payment on an order. When the payments cover the total the order is settled
 * (`paid`, or `on_account` when credit was part of it) and its stock leaves through the ledger.
 * Errors: ORDER_NOT_FOUND, ORDER_CANCELLED, ORDER_ALREADY_SETTLED, ORDER_PAYMENT_EXCEEDS_BALANCE,
 * ORDER_ON_ACCOUNT_NEEDS_CUSTOMER, ORDER_RESERVATION_EXPIRED.
 */
export async function recordOrderPayment(
  ctx: Ctx,
  input: { orderId: string } & RecordOrderPaymentInput,
): Promise<Order> {
  const order = await orderRow(ctx, input.orderId, true);
  const number = Number(order.number);
  if (order.status === 'cancelled') throw new AppError(E.ORDER_CANCELLED, { orderId: order.id, number });
  if (order.payment_status !== 'unpaid') {
    throw new AppError(E.ORDER_ALREADY_SETTLED, {
      orderId: order.id,
      number,
      paymentStatus: order.payment_status,
    });
  }
  const balance = new D(order.total).minus(order.paid_total);
  if (new D(input.amount).gt(balance)) {
    throw new AppError(E.ORDER_PAYMENT_EXCEEDS_BALANCE, {
      amount: roundToCentavos(input.amount),
      balance: roundToCentavos(balance),
    });
  }
  if (input.method === 'on_account' && !order.customer_id) {
    throw new AppError(E.ORDER_ON_ACCOUNT_NEEDS_CUSTOMER, { orderId: order.id });
  }
  const paidTotal = roundToCentavos(new D(order.paid_total).plus(input.amount));
  const settled = new D(paidTotal).eq(order.total);
  let paymentStatus: PaymentStatus = 'unpaid';
  if (settled) {
    const onAccount =
      input.method === 'on_account' ||
      !!(await ctx.db
        .selectFrom('order_payments')
        .select('id')
        .where('tenant_id', '=', ctx.tenantId)
        .where('order_id', '=', order.id)
        .where('method', '=', 'on_account')
        .executeTakeFirst());
    paymentStatus = onAccount ? 'on_account' : 'paid';
    await commitStock(ctx, order);
  }
  await ctx.db
    .insertInto('order_payments')
    .values({
      tenant_id: ctx.tenantId,
      order_id: order.id,
      method: input.method,
      amount: roundToCentavos(input.amount),
      reference: input.reference ?? null,
      recorded_by: ctx.userId,
      created_at: ctx.now,
    })
    .execute();
  await ctx.db
    .updateTable('orders')
    .set({ paid_total: paidTotal, payment_status: paymentStatus, updated_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', order.id)
    .execute();
  const phone = await customerPhone(ctx, order.customer_id);
  await recordEvent(ctx, 'order.payment_recorded', {
    ...eventBase(order, phone),
    method: input.method,
    amount: roundToCentavos(input.amount),
    paidTotal,
    paymentStatus,
  });
  if (settled)
    await recordEvent(ctx, 'order.paid', { ...eventBase(order, phone), paymentStatus, total: order.total });
  await recordAudit(ctx, {
    action: 'order.payment_recorded',
    entityType: 'order',
    entityId: order.id,
    data: { method: input.method, amount: roundToCentavos(input.amount), reference: input.reference ?? null },
  });
  return getOrder(ctx, order.id);
}

export interface ListOrdersInput {
  channel?: OrderChannel;
  status?: OrderStatus;
  locationId?: string;
  customerId?: string;
  /** Business dates (YYYY-MM-DD) in the business's time zone, both inclusive. */
  from?: string;
  to?: string;
  limit: number;
  /** The last id of the previous page. */
  after?: string;
}

/** Orders newest first, filtered, only of the user's locations; `last` is the next page's cursor. */
export async function listOrders(
  ctx: Ctx,
  input: ListOrdersInput,
): Promise<{ items: Order[]; last: string | null }> {
  let q = ctx.db.selectFrom('orders').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ctx.locationIds !== null)
    q = q.where('location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']);
  if (input.channel) q = q.where('channel', '=', input.channel);
  if (input.status) q = q.where('status', '=', input.status);
  if (input.locationId) q = q.where('location_id', '=', input.locationId);
  if (input.customerId) q = q.where('customer_id', '=', input.customerId);
  if (input.from || input.to) {
    const tz = await businessTimezone(ctx);
    const [start, end] = businessDayRange(input.from ?? '2000-01-01', input.to ?? '2999-12-31', tz);
    q = q.where('created_at', '>=', start).where('created_at', '<', end);
  }
  if (input.after && isId('ord', input.after)) q = q.where('id', '<', input.after);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const more = rows.length > input.limit;
  const items = await loadOrders(ctx, rows.slice(0, input.limit), false);
  return { items, last: more ? items.at(-1)!.id : null };
}

/**
 * Counts per status for the orders board: every open order, and those delivered or cancelled
 * since the start of today's business day.
 */
export async function getOrderBoard(
  ctx: Ctx,
  input: { locationId?: string; channel?: OrderChannel } = {},
): Promise<OrderBoard> {
  const tz = await businessTimezone(ctx);
  const [since] = businessDayRange(businessDate(ctx.now, tz), businessDate(ctx.now, tz), tz);
  let q = ctx.db
    .selectFrom('orders')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', ctx.tenantId)
    .where((eb) =>
      eb.or([eb('status', 'not in', ['delivered', 'cancelled']), eb('status_changed_at', '>=', since)]),
    );
  if (ctx.locationIds !== null)
    q = q.where('location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']);
  if (input.locationId) q = q.where('location_id', '=', input.locationId);
  if (input.channel) q = q.where('channel', '=', input.channel);
  const rows = await q.groupBy('status').execute();
  const counts = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  for (const r of rows) counts[r.status] = Number(r.n);
  return { counts, since: since.toISOString() };
}

export interface KitchenTicket {
  id: string;
  number: number;
  channel: OrderChannel;
  status: 'confirmed' | 'preparing';
  fulfilment: string;
  locationId: string;
  notes: string | null;
  lines: { description: string; quantity: string }[];
  statusChangedAt: string;
  createdAt: string;
}

/**
 * What the kitchen (or whoever packs orders) has to make: confirmed and preparing orders of the
 * caller's locations, oldest first, with their lines and notes and nothing about the customer
 * (the kitchen needs what, not who). At most 100.
 */
export async function listKitchenTickets(
  ctx: Ctx,
  input: { locationId?: string } = {},
): Promise<KitchenTicket[]> {
  let q = ctx.db
    .selectFrom('orders')
    .select([
      'id',
      'number',
      'channel',
      'status',
      'fulfilment',
      'location_id',
      'notes',
      'status_changed_at',
      'created_at',
    ])
    .where('tenant_id', '=', ctx.tenantId)
    .where('status', 'in', ['confirmed', 'preparing']);
  if (ctx.locationIds !== null)
    q = q.where('location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']);
  if (input.locationId) q = q.where('location_id', '=', input.locationId);
  const rows = await q.orderBy('created_at').orderBy('id').limit(100).execute();
  if (rows.length === 0) return [];
  const lines = await ctx.db
    .selectFrom('order_lines')
    .select(['order_id', 'description', 'quantity'])
    .where('tenant_id', '=', ctx.tenantId)
    .where(
      'order_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('order_id')
    .orderBy('line_no')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: Number(r.number),
    channel: r.channel,
    status: r.status as 'confirmed' | 'preparing',
    fulfilment: r.fulfilment,
    locationId: r.location_id,
    notes: r.notes,
    lines: lines
      .filter((x) => x.order_id === r.id)
      .map((x) => ({ description: x.description, quantity: x.quantity })),
    statusChangedAt: r.status_changed_at.toISOString(),
    createdAt: r.created_at.toISOString(),
  }));
}
