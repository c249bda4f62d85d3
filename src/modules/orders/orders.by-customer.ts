import type { Ctx } from '../../shared/context.js';
import type { OrderChannel, OrderStatus } from './orders.tables.js';

/**
 * What the customers module needs from orders (purchase history, merges), kept apart from
 * orders.service so that orders can depend on customers without a cycle.
 */
export interface CustomerOrderSummary {
  id: string;
  number: number;
  channel: OrderChannel;
  status: OrderStatus;
  total: string;
  locationId: string;
  customerId: string;
  createdAt: Date;
}

/** Orders of these customers, newest first. */
export async function listOrdersOfCustomers(
  ctx: Ctx,
  customerIds: string[],
  limit = 200,
): Promise<CustomerOrderSummary[]> {
  if (customerIds.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('orders')
    .select(['id', 'number', 'channel', 'status', 'total', 'location_id', 'customer_id', 'created_at'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: Number(r.number),
    channel: r.channel,
    status: r.status,
    total: r.total,
    locationId: r.location_id,
    customerId: r.customer_id!,
    createdAt: r.created_at,
  }));
}

/** Moves every order of `fromId` to `toId` (a customer merge); returns how many moved. */
export async function moveOrdersToCustomer(
  ctx: Ctx,
  input: { fromId: string; toId: string },
): Promise<number> {
  const r = await ctx.db
    .updateTable('orders')
    .set({ customer_id: input.toId, updated_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', input.fromId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Numbers of these customers' orders still in progress (neither delivered nor cancelled). */
export async function openOrderNumbersOfCustomers(ctx: Ctx, customerIds: string[]): Promise<number[]> {
  if (customerIds.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('orders')
    .select('number')
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .where('status', 'not in', ['delivered', 'cancelled'])
    .orderBy('number')
    .execute();
  return rows.map((r) => Number(r.number));
}

/** What an erased delivery address reads (the column stays filled for delivery orders). */
export const ERASED_ADDRESS = '(dato eliminado a petición del titular)';

/**
 * Clears the personal data written on these customers' orders (an ARCO cancellation): delivery
 * address and notes, order notes and the notes of their status changes. Amounts, lines and
 * statuses stay. Returns how many orders were touched.
 */
export async function forgetOrderContacts(ctx: Ctx, customerIds: string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await ctx.db
    .updateTable('orders')
    .set((eb) => ({
      delivery_address: eb.case().when('delivery_address', 'is', null).then(null).else(ERASED_ADDRESS).end(),
      delivery_notes: null,
      notes: null,
      updated_at: ctx.now,
    }))
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .executeTakeFirst();
  await ctx.db
    .updateTable('order_status_history')
    .set({ note: null })
    .where('tenant_id', '=', ctx.tenantId)
    .where('note', 'is not', null)
    .where('order_id', 'in', (eb) =>
      eb
        .selectFrom('orders')
        .select('orders.id')
        .where('orders.tenant_id', '=', ctx.tenantId)
        .where('orders.customer_id', 'in', customerIds),
    )
    .execute();
  return Number(r.numUpdatedRows);
}

/** When an order of these customers last changed (placed, moved along, paid; null: never). */
export async function lastOrderActivityAt(ctx: Ctx, customerIds: string[]): Promise<Date | null> {
  if (customerIds.length === 0) return null;
  const r = await ctx.db
    .selectFrom('orders')
    .select((eb) => eb.fn.max('updated_at').as('at'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .executeTakeFirst();
  return r?.at ? new Date(r.at) : null;
}
