import { type Selectable, sql } from 'kysely';
import type { z } from 'zod';
import { json } from '../../db/types.js';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { recordAccountPayment } from '../accounts/accounts.service.js';
import { CashErrors } from '../cash/cash.errors.js';
import { getCashSession, listRegisters, openSessionOf, recordCashMovement } from '../cash/cash.service.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { assertLocationAccess } from '../identity/identity.service.js';
import { ReturnsErrors } from '../returns/returns.errors.js';
import { zReturnInput } from '../returns/returns.schemas.js';
import { zAccountPaymentInput } from '../accounts/accounts.schemas.js';
import { zCashMovementInput } from '../cash/cash.schemas.js';
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
import type { SaleConflictKind, SaleConflictsTable } from './sales-conflicts.tables.js';

export type SaleConflict = z.infer<typeof zSaleConflict>;
export type ReportSaleConflictInput = z.infer<typeof zReportSaleConflictInput>;
export type ResolveSaleConflictInput = z.infer<typeof zResolveSaleConflictInput>;
export type ListSaleConflictsInput = z.infer<typeof zListSaleConflictsQuery>;

function toConflict(r: Selectable<SaleConflictsTable>): SaleConflict {
  return {
    id: r.id,
    kind: r.kind,
    saleId: r.sale_id,
    operationId: r.operation_id,
    targetId: r.target_id,
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
    operation: r.operation,
  };
}

/** The conflict of a refused sale, or of another refused operation, by the till's id for it. */
async function conflictOf(ctx: Ctx, what: { saleId: string } | { operationId: string }) {
  const q = ctx.db.selectFrom('sale_conflicts').selectAll().where('tenant_id', '=', ctx.tenantId);
  return (
    'saleId' in what
      ? q.where('kind', '=', 'sale').where('sale_id', '=', what.saleId)
      : q.where('kind', '<>', 'sale').where('operation_id', '=', what.operationId)
  ).executeTakeFirst();
}

/** What a report holds, whatever was refused: the columns it fills. */
interface Reported {
  kind: SaleConflictKind;
  saleId: string | null;
  operationId: string | null;
  targetId: string | null;
  registerId: string | null;
  cashSessionId: string | null;
  sale: Record<string, unknown> | null;
  operation: Record<string, unknown> | null;
}

function reportedOf(input: ReportSaleConflictInput): Reported {
  const none = { saleId: null, targetId: null, registerId: null, cashSessionId: null, sale: null };
  if (input.return) {
    const ret = input.return;
    return {
      ...none,
      kind: 'return',
      saleId: ret.saleId,
      operationId: ret.id!,
      registerId: 'registerId' in ret.refund ? (ret.refund.registerId ?? null) : null,
      operation: ret,
    };
  }
  if (input.cashMovement) {
    const { cashSessionId, movement } = input.cashMovement;
    return {
      ...none,
      kind: 'cash_movement',
      operationId: movement.id!,
      targetId: cashSessionId,
      cashSessionId,
      operation: movement,
    };
  }
  if (input.accountPayment) {
    const { customerId, payment } = input.accountPayment;
    return {
      ...none,
      kind: 'account_payment',
      operationId: payment.id!,
      targetId: customerId,
      registerId: payment.registerId ?? null,
      operation: payment,
    };
  }
  const sale = input.sale!;
  return {
    kind: 'sale',
    saleId: sale.id,
    operationId: null,
    targetId: null,
    registerId: sale.registerId,
    cashSessionId: sale.cashSessionId ?? null,
    sale,
    operation: null,
  };
}

/** The register a cash movement's session belongs to, if the session exists in this business. */
async function registerOfSession(ctx: Ctx, cashSessionId: string): Promise<string | null> {
  const r = await ctx.db
    .selectFrom('cash_sessions')
    .select('register_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', cashSessionId)
    .executeTakeFirst();
  return r?.register_id ?? null;
}

export interface ReportSaleConflictResult {
  conflict: SaleConflict;
  /** False when this sale had been reported before: the stored conflict is answered. */
  created: boolean;
}

/**
 * Records a sale, return, cash in/out or abono the server refused after the terminal queued it
 * (offline), so a manager sees it; idempotent by the terminal's id for it (a second report
 * answers the stored conflict). The register decides the location (a return's refund register,
 * else the returned sale's; a cash movement's session's register; an abono's register); an
 * unknown register still records the conflict, without one.
 */
