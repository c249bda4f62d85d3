import { mergedSessionTarget } from './merged-sessions.js';
import { createHash } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { z } from 'zod';
import { json } from '../../db/types.js';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { D, sum } from '../../shared/money.js';
import { OFFLINE_MAX_AGE_MS } from '../../shared/time.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { assertLocationAccess } from '../identity/identity.service.js';
import { sessionSalesSummary } from '../sales/sales.service.js';
import { CashErrors as E } from './cash.errors.js';
import type {
  zCashMovement,
  zCashMovementInput,
  zCashReport,
  zCashSession,
  zCloseCashSessionInput,
  zOpenCashSessionInput,
  zRegister,
} from './cash.schemas.js';
import type { CashMovementKind, CashSessionsTable } from './cash.tables.js';

export type Register = z.infer<typeof zRegister>;
export type CashSession = z.infer<typeof zCashSession>;
export type CashMovement = z.infer<typeof zCashMovement>;
export type CashReport = z.infer<typeof zCashReport>;
export type OpenCashSessionInput = z.infer<typeof zOpenCashSessionInput>;
export type CashMovementInput = z.infer<typeof zCashMovementInput> & { cashSessionId: string };
export type CloseCashSessionInput = z.infer<typeof zCloseCashSessionInput> & { cashSessionId: string };

/** Advisory lock key space of a register: sales share it, a corte Z takes it alone. */
const REGISTER_LOCK = 727005;

async function lockRegister(ctx: Ctx, registerId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  if (mode === 'shared')
    await sql`select pg_advisory_xact_lock_shared(${REGISTER_LOCK}, hashtext(${registerId}))`.execute(ctx.db);
  else await sql`select pg_advisory_xact_lock(${REGISTER_LOCK}, hashtext(${registerId}))`.execute(ctx.db);
}

/**
 * Creates a register at a location and the location's ticket sequence (one per location, so
 * concurrent checkouts never wait on a counter row). Errors: REFERENCE_NOT_FOUND (location),
 * REGISTER_DUPLICATE, LOCATION_FORBIDDEN.
 */
export async function createRegister(
  ctx: Ctx,
  input: { locationId: string; name: string },
): Promise<Register> {
  assertLocationAccess(ctx, input.locationId);
  const id = newId('reg');
  await ctx.db
    .insertInto('registers')
    .values({
      tenant_id: ctx.tenantId,
      id,
      location_id: input.locationId,
      name: input.name,
      created_at: ctx.now,
    })
    .execute();
  await sql`select ensure_ticket_sequence(${input.locationId})`.execute(ctx.db);
  await recordAudit(ctx, {
    action: 'register.created',
    entityType: 'register',
    entityId: id,
    data: { locationId: input.locationId, name: input.name },
  });
  return { id, locationId: input.locationId, name: input.name, active: true, openCashSessionId: null };
}

/** Registers of the business (or of one location) with their open session, if any. */
export async function listRegisters(ctx: Ctx, input: { locationId?: string } = {}): Promise<Register[]> {
  let q = ctx.db
    .selectFrom('registers as r')
    .leftJoin('cash_sessions as s', (j) =>
      j
        .onRef('s.tenant_id', '=', 'r.tenant_id')
        .onRef('s.register_id', '=', 'r.id')
        .on('s.status', '=', 'open'),
    )
    .select(['r.id', 'r.location_id', 'r.name', 'r.active', 's.id as session_id'])
    .where('r.tenant_id', '=', ctx.tenantId)
    .orderBy('r.id');
  if (input.locationId) q = q.where('r.location_id', '=', input.locationId);
  const rows = await q.execute();
  return rows
    .filter((r) => ctx.locationIds === null || ctx.locationIds.includes(r.location_id))
    .map((r) => ({
      id: r.id,
      locationId: r.location_id,
      name: r.name,
      active: r.active,
      openCashSessionId: r.session_id,
    }));
}

