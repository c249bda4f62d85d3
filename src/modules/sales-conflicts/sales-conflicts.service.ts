import { type Selectable, sql } from 'kysely';
import type { z } from 'zod';
import { json } from '../../db/types.js';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { listRegisters } from '../cash/cash.service.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { assertLocationAccess } from '../identity/identity.service.js';
import { ReturnsErrors } from '../returns/returns.errors.js';
import { zReturnInput } from '../returns/returns.schemas.js';
import { getReturn, recordReturn } from '../returns/returns.service.js';
import { SalesErrors } from '../sales/sales.errors.js';
import { zSaleInput } from '../sales/sales.schemas.js';
import { getSale, type RecordSaleInput, recordSale } from '../sales/sales.service.js';
import { SaleConflictsErrors as E } from './sales-conflicts.errors.js';
import type {
  zListSaleConflictsQuery,
  zReportSaleConflictInput,
  zResolveSaleConflictInput,
  zSaleConflict,
} from './sales-conflicts.schemas.js';
import type { SaleConflictsTable } from './sales-conflicts.tables.js';

export type SaleConflict = z.infer<typeof zSaleConflict>;
export type ReportSaleConflictInput = z.infer<typeof zReportSaleConflictInput>;
export type ResolveSaleConflictInput = z.infer<typeof zResolveSaleConflictInput>;
export type ListSaleConflictsInput = z.infer<typeof zListSaleConflictsQuery>;

function toConflict(r: Selectable<SaleConflictsTable>): SaleConflict {
  return {
    id: r.id,
    kind: r.kind,
    saleId: r.sale_id,
    returnId: r.return_id,
    registerId: r.register_id,
    locationId: r.location_id,
    cashSessionId: r.cash_session_id,
    status: r.status,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    errorDetails: r.error_details,
    total: r.total,
    summary: r.summary,
    soldAt: r.sold_at ? r.sold_at.toISOString() : null,
    reportedBy: r.reported_by,
    createdAt: r.created_at.toISOString(),
    resolvedAt: r.resolved_at ? r.resolved_at.toISOString() : null,
    resolvedBy: r.resolved_by,
    resolutionNote: r.resolution_note,
    ticketNumber: r.ticket_number === null ? null : Number(r.ticket_number),
    sale: r.sale,
    return: r.return_body,
  };
}

/** The conflict of a refused sale, or of a refused return (by the till's ids). */
async function conflictOf(ctx: Ctx, what: { saleId: string } | { returnId: string }) {
  const q = ctx.db.selectFrom('sale_conflicts').selectAll().where('tenant_id', '=', ctx.tenantId);
  return (
    'saleId' in what
      ? q.where('kind', '=', 'sale').where('sale_id', '=', what.saleId)
      : q.where('kind', '=', 'return').where('return_id', '=', what.returnId)
  ).executeTakeFirst();
}

export interface ReportSaleConflictResult {
  conflict: SaleConflict;
  /** False when this sale had been reported before: the stored conflict is answered. */
  created: boolean;
}

/**
 * Records a sale (or a return) the server refused after the terminal queued it (offline), so a
 * manager sees it; idempotent by the terminal's sale or return id (a second report answers the
 * stored conflict). The register decides the location (a return's refund register, else the
 * returned sale's location); an unknown register still records the conflict, without one.
 */
