import type { Selectable } from 'kysely';
import type { z } from 'zod';
import { registerUniqueConstraint } from '../../db/errors.js';
import type { Ctx } from '../../shared/context.js';
import { groupBy } from '../../shared/collections.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { D, sum } from '../../shared/money.js';
import { creditAccountForReturn, withinCreditLimit } from '../accounts/accounts.service.js';
import { assertCashRefundCovered, recordRefundMovement } from '../cash/cash.service.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { assertLocationAccess } from '../identity/identity.service.js';
import { addStock } from '../inventory/inventory.service.js';
import { SalesErrors } from '../sales/sales.errors.js';
import { addStoreCredit, getSale, markLinesReturned, recordSale } from '../sales/sales.service.js';
import { ReturnsErrors as E } from './returns.errors.js';
import type { zReturn, zReturnInput } from './returns.schemas.js';
import type { ReturnLinesTable, ReturnsTable } from './returns.tables.js';

export type RecordReturnInput = z.infer<typeof zReturnInput>;
export type Return = z.infer<typeof zReturn>;

registerUniqueConstraint('returns_pkey', 'RETURN_DUPLICATE');

/**
 * Returns some lines of a sale with a reason, in the caller's transaction: the returned
 * quantities are guarded on the sale lines (never more than sold, across returns), restocked
 * lines go back through the ledger (reason 'return'), written-off ones do not touch stock, and
 * the refund (proportional to what the line paid after discounts) leaves the open drawer
 * (cash), is a card reference, or becomes store credit. With `exchange`, the new sale is
 * recorded in the same transaction and linked. Errors: SALE_NOT_FOUND, RETURN_LINE_NOT_FOUND,
 * RETURN_EXCEEDS_SOLD, QUANTITY_NOT_INTEGER, REFUND_REGISTER_REQUIRED, CASH_SESSION_REQUIRED,
 * CASH_REFUND_EXCEEDS_DRAWER, REFUND_CUSTOMER_REQUIRED, RETURN_DUPLICATE, and for an exchange
 * recordSale's and ACCOUNT_CREDIT_LIMIT_EXCEEDED.
 */
export async function recordReturn(ctx: Ctx, input: RecordReturnInput): Promise<Return> {
  const sale = await getSale(ctx, input.saleId);
  const id = input.id ?? newId('ret');
  for (const l of input.lines) {
    const sl = sale.lines.find((x) => x.lineNo === l.lineNo);
    if (sl && sl.claveUnidad !== 'KGM' && !new D(l.quantity).isInteger())
      throw new AppError(SalesErrors.QUANTITY_NOT_INTEGER, {
        description: sl.description,
        quantity: l.quantity,
      });
  }
  const returned = await markLinesReturned(ctx, { saleId: sale.id, lines: input.lines });
  const disposition = new Map(input.lines.map((l) => [l.lineNo, l.disposition]));
  const locationId = input.restockLocationId ?? sale.locationId;
  assertLocationAccess(ctx, locationId);
  const amount = sum(returned.map((r) => r.amount)).toFixed(2);

  const customerId =
    input.refund.method === 'store_credit' ? (input.refund.customerId ?? sale.customerId) : sale.customerId;
  let registerId: string | null = null;
  let cashSessionId: string | null = null;
  let reference: string | null = null;
  const reason = `Devolución ${id} de la venta ${sale.ticketNumber}`;
  // The return row first: the movements below refer to it.
  await ctx.db
    .insertInto('returns')
    .values({
      tenant_id: ctx.tenantId,
      id,
      sale_id: sale.id,
      location_id: locationId,
      customer_id: customerId,
      reason: input.reason,
      note: input.note ?? null,
      refund_method: input.refund.method,
      refund_amount: amount,
      user_id: ctx.userId,
      created_at: ctx.now,
    })
    .execute();
  if (input.refund.method === 'cash') {
    registerId = input.refund.registerId ?? sale.registerId;
    if (!registerId) throw new AppError(E.REFUND_REGISTER_REQUIRED, {});
    if (new D(amount).gt(0)) {
      const m = await recordRefundMovement(ctx, {
        registerId,
        method: 'cash',
        amount,
        reason,
        refType: 'return',
        refId: id,
      });
      cashSessionId = m.cashSessionId;
    }
  } else if (input.refund.method === 'card' || input.refund.method === 'spei') {
    reference = input.refund.reference;
    registerId = input.refund.registerId ?? null;
    if (registerId && new D(amount).gt(0)) {
      const m = await recordRefundMovement(ctx, {
        registerId,
        method: input.refund.method,
        amount,
        reason,
        refType: 'return',
        refId: id,
      });
      cashSessionId = m.cashSessionId;
    }
  } else if (input.refund.method === 'on_account') {
    if (!customerId) throw new AppError(E.REFUND_CUSTOMER_REQUIRED, {});
    if (new D(amount).gt(0)) await creditAccountForReturn(ctx, { customerId, amount, returnId: id });
  } else {
    if (!customerId) throw new AppError(E.REFUND_CUSTOMER_REQUIRED, {});
    if (new D(amount).gt(0)) await addStoreCredit(ctx, { customerId, amount, refType: 'return', refId: id });
  }

  const restock = returned.filter((r) => disposition.get(r.lineNo) === 'restock');
  if (restock.length > 0) {
    await addStock(ctx, {
      locationId,
      lines: restock.map((r) => ({ skuId: r.skuId, quantity: r.quantity })),
      reason: 'return',
      refType: 'return',
      refId: id,
    });
  }
  await ctx.db
    .insertInto('return_lines')
    .values(
      returned.map((r, i) => ({
        tenant_id: ctx.tenantId,
        return_id: id,
        line_no: i + 1,
        sale_line_no: r.lineNo,
        sku_id: r.skuId,
        description: r.description,
        quantity: r.quantity,
        amount: r.amount,
        disposition: disposition.get(r.lineNo) ?? 'restock',
      })),
    )
    .execute();

  let exchangeSale: Return['exchangeSale'];
  if (input.exchange) {
    // What the new sale puts on the customer's account is held to their credit limit, as at
    // the counter; a return credited to the account just above already lowered the debt.
    const exchange = input.exchange;
    exchangeSale = (await withinCreditLimit(ctx, exchange, (tx) => recordSale(tx, exchange))).sale;
  }
  // Checked last: cash an exchange's new sale brings in counts toward the refund.
  if (input.refund.method === 'cash' && registerId && new D(amount).gt(0))
    await assertCashRefundCovered(ctx, registerId, amount);
  await ctx.db
    .updateTable('returns')
    .set({
      refund_reference: reference,
      register_id: registerId,
      cash_session_id: cashSessionId,
      exchange_sale_id: exchangeSale?.id ?? null,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', id)
    .execute();

  await recordEvent(ctx, 'return.recorded', {
    returnId: id,
    saleId: sale.id,
    locationId,
    refundMethod: input.refund.method,
    refundAmount: amount,
    exchangeSaleId: exchangeSale?.id ?? null,
    lines: returned.map((r) => ({
      skuId: r.skuId,
      quantity: r.quantity,
      disposition: disposition.get(r.lineNo),
    })),
  });
  await recordAudit(ctx, {
    action: 'return.recorded',
    entityType: 'return',
    entityId: id,
    data: { saleId: sale.id, reason: input.reason, refundMethod: input.refund.method, refundAmount: amount },
  });
  const out = await getReturn(ctx, id);
  return exchangeSale ? { ...out, exchangeSale } : out;
}

function toReturn(r: Selectable<ReturnsTable>, lines: Selectable<ReturnLinesTable>[]): Return {
  return {
    id: r.id,
    saleId: r.sale_id,
    locationId: r.location_id,
    customerId: r.customer_id,
    reason: r.reason,
    note: r.note,
    refund: {
      method: r.refund_method,
      amount: r.refund_amount,
      reference: r.refund_reference,
      registerId: r.register_id,
      cashSessionId: r.cash_session_id,
    },
    exchangeSaleId: r.exchange_sale_id,
    userId: r.user_id,
    createdAt: r.created_at.toISOString(),
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      saleLineNo: l.sale_line_no,
      skuId: l.sku_id,
      description: l.description,
      quantity: l.quantity,
      amount: l.amount,
      disposition: l.disposition,
    })),
  };
}