async function getRegisterRow(ctx: Ctx, registerId: string) {
  const r = await ctx.db
    .selectFrom('registers')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', registerId)
    .executeTakeFirst();
  if (!r) throw new AppError(E.REGISTER_NOT_FOUND, { registerId });
  assertLocationAccess(ctx, r.location_id);
  return r;
}

type SessionRow = Selectable<CashSessionsTable>;

function toSession(r: SessionRow): CashSession {
  return {
    id: r.id,
    registerId: r.register_id,
    locationId: r.location_id,
    status: r.status,
    openingFloat: r.opening_float,
    openedAt: r.opened_at.toISOString(),
    recordedAt: r.recorded_at ? r.recorded_at.toISOString() : null,
    openedBy: r.opened_by,
    mergedInto: r.merged_into,
    closedAt: r.closed_at ? r.closed_at.toISOString() : null,
    expectedCash: r.expected_cash,
    countedCash: r.counted_cash,
    difference: r.difference,
  };
}

function requestHash(input: unknown): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** How far a terminal's clock may run ahead of the server's (an opening is then taken as "now"). */
const OPENED_AT_SKEW_MS = 5 * 60_000;

export interface OpenCashSessionResult {
  session: CashSession;
  /** True when this id had been opened before with the same body: the stored session is answered. */
  replayed: boolean;
}

async function sessionById(ctx: Ctx, id: string): Promise<SessionRow | undefined> {
  return (await ctx.db
    .selectFrom('cash_sessions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', id)
    .executeTakeFirst()) as SessionRow | undefined;
}

function replayOf(ctx: Ctx, known: SessionRow, hash: string | null): OpenCashSessionResult {
  if (hash === null || known.request_hash !== hash)
    throw new AppError(E.CASH_SESSION_ID_REUSED, { cashSessionId: known.id });
  assertLocationAccess(ctx, known.location_id);
  return { session: toSession(known), replayed: true };
}

/**
 * Opens a cash session on a register with an opening float; one open session per register.
 * A terminal may send its own id (`cs_` + ULID, the idempotency key: the same body again answers
 * the stored session) and, for an opening made offline, `openedAt` (its clock, at most 5 min
 * ahead and 48 h behind). Such an opening that finds another session open on the register is
 * still recorded, as `merged` into that session, so the offline sales naming it land there
 * (recordSale); without id and openedAt the opening is refused. Errors: REGISTER_NOT_FOUND,
 * CASH_SESSION_ALREADY_OPEN, CASH_SESSION_ID_REUSED, CASH_SESSION_OPENED_AT_OUT_OF_RANGE,
 * LOCATION_FORBIDDEN.
 */