export async function reportSaleConflict(
  ctx: Ctx,
  input: ReportSaleConflictInput,
): Promise<ReportSaleConflictResult> {
  const ret = input.return;
  const key = ret ? { returnId: ret.id } : { saleId: input.sale!.id };
  const known = await conflictOf(ctx, key);
  if (known) return { conflict: toConflict(known), created: false };
  const registerId = ret
    ? 'registerId' in ret.refund
      ? (ret.refund.registerId ?? null)
      : null
    : input.sale!.registerId;
  const register = registerId
    ? (await listRegisters({ ...ctx, locationIds: null })).find((r) => r.id === registerId)
    : undefined;
  const saleId = ret ? ret.saleId : input.sale!.id;
  const locationId = register?.locationId ?? (ret ? await saleLocation(ctx, saleId) : null);
  const id = newId('scf');
  const row = await ctx.db
    .insertInto('sale_conflicts')
    .values({
      tenant_id: ctx.tenantId,
      id,
      kind: ret ? 'return' : 'sale',
      sale_id: saleId,
      return_id: ret?.id ?? null,
      register_id: registerId,
      location_id: locationId,
      cash_session_id: ret ? null : (input.sale!.cashSessionId ?? null),
      sale: ret ? null : json(input.sale!),
      return_body: ret ? json(ret) : null,
      total: input.total ?? null,
      summary: input.summary ?? null,
      error_code: input.error.code,
      error_message: input.error.message ?? null,
      error_details: json(input.error.details ?? {}),
      sold_at: input.soldAt ?? null,
      reported_by: ctx.userId,
      created_at: ctx.now,
    })
    // Two reports of the same sale or return at once (a retrying terminal): the first one stands.
    .onConflict((oc) =>
      (ret
        ? oc.columns(['tenant_id', 'return_id']).where('kind', '=', 'return')
        : oc.columns(['tenant_id', 'sale_id']).where('kind', '=', 'sale')
      ).doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const other = await conflictOf(ctx, key);
    if (!other) throw new AppError(E.SALE_CONFLICT_DUPLICATE, { saleId, returnId: ret?.id ?? null });
    return { conflict: toConflict(other), created: false };
  }
  const payload = {
    conflictId: id,
    kind: row.kind,
    saleId,
    returnId: row.return_id,
    registerId: row.register_id,
    locationId: row.location_id,
    errorCode: row.error_code,
    total: row.total,
  };
  await recordEvent(ctx, 'sale_conflict.recorded', payload);
  await recordAudit(ctx, {
    action: 'sale_conflict.recorded',
    entityType: ret ? 'return' : 'sale',
    entityId: ret ? ret.id : saleId,
    data: payload,
  });
  return { conflict: toConflict(row), created: true };
}

/** The location of a recorded sale, or null (a refused sale is not recorded). */
async function saleLocation(ctx: Ctx, saleId: string): Promise<string | null> {
  const r = await ctx.db
    .selectFrom('sales')
    .select('location_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', saleId)
    .executeTakeFirst();
  return r?.location_id ?? null;
}

/** Sale conflicts of the business (the caller's locations), open ones first, then newest first. */
export async function listSaleConflicts(
  ctx: Ctx,
  input: ListSaleConflictsInput,
): Promise<{ items: SaleConflict[]; openCount: number }> {
  let q = ctx.db.selectFrom('sale_conflicts').where('tenant_id', '=', ctx.tenantId);
  if (input.locationId) q = q.where('location_id', '=', input.locationId);
  if (input.kind) q = q.where('kind', '=', input.kind);
  if (ctx.locationIds !== null)
    q = q.where('location_id', 'in', ctx.locationIds.length ? ctx.locationIds : ['']);
  const [rows, open] = await Promise.all([
    (input.status ? q.where('status', '=', input.status) : q)
      .selectAll()
      .orderBy(sql`case when status = 'open' then 0 else 1 end`)
      .orderBy('id', 'desc')
      .limit(input.limit)
      .execute(),
    q
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toConflict), openCount: Number(open.n) };
}

/** One sale conflict. Errors: SALE_CONFLICT_NOT_FOUND, LOCATION_FORBIDDEN. */
export async function getSaleConflict(ctx: Ctx, conflictId: string): Promise<SaleConflict> {
  const row = await ctx.db
    .selectFrom('sale_conflicts')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', conflictId)
    .executeTakeFirst();
  if (!row) throw new AppError(E.SALE_CONFLICT_NOT_FOUND, { conflictId });
  if (row.location_id) assertLocationAccess(ctx, row.location_id);
  return toConflict(row);
}

async function saleIfRecorded(ctx: Ctx, saleId: string) {
  try {
    return await getSale(ctx, saleId);
  } catch (err) {
    if (err instanceof AppError && err.code === SalesErrors.SALE_NOT_FOUND) return null;
    throw err;
  }
}