export async function reportSaleConflict(
  ctx: Ctx,
  input: ReportSaleConflictInput,
): Promise<ReportSaleConflictResult> {
  const r = reportedOf(input);
  const key = r.kind === 'sale' ? { saleId: r.saleId! } : { operationId: r.operationId! };
  const known = await conflictOf(ctx, key);
  if (known) return { conflict: toConflict(known), created: false };
  const registerId = r.kind === 'cash_movement' ? await registerOfSession(ctx, r.targetId!) : r.registerId;
  const register = registerId
    ? (await listRegisters({ ...ctx, locationIds: null })).find((x) => x.id === registerId)
    : undefined;
  const locationId =
    register?.locationId ?? (r.kind === 'return' ? await saleLocation(ctx, r.saleId!) : null);
  const id = newId('scf');
  const row = await ctx.db
    .insertInto('sale_conflicts')
    .values({
      tenant_id: ctx.tenantId,
      id,
      kind: r.kind,
      sale_id: r.saleId,
      operation_id: r.operationId,
      target_id: r.targetId,
      register_id: registerId,
      location_id: locationId,
      cash_session_id: r.cashSessionId,
      sale: r.sale ? json(r.sale) : null,
      operation: r.operation ? json(r.operation) : null,
      total: input.total ?? null,
      summary: input.summary ?? null,
      error_code: input.error.code,
      error_message: input.error.message ?? null,
      error_details: json(input.error.details ?? {}),
      sold_at: input.soldAt ?? null,
      reported_by: ctx.userId,
      created_at: ctx.now,
    })
    // Two reports of the same operation at once (a retrying terminal): the first one stands.
    .onConflict((oc) =>
      (r.kind === 'sale'
        ? oc.columns(['tenant_id', 'sale_id']).where('kind', '=', 'sale')
        : oc.columns(['tenant_id', 'operation_id']).where('kind', '<>', 'sale')
      ).doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const other = await conflictOf(ctx, key);
    if (!other)
      throw new AppError(E.SALE_CONFLICT_DUPLICATE, { saleId: r.saleId, operationId: r.operationId });
    return { conflict: toConflict(other), created: false };
  }
  const payload = {
    conflictId: id,
    kind: row.kind,
    saleId: row.sale_id,
    operationId: row.operation_id,
    registerId: row.register_id,
    locationId: row.location_id,
    errorCode: row.error_code,
    total: row.total,
  };
  await recordEvent(ctx, 'sale_conflict.recorded', payload);
  await recordAudit(ctx, { action: 'sale_conflict.recorded', ...auditEntity(row), data: payload });
  return { conflict: toConflict(row), created: true };
}

/** What the bitácora files a conflict under: the sale, or the till's return, movement or abono. */
function auditEntity(r: { kind: SaleConflictKind; sale_id: string | null; operation_id: string | null }) {
  return r.kind === 'sale'
    ? { entityType: 'sale', entityId: r.sale_id! }
    : { entityType: r.kind, entityId: r.operation_id! };
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
 * Records a refused return, cash in/out or abono as the till made it, under the till's id, unless
 * the till's own resend got it recorded meanwhile. Cash in/out goes to the open session of the
 * register it was made at (its own session may be closed by now).
 */
async function recordOperation(seller: Ctx, c: SaleConflict): Promise<void> {
  const id = c.operationId!;
  if (c.kind === 'return') {
    if (!(await returnIfRecorded(seller, id))) await recordReturn(seller, zReturnInput.parse(c.operation));
    return;
  }
  if (c.kind === 'account_payment') {
    // the same id and body again is answered as recorded: no check needed first
    await recordAccountPayment(seller, c.targetId!, zAccountPaymentInput.parse(c.operation));
    return;
  }
  const recorded = await seller.db
    .selectFrom('cash_movements')
    .select('id')
    .where('tenant_id', '=', seller.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (recorded) return;
  const made = await getCashSession(seller, c.targetId!);
  const open = await openSessionOf(seller, made.registerId);
  if (!open) throw new AppError(CashErrors.CASH_SESSION_REQUIRED, { registerId: made.registerId });
  await recordCashMovement(seller, { ...zCashMovementInput.parse(c.operation), cashSessionId: open.id });
}

/**
 * Settles an open sale conflict in the caller's transaction. `retry` records the sale through
 * recordSale, with the terminal's id, at the time and prices the till sold it (its `soldAt` and
 * price versions, however old), in the register's open session, attributed to the cashier who
 * sold it; if it fails again (stock still short, no
 * open session) nothing changes and the error is the sales one. The other kinds are recorded
 * with the till's id, attributed to its cashier: a return through recordReturn (its cash refund
 * in the refund register's open session, e.g. once the sale it returns was recorded), cash
 * in/out in the open session of the register it was made at, an abono through
 * recordAccountPayment. `void` closes it with a note. Errors: SALE_CONFLICT_NOT_FOUND,
 * SALE_CONFLICT_RESOLVED, LOCATION_FORBIDDEN and those of the recording (STOCK_INSUFFICIENT,
 * CASH_SESSION_REQUIRED, RETURN_EXCEEDS_SOLD, SALE_NOT_FOUND, ACCOUNT_NOTHING_OWED, …).
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
  if (input.action === 'retry' && current.kind !== 'sale') {
    await recordOperation({ ...ctx, userId: current.reportedBy ?? ctx.userId }, current);
  } else if (input.action === 'retry') {
    // The terminal may have sent it again successfully meanwhile: then it is already recorded.
    const existing = await saleIfRecorded(ctx, current.saleId!);
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
    operationId: current.operationId,
    action: input.action,
    note: input.note ?? null,
    ticketNumber,
    locationId: current.locationId,
  };
  await recordEvent(ctx, 'sale_conflict.resolved', payload);
  await recordAudit(ctx, {
    action: input.action === 'retry' ? 'sale_conflict.retried' : 'sale_conflict.voided',
    ...auditEntity({ kind: current.kind, sale_id: current.saleId, operation_id: current.operationId }),
    data: payload,
  });
  return toConflict({ ...claimed, ticket_number: ticketNumber });
}