export async function recordCashSessionOpening(
  ctx: Ctx,
  input: OpenCashSessionInput,
): Promise<OpenCashSessionResult> {
  const hash = input.id ? requestHash(input) : null;
  if (input.id) {
    const known = await sessionById(ctx, input.id);
    if (known) return replayOf(ctx, known, hash);
  }
  let openedAt = ctx.now;
  if (input.openedAt) {
    const at = new Date(input.openedAt);
    const earliest = new Date(ctx.now.getTime() - OFFLINE_MAX_AGE_MS);
    const latest = new Date(ctx.now.getTime() + OPENED_AT_SKEW_MS);
    if (at < earliest || at > latest)
      throw new AppError(E.CASH_SESSION_OPENED_AT_OUT_OF_RANGE, {
        openedAt: input.openedAt,
        earliest: earliest.toISOString(),
        latest: latest.toISOString(),
      });
    if (at < ctx.now) openedAt = at;
  }
  const reg = await getRegisterRow(ctx, input.registerId);
  // Openers of one register queue here, so "is another session open?" stays true until commit;
  // a concurrent replay of the same id finds the first one's row once it gets the lock.
  await lockRegister(ctx, reg.id, 'exclusive');
  if (input.id) {
    const known = await sessionById(ctx, input.id);
    if (known) return replayOf(ctx, known, hash);
  }
  const open = await openSessionOf(ctx, reg.id);
  if (open && !(input.id && input.openedAt))
    throw new AppError(E.CASH_SESSION_ALREADY_OPEN, { registerId: reg.id, openCashSessionId: open.id });
  const id = input.id ?? newId('cs');
  const row = (await ctx.db
    .insertInto('cash_sessions')
    .values({
      tenant_id: ctx.tenantId,
      id,
      register_id: reg.id,
      location_id: reg.location_id,
      ...(open ? { status: 'merged' as const, merged_into: open.id } : {}),
      opening_float: input.openingFloat,
      opened_by: ctx.userId,
      opened_at: openedAt,
      recorded_at: ctx.now,
      request_hash: hash,
      note: input.note ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as SessionRow;
  const data = {
    cashSessionId: id,
    registerId: reg.id,
    locationId: reg.location_id,
    openingFloat: input.openingFloat,
    openedAt: openedAt.toISOString(),
    ...(input.openedAt ? { offline: true } : {}),
    ...(open ? { mergedInto: open.id } : {}),
  };
  await recordEvent(ctx, open ? 'cash.session_merged' : 'cash.session_opened', data);
  await recordAudit(ctx, {
    action: open ? 'cash.session_merged' : 'cash.session_opened',
    entityType: 'cash_session',
    entityId: id,
    data,
  });
  return { session: toSession(row), replayed: false };
}

/** Opens a cash session (recordCashSessionOpening without the replay flag); same errors. */
export async function openCashSession(ctx: Ctx, input: OpenCashSessionInput): Promise<CashSession> {
  return (await recordCashSessionOpening(ctx, input)).session;
}

async function getSessionRow(ctx: Ctx, cashSessionId: string, forUpdate = false): Promise<SessionRow> {
  let q = ctx.db
    .selectFrom('cash_sessions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', cashSessionId);
  if (forUpdate) q = q.forUpdate();
  const r = (await q.executeTakeFirst()) as SessionRow | undefined;
  if (!r) throw new AppError(E.CASH_SESSION_NOT_FOUND, { cashSessionId });
  assertLocationAccess(ctx, r.location_id);
  return r;
}

/** One cash session. Errors: CASH_SESSION_NOT_FOUND. */
export async function getCashSession(ctx: Ctx, cashSessionId: string): Promise<CashSession> {
  return toSession(await getSessionRow(ctx, cashSessionId));
}

/** Sessions of a register, newest first. */
export async function listCashSessions(
  ctx: Ctx,
  input: { registerId: string; limit: number },
): Promise<CashSession[]> {
  await getRegisterRow(ctx, input.registerId);
  const rows = await ctx.db
    .selectFrom('cash_sessions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('register_id', '=', input.registerId)
    .orderBy('opened_at', 'desc')
    .limit(input.limit)
    .execute();
  return rows.map(toSession);
}

function toMovement(r: {
  id: string;
  cash_session_id: string;
  kind: CashMovementKind;
  method: string;
  amount: string;
  reason: string;
  ref_type: string | null;
  ref_id: string | null;
  user_id: string | null;
  created_at: Date;
}): CashMovement {
  return {
    id: r.id,
    cashSessionId: r.cash_session_id,
    kind: r.kind,
    method: r.method,
    amount: r.amount,
    reason: r.reason,
    refType: r.ref_type,
    refId: r.ref_id,
    userId: r.user_id,
    createdAt: r.created_at.toISOString(),
  };
}

async function insertMovement(
  ctx: Ctx,
  session: { id: string; register_id: string; location_id: string },
  m: {
    id?: string;
    kind: CashMovementKind;
    method: string;
    amount: string;
    reason: string;
    refType?: string;
    refId?: string;
    requestHash?: string;
  },
): Promise<CashMovement> {
  const row = await ctx.db
    .insertInto('cash_movements')
    .values({
      tenant_id: ctx.tenantId,
      id: m.id ?? newId('cmv'),
      cash_session_id: session.id,
      kind: m.kind,
      method: m.method,
      amount: m.amount,
      reason: m.reason,
      ref_type: m.refType ?? null,
      ref_id: m.refId ?? null,
      user_id: ctx.userId,
      created_at: ctx.now,
      request_hash: m.requestHash ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const movement = toMovement(row);
  await recordEvent(ctx, 'cash.movement_recorded', {
    cashSessionId: session.id,
    registerId: session.register_id,
    movementId: movement.id,
    kind: m.kind,
    method: m.method,
    amount: m.amount,
  });
  await recordAudit(ctx, {
    action: `cash.${m.kind}`,
    entityType: 'cash_session',
    entityId: session.id,
    data: { movementId: movement.id, method: m.method, amount: m.amount, reason: m.reason, refId: m.refId },
  });
  return movement;
}

export interface RecordCashMovementResult {
  movement: CashMovement;
  /** True when this movement id had been recorded before with the same body. */
  replayed: boolean;
}

async function movementReplay(ctx: Ctx, id: string, hash: string): Promise<RecordCashMovementResult | null> {
  const known = await ctx.db
    .selectFrom('cash_movements')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!known) return null;
  if (known.request_hash !== hash) throw new AppError(E.CASH_MOVEMENT_ID_REUSED, { movementId: id });
  return { movement: toMovement(known), replayed: true };
}

/**
 * Cash put into or taken out of the drawer, with a reason. A terminal may send its own id
 * (`cmv_` + ULID, for a movement queued offline): the same body again answers the stored
 * movement. A movement naming an offline opening merged into the register's open session is
 * recorded in that session. Errors: CASH_SESSION_NOT_FOUND, CASH_SESSION_CLOSED,
 * CASH_MOVEMENT_ID_REUSED.
 */
export async function recordCashMovement(
  ctx: Ctx,
  input: CashMovementInput,
): Promise<RecordCashMovementResult> {
  const hash = input.id ? requestHash(input) : undefined;
  if (input.id && hash) {
    const replay = await movementReplay(ctx, input.id, hash);
    if (replay) return replay;
  }
  const s0 = await getSessionRow(ctx, input.cashSessionId);
  // A cash-out is checked against the drawer: alone on the register while it reads and writes.
  await lockRegister(ctx, s0.register_id, input.kind === 'out' ? 'exclusive' : 'shared');
  if (input.id && hash) {
    const replay = await movementReplay(ctx, input.id, hash);
    if (replay) return replay;
  }
  let s = await getSessionRow(ctx, input.cashSessionId);
  if (s.status === 'merged') {
    const target = await mergedSessionTarget(ctx, s.id);
    if (!target)
      throw new AppError(E.CASH_SESSION_CLOSED, { cashSessionId: s.id, mergedInto: s.merged_into });
    s = await getSessionRow(ctx, target);
  }
  if (s.status !== 'open') throw new AppError(E.CASH_SESSION_CLOSED, { cashSessionId: s.id });
  if (input.kind === 'out') await assertDrawerHolds(ctx, s, input.amount);
  const movement = await insertMovement(ctx, s, {
    id: input.id,
    kind: input.kind,
    amount: input.amount,
    reason: input.reason,
    method: 'cash',
    requestHash: hash,
  });
  return { movement, replayed: false };
}

/**
 * Money handed back for a return at a register: a `refund` movement in the register's open
 * session (cash leaves the drawer; a card refund lowers the card total). A cash refund takes the
 * register's lock exclusive; the caller checks the drawer with `assertCashRefundCovered` once
 * everything the return brings in is written (an exchange's new sale may pay cash in). Errors:
 * REGISTER_NOT_FOUND, CASH_SESSION_REQUIRED.
 */
export async function recordRefundMovement(
  ctx: Ctx,
  input: {
    registerId: string;
    method: string;
    amount: string;
    reason: string;
    refType: string;
    refId: string;
  },
): Promise<CashMovement> {
  const reg = await getRegisterRow(ctx, input.registerId);
  const cash = input.method === 'cash';
  await lockRegister(ctx, reg.id, cash ? 'exclusive' : 'shared');
  const s = await openSessionRow(ctx, reg.id);
  if (!s) throw new AppError(E.CASH_SESSION_REQUIRED, { registerId: reg.id });
  return insertMovement(ctx, s, { kind: 'refund', ...input });
}

/**
 * Money received at a register against a customer's account (an abono): a `collection` movement
 * in the register's open session, any method; the corte expects it on that method. Errors:
 * REGISTER_NOT_FOUND, CASH_SESSION_REQUIRED.
 */
export async function recordCollectionMovement(
  ctx: Ctx,
  input: { registerId: string; method: string; amount: string; reason: string; refId: string },
): Promise<CashMovement> {
  const reg = await getRegisterRow(ctx, input.registerId);
  await lockRegister(ctx, reg.id, 'shared');
  const s = await openSessionRow(ctx, reg.id);
  if (!s) throw new AppError(E.CASH_SESSION_REQUIRED, { registerId: reg.id });
  return insertMovement(ctx, s, { kind: 'collection', refType: 'account_payment', ...input });
}

function openSessionRow(ctx: Ctx, registerId: string): Promise<SessionRow | undefined> {
  return ctx.db
    .selectFrom('cash_sessions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('register_id', '=', registerId)
    .where('status', '=', 'open')
    .executeTakeFirst();
}

/** The open session of a register, or null. */
export async function openSessionOf(ctx: Ctx, registerId: string): Promise<CashSession | null> {
  const r = await openSessionRow(ctx, registerId);
  return r ? toSession(r) : null;
}

/**
 * Cash cannot leave a drawer that does not hold it: a cash-out of `amount` is refused when it is
 * more than the cash the session should hold now (its corte X). The caller holds the register's
 * exclusive lock, so no sale or other movement changes that figure meanwhile.
 */
async function assertDrawerHolds(ctx: Ctx, s: SessionRow, amount: string): Promise<void> {
  const { expectedCash } = await buildReport(ctx, s);
  if (new D(amount).gt(expectedCash))
    throw new AppError(E.CASH_OUT_EXCEEDS_DRAWER, { expectedCash, amount: new D(amount).toFixed(2) });
}

/**
 * After a cash refund of `amount` (and whatever else the same transaction brought into the
 * drawer, such as an exchange paid in cash): the drawer must not end up owing cash. Refused with
 * CASH_REFUND_EXCEEDS_DRAWER, naming the cash that was there for the refund.
 */
export async function assertCashRefundCovered(ctx: Ctx, registerId: string, amount: string): Promise<void> {
  const s = await openSessionRow(ctx, registerId);
  if (!s) throw new AppError(E.CASH_SESSION_REQUIRED, { registerId });
  const { expectedCash } = await buildReport(ctx, s);
  if (new D(expectedCash).lt(0))
    throw new AppError(E.CASH_REFUND_EXCEEDS_DRAWER, {
      expectedCash: new D(expectedCash).plus(amount).toFixed(2),
      amount: new D(amount).toFixed(2),
    });
}

async function buildReport(ctx: Ctx, s: SessionRow): Promise<CashReport> {
  const [sales, movements, merged] = await Promise.all([
    sessionSalesSummary(ctx, s.id),
    ctx.db
      .selectFrom('cash_movements')
      .select(['kind', 'method', (eb) => eb.fn.sum<string>('amount').as('amount')])
      .where('tenant_id', '=', ctx.tenantId)
      .where('cash_session_id', '=', s.id)
      .groupBy(['kind', 'method'])
      .execute(),
    ctx.db
      .selectFrom('cash_sessions')
      .select(['id', 'opening_float', 'opened_at', 'opened_by'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('merged_into', '=', s.id)
      .orderBy('opened_at')
      .execute(),
  ]);
  const mv = (kind: string, method?: string) =>
    sum(movements.filter((m) => m.kind === kind && (!method || m.method === method)).map((m) => m.amount));
  const methods = new Set<string>(['cash', ...Object.keys(sales.byMethod)]);
  for (const m of movements) if (m.kind === 'refund' || m.kind === 'collection') methods.add(m.method);
  const cashIn = mv('in');
  const cashOut = mv('out');
  const byMethod = [...methods].map((method) => {
    const salesAmount = new D(sales.byMethod[method] ?? '0');
    const refunds = mv('refund', method);
    const collections = mv('collection', method);
    let expected = salesAmount.minus(refunds).plus(collections);
    if (method === 'cash') expected = expected.plus(s.opening_float).plus(cashIn).minus(cashOut);
    return {
      method,
      sales: salesAmount.toFixed(2),
      refunds: refunds.toFixed(2),
      collections: collections.toFixed(2),
      expected: expected.toFixed(2),
    };
  });
  const expectedCash = byMethod.find((m) => m.method === 'cash')!.expected;
  return {
    cashSessionId: s.id,
    registerId: s.register_id,
    locationId: s.location_id,
    status: s.status === 'closed' ? 'closed' : 'open',
    openingFloat: s.opening_float,
    openedAt: s.opened_at.toISOString(),
    openedBy: s.opened_by,
    closedAt: s.closed_at ? s.closed_at.toISOString() : null,
    closedBy: s.closed_by,
    salesCount: sales.salesCount,
    salesTotal: sales.total,
    byMethod,
    cashIn: cashIn.toFixed(2),
    cashOut: cashOut.toFixed(2),
    cashRefunds: mv('refund', 'cash').toFixed(2),
    expectedCash,
    countedCash: s.counted_cash,
    difference: s.difference,
    denominations: s.denominations,
    mergedOpenings: merged.map((m) => ({
      cashSessionId: m.id,
      openingFloat: m.opening_float,
      openedAt: m.opened_at.toISOString(),
      openedBy: m.opened_by,
    })),
  };
}

/**
 * Corte X: the session's figures so far (expected per payment method) without closing it; of
 * a closed session, its corte Z. Errors: CASH_SESSION_NOT_FOUND, CASH_SESSION_MERGED.
 */
export async function cashSessionReport(ctx: Ctx, cashSessionId: string): Promise<CashReport> {
  const s = await getSessionRow(ctx, cashSessionId);
  if (s.status === 'merged')
    throw new AppError(E.CASH_SESSION_MERGED, { cashSessionId: s.id, mergedInto: s.merged_into });
  if (s.status === 'closed' && s.closing_report) {
    const { requestedClosedAt: _, ...report } = s.closing_report as unknown as CashReport & {
      requestedClosedAt?: string;
    };
    return report;
  }
  return buildReport(ctx, s);
}

/**
 * Corte Z: closes the session with the cash counted (optionally by denomination) and stores
 * expected per method and the difference. It waits for the sales in flight on the register
 * (exclusive register lock), so every sale of the session is in the figures. Errors:
 * CASH_SESSION_NOT_FOUND, CASH_SESSION_CLOSED, CASH_SESSION_MERGED, DENOMINATIONS_MISMATCH.
 */
export async function closeCashSession(ctx: Ctx, input: CloseCashSessionInput): Promise<CashReport> {
  const s0 = await getSessionRow(ctx, input.cashSessionId);
  if (s0.status === 'merged')
    throw new AppError(E.CASH_SESSION_MERGED, { cashSessionId: s0.id, mergedInto: s0.merged_into });
  const replay = closeReplay(s0, input);
  if (replay) return replay;
  if (s0.status !== 'open') throw new AppError(E.CASH_SESSION_CLOSED, { cashSessionId: s0.id });
  const closedAt = input.closedAt ? offlineClosedAt(ctx, s0, input.closedAt) : ctx.now;
  if (input.denominations) {
    const counted = sum(input.denominations.map((d) => new D(d.denomination).times(d.count)));
    if (!counted.eq(input.countedCash))
      throw new AppError(E.DENOMINATIONS_MISMATCH, {
        counted: counted.toFixed(2),
        countedCash: input.countedCash,
      });
  }
  await lockRegister(ctx, s0.register_id, 'exclusive');
  const s = await getSessionRow(ctx, input.cashSessionId, true);
  const replayed = closeReplay(s, input);
  if (replayed) return replayed;
  if (s.status !== 'open') throw new AppError(E.CASH_SESSION_CLOSED, { cashSessionId: s.id });
  const report = await buildReport(ctx, s);
  const difference = new D(input.countedCash).minus(report.expectedCash).toFixed(2);
  const closed: CashReport = {
    ...report,
    status: 'closed',
    closedAt: closedAt.toISOString(),
    closedBy: ctx.userId,
    countedCash: new D(input.countedCash).toFixed(2),
    difference,
    denominations: input.denominations ?? null,
  };
  await ctx.db
    .updateTable('cash_sessions')
    .set({
      status: 'closed',
      closed_at: closedAt,
      closed_by: ctx.userId,
      expected_cash: report.expectedCash,
      counted_cash: input.countedCash,
      difference,
      denominations: input.denominations ? json(input.denominations) : null,
      // an offline close keeps the moment it asked for, to know its repeat (closeReplay)
      closing_report: json(
        input.closedAt ? { ...closed, requestedClosedAt: new Date(input.closedAt).toISOString() } : closed,
      ),
      note: input.note ?? s.note,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', s.id)
    .execute();
  await recordEvent(ctx, 'cash.session_closed', {
    cashSessionId: s.id,
    registerId: s.register_id,
    locationId: s.location_id,
    expectedCash: report.expectedCash,
    countedCash: closed.countedCash,
    difference,
    ...(input.closedAt ? { offline: true } : {}),
  });
  await recordAudit(ctx, {
    action: 'cash.session_closed',
    entityType: 'cash_session',
    entityId: s.id,
    data: {
      expectedCash: report.expectedCash,
      countedCash: closed.countedCash,
      difference,
      ...(input.closedAt ? { closedAt: closed.closedAt } : {}),
    },
  });
  return closed;
}

/**
 * The same offline close sent again (its answer lost on the way back): the stored corte Z, not
 * CASH_SESSION_CLOSED. Recognised by the terminal's `closedAt` and the cash counted.
 */
function closeReplay(s: SessionRow, input: CloseCashSessionInput): CashReport | null {
  if (s.status !== 'closed' || !input.closedAt || !s.closing_report || s.counted_cash === null) return null;
  const report = s.closing_report as unknown as CashReport & { requestedClosedAt?: string };
  const sameCount = new D(s.counted_cash).eq(input.countedCash);
  const sameMoment = report.requestedClosedAt === new Date(input.closedAt).toISOString();
  if (!sameCount || !sameMoment) return null;
  const { requestedClosedAt: _, ...answer } = report;
  return answer;
}

/** When an offline corte Z was made: the terminal's clock, kept within range of the server's. */
function offlineClosedAt(ctx: Ctx, s: SessionRow, closedAt: string): Date {
  const at = new Date(closedAt);
  const earliest = new Date(Math.max(ctx.now.getTime() - OFFLINE_MAX_AGE_MS, s.opened_at.getTime()));
  const latest = new Date(ctx.now.getTime() + OPENED_AT_SKEW_MS);
  if (at < earliest || at > latest)
    throw new AppError(E.CASH_SESSION_CLOSED_AT_OUT_OF_RANGE, {
      closedAt,
      earliest: earliest.toISOString(),
      latest: latest.toISOString(),
    });
  return at < ctx.now ? at : ctx.now;
}