async function returnIfRecorded(ctx: Ctx, returnId: string) {
  try {
    return await getReturn(ctx, returnId);
  } catch (err) {
    if (err instanceof AppError && err.code === ReturnsErrors.RETURN_NOT_FOUND) return null;
    throw err;
  }
}

/**
 * Settles an open sale conflict in the caller's transaction. `retry` records the sale through
 * recordSale, with the terminal's id, at the time and prices the till sold it (its `soldAt` and
 * price versions, however old), in the register's open session, attributed to the cashier who
 * sold it; if it fails again (stock still short, no
 * open session) nothing changes and the error is the sales one. A return's retry records it
 * through recordReturn with the till's id, attributed to its cashier, its cash refund in the
 * refund register's open session (e.g. once the sale it returns was recorded). `void` closes it
 * with a note. Errors: SALE_CONFLICT_NOT_FOUND, SALE_CONFLICT_RESOLVED, LOCATION_FORBIDDEN and
 * those of recordSale (STOCK_INSUFFICIENT, CASH_SESSION_REQUIRED, …) or recordReturn
 * (RETURN_EXCEEDS_SOLD, SALE_NOT_FOUND, …).
 */
export async function resolveSaleConflict(
  ctx: Ctx,
  input: ResolveSaleConflictInput & { conflictId: string },
): Promise<SaleConflict> {
  const current = await getSaleConflict(ctx, input.conflictId);
  // Guarded: of two managers resolving at once, the second finds it no longer open.
  const claimed = await ctx.db
    .updateTable('sale_conflicts')
    .set({
      status: input.action === 'retry' ? 'recorded' : 'voided',
      resolution_note: input.note ?? null,
      resolved_by: ctx.userId,
      resolved_at: ctx.now,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', input.conflictId)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
  if (!claimed) {
    const again = await getSaleConflict(ctx, input.conflictId);
    throw new AppError(E.SALE_CONFLICT_RESOLVED, { conflictId: input.conflictId, status: again.status });
  }
  let ticketNumber: number | null = null;
  if (input.action === 'retry' && current.kind === 'return') {
    // The till may have sent it again successfully meanwhile: then it is already recorded.
    if (!(await returnIfRecorded(ctx, current.returnId!))) {
      const seller: Ctx = { ...ctx, userId: current.reportedBy ?? ctx.userId };
      await recordReturn(seller, zReturnInput.parse(current.return));
    }
  } else if (input.action === 'retry') {
    // The terminal may have sent it again successfully meanwhile: then it is already recorded.
    const existing = await saleIfRecorded(ctx, current.saleId);
    if (existing) ticketNumber = existing.ticketNumber;
    else {
      const original = zSaleInput.parse(current.sale!) as RecordSaleInput;
      // The session it was sold in may be closed by now: the register's open session takes it.
      const { cashSessionId: _closed, ...sale } = original;
      // A report from a till that did not send the time with the sale has it on the report.
      if (sale.soldAt === undefined && current.soldAt) sale.soldAt = current.soldAt;
      const seller: Ctx = { ...ctx, userId: current.reportedBy ?? ctx.userId };
      // At the time and prices the till sold it, however late: a manager decided to record it.
      ticketNumber = (await recordSale(seller, sale, { anyAge: true })).sale.ticketNumber;
    }
    await ctx.db
      .updateTable('sale_conflicts')
      .set({ ticket_number: ticketNumber })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', input.conflictId)
      .execute();
  }
  const payload = {
    conflictId: input.conflictId,
    kind: current.kind,
    saleId: current.saleId,
    returnId: current.returnId,
    action: input.action,
    note: input.note ?? null,
    ticketNumber,
    locationId: current.locationId,
  };
  await recordEvent(ctx, 'sale_conflict.resolved', payload);
  await recordAudit(ctx, {
    action: input.action === 'retry' ? 'sale_conflict.retried' : 'sale_conflict.voided',
    entityType: current.kind,
    entityId: current.kind === 'return' ? current.returnId! : current.saleId,
    data: payload,
  });
  return toConflict({ ...claimed, ticket_number: ticketNumber });
}