/** One return with its lines. Errors: RETURN_NOT_FOUND. */
export async function getReturn(ctx: Ctx, returnId: string): Promise<Return> {
  const r = await ctx.db
    .selectFrom('returns')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', returnId)
    .executeTakeFirst();
  if (!r) throw new AppError(E.RETURN_NOT_FOUND, { returnId });
  assertLocationAccess(ctx, r.location_id);
  const lines = await ctx.db
    .selectFrom('return_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('return_id', '=', returnId)
    .orderBy('line_no')
    .execute();
  return toReturn(r, lines);
}

/**
 * Ids of the returns recorded on these sales, oldest first. No location check: a document
 * that covers whole sales (an invoice netting what came back) needs all of them.
 */
export async function returnIdsOfSales(ctx: Ctx, input: { saleIds: string[] }): Promise<string[]> {
  if (!input.saleIds.length) return [];
  const rows = await ctx.db
    .selectFrom('returns')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('sale_id', 'in', input.saleIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Returns of one sale, oldest first. */
export async function listReturns(ctx: Ctx, input: { saleId: string }): Promise<Return[]> {
  const rows = await ctx.db
    .selectFrom('returns')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('sale_id', '=', input.saleId)
    .orderBy('id')
    .execute();
  return Promise.all(rows.map((r) => getReturn(ctx, r.id)));
}

/** Clears the free-text notes of these customers' returns (an ARCO cancellation); returns how many. */
export async function forgetReturnNotesOfCustomers(ctx: Ctx, customerIds: string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await ctx.db
    .updateTable('returns')
    .set({ note: null })
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .where('note', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Returns of these customers, newest first. */
export async function listReturnsOfCustomers(ctx: Ctx, customerIds: string[]): Promise<Return[]> {
  if (customerIds.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('returns')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .orderBy('id', 'desc')
    .execute();
  if (rows.length === 0) return [];
  for (const r of rows) assertLocationAccess(ctx, r.location_id);
  // their lines in one query, not one per return
  const lines = await ctx.db
    .selectFrom('return_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where(
      'return_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('return_id')
    .orderBy('line_no')
    .execute();
  const byReturn = groupBy(lines, (l) => l.return_id);
  return rows.map((r) => toReturn(r, byReturn.get(r.id) ?? []));
}

/** When these customers last brought something back (null: never). */
export async function lastReturnAt(ctx: Ctx, customerIds: string[]): Promise<Date | null> {
  if (customerIds.length === 0) return null;
  const r = await ctx.db
    .selectFrom('returns')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .executeTakeFirst();
  return r?.at ? new Date(r.at) : null;
}
