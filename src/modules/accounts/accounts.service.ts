import { type Selectable, sql } from 'kysely';
import type { z } from 'zod';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { D } from '../../shared/money.js';
import { businessDate, startOfBusinessDay } from '../../shared/time.js';
import { businessTimezone } from '../identity/timezone.js';
import { recordCollectionMovement } from '../cash/cash.service.js';
import { profilesMergedInto, resolveCustomer } from '../customers/customers.service.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { AccountsErrors as E } from './accounts.errors.js';
import type {
  zAccount,
  zAccountMovement,
  zAccountPaymentInput,
  zOpeningBalanceInput,
  zReceivables,
  zStatementEntry,
} from './accounts.schemas.js';
import type { AccountMovementsTable } from './accounts.tables.js';

export type Account = z.infer<typeof zAccount>;
export type AccountMovement = z.infer<typeof zAccountMovement>;
export type AccountPaymentInput = z.infer<typeof zAccountPaymentInput>;
export type Receivables = z.infer<typeof zReceivables>;
type StatementEntry = z.infer<typeof zStatementEntry>;

/** Advisory lock class of a customer's account: payments and returns on it queue here. */
const ACCOUNT_LOCK = 727008;

async function lockAccount(ctx: Ctx, customerId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ACCOUNT_LOCK}, hashtext(${`${ctx.tenantId}/${customerId}`}))`.execute(
    ctx.db,
  );
}

function toMovement(r: Selectable<AccountMovementsTable>): AccountMovement {
  return {
    id: r.id,
    customerId: r.customer_id,
    kind: r.kind,
    amount: r.amount,
    method: r.method,
    reference: r.reference,
    registerId: r.register_id,
    cashSessionId: r.cash_session_id,
    refType: r.ref_type,
    refId: r.ref_id,
    note: r.note,
    userId: r.user_id,
    createdAt: r.created_at.toISOString(),
  };
}

interface Totals {
  charged: string;
  /** debts carried over from before the shop kept accounts here */
  opening: string;
  paid: string;
  returned: string;
  balance: string;
  lastChargeAt: string | null;
  lastPaymentAt: string | null;
}

/** Bought on account by these profiles and owed from before, minus what they paid and returned. */
async function totalsOf(ctx: Ctx, customerIds: string[]): Promise<Totals> {
  const [charges, credits] = await Promise.all([
    ctx.db
      .selectFrom('sale_payments as p')
      .innerJoin('sales as s', (j) =>
        j.onRef('s.tenant_id', '=', 'p.tenant_id').onRef('s.id', '=', 'p.sale_id'),
      )
      .select((eb) => [eb.fn.sum<string>('p.amount').as('amount'), eb.fn.max('s.created_at').as('at')])
      .where('p.tenant_id', '=', ctx.tenantId)
      .where('p.method', '=', 'on_account')
      .where('s.customer_id', 'in', customerIds)
      .executeTakeFirst(),
    ctx.db
      .selectFrom('account_movements')
      .select((eb) => ['kind', eb.fn.sum<string>('amount').as('amount'), eb.fn.max('created_at').as('at')])
      .where('tenant_id', '=', ctx.tenantId)
      .where('customer_id', 'in', customerIds)
      .groupBy('kind')
      .execute(),
  ]);
  const charged = new D(charges?.amount ?? '0');
  const opening = new D(credits.find((c) => c.kind === 'opening')?.amount ?? '0');
  const payments = credits.find((c) => c.kind === 'payment');
  const paid = new D(payments?.amount ?? '0');
  const returned = new D(credits.find((c) => c.kind === 'return')?.amount ?? '0');
  const iso = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : null);
  return {
    charged: charged.toFixed(2),
    opening: opening.toFixed(2),
    paid: paid.toFixed(2),
    returned: returned.toFixed(2),
    balance: charged.plus(opening).minus(paid).minus(returned).toFixed(2),
    lastChargeAt: iso(charges?.at),
    lastPaymentAt: iso(payments?.at),
  };
}

/**
 * The live profile behind a customer id and the ids whose purchases count on its account (it and
 * the profiles merged into it). With `lock`, payments, returns and credit checks on this account
 * wait for each other from here to the end of the transaction.
 */
async function accountOf(ctx: Ctx, customerId: string, lock = false) {
  const live = await resolveCustomer(ctx, customerId);
  if (lock) await lockAccount(ctx, live.id);
  return { live, ids: [live.id, ...(await profilesMergedInto(ctx, live.id))] };
}

/** The account's debt now, under its lock: what a movement about to be written is checked against. */
async function lockedBalance(ctx: Ctx, customerId: string) {
  const { live, ids } = await accountOf(ctx, customerId, true);
  const totals = await totalsOf(ctx, ids);
  return { live, ids, totals, balance: new D(totals.balance) };
}

async function insertMovement(
  ctx: Ctx,
  m: {
    id?: string;
    customerId: string;
    kind: AccountMovementsTable['kind'];
    amount: string;
    method?: AccountMovementsTable['method'];
    reference?: string;
    registerId?: string;
    cashSessionId?: string;
    refType?: string;
    refId?: string;
    note?: string;
  },
): Promise<Selectable<AccountMovementsTable>> {
  return ctx.db
    .insertInto('account_movements')
    .values({
      tenant_id: ctx.tenantId,
      id: m.id ?? newId('acm'),
      customer_id: m.customerId,
      kind: m.kind,
      amount: m.amount,
      method: m.method ?? null,
      reference: m.reference ?? null,
      register_id: m.registerId ?? null,
      cash_session_id: m.cashSessionId ?? null,
      ref_type: m.refType ?? null,
      ref_id: m.refId ?? null,
      note: m.note ?? null,
      user_id: ctx.userId,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** What a customer owes on account (theirs and their merged profiles'), as a decimal string. */
export async function accountBalance(ctx: Ctx, customerId: string): Promise<string> {
  return (await totalsOf(ctx, (await accountOf(ctx, customerId)).ids)).balance;
}

/** A statement line that adds to the debt: a purchase on account or a debt from before. */
const adds = (e: { kind: StatementEntry['kind'] }) => e.kind === 'charge' || e.kind === 'opening';

/**
 * A customer's account (fiado): what they owe, how it was reached, and the statement (purchases
 * on account, payments, returns credited) newest first with the balance after each line.
 * Errors: CUSTOMER_NOT_FOUND.
 */
export async function getAccount(
  ctx: Ctx,
  customerId: string,
  input: { limit?: number } = {},
): Promise<Account> {
  const limit = input.limit ?? 100;
  const { live, ids } = await accountOf(ctx, customerId);
  const [creditLimit, totals, [aged], charges, movements] = await Promise.all([
    creditLimitOf(ctx, live.id),
    totalsOf(ctx, ids),
    agedDebts(ctx, { customerIds: [live.id], limit: 1 }).then((r) => r.items),
    ctx.db
      .selectFrom('sale_payments as p')
      .innerJoin('sales as s', (j) =>
        j.onRef('s.tenant_id', '=', 'p.tenant_id').onRef('s.id', '=', 'p.sale_id'),
      )
      .select(['s.id', 's.ticket_number', 's.created_at', 's.note', 'p.amount'])
      .where('p.tenant_id', '=', ctx.tenantId)
      .where('p.method', '=', 'on_account')
      .where('s.customer_id', 'in', ids)
      .orderBy('s.created_at', 'desc')
      .limit(limit)
      .execute(),
    ctx.db
      .selectFrom('account_movements')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('customer_id', 'in', ids)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute(),
  ]);
  const entries: Omit<StatementEntry, 'balanceAfter'>[] = [
    ...charges.map((c) => ({
      kind: 'charge' as const,
      at: c.created_at.toISOString(),
      amount: new D(c.amount).toFixed(2),
      saleId: c.id,
      ticketNumber: Number(c.ticket_number),
      movementId: null,
      method: null,
      reference: null,
      note: c.note,
    })),
    ...movements.map((m) => ({
      kind: m.kind,
      at: m.created_at.toISOString(),
      amount: new D(m.amount).toFixed(2),
      saleId: null,
      ticketNumber: null,
      movementId: m.id,
      method: m.method,
      reference: m.reference,
      note: m.note,
    })),
  ]
    // newest first; at the same instant a payment or return came after the debt it pays
    .sort((a, b) => b.at.localeCompare(a.at) || (adds(a) ? 1 : 0) - (adds(b) ? 1 : 0))
    .slice(0, limit);
  // Walking back from today's balance: before a charge the debt was smaller, before a payment larger.
  let after = new D(totals.balance);
  const statement = entries.map((e) => {
    const line = { ...e, balanceAfter: after.toFixed(2) };
    after = adds(e) ? after.minus(e.amount) : after.plus(e.amount);
    return line;
  });
  return {
    customerId: live.id,
    creditLimit,
    ...totals,
    oldestUnpaidAt: aged?.oldestUnpaidAt ?? null,
    aging: aged?.aging ?? NO_AGING,
    statement,
  };
}

/**
 * A payment on a customer's account (an abono), never more than they owe. With a register it is
 * money received there: a `collection` movement in its open session, so the corte expects it on
 * that method; cash always names a register. Errors: CUSTOMER_NOT_FOUND, ACCOUNT_NOTHING_OWED,
 * ACCOUNT_PAYMENT_EXCEEDS_BALANCE, ACCOUNT_PAYMENT_REGISTER_REQUIRED, REGISTER_NOT_FOUND,
 * CASH_SESSION_REQUIRED, ACCOUNT_PAYMENT_ID_REUSED. With the terminal's `id`, the same payment
 * sent again is answered as recorded (with the balance now) and written once.
 */
export async function recordAccountPayment(
  ctx: Ctx,
  customerId: string,
  input: AccountPaymentInput,
): Promise<{ movement: AccountMovement; balance: string; replayed: boolean }> {
  if (input.method === 'cash' && !input.registerId)
    throw new AppError(E.ACCOUNT_PAYMENT_REGISTER_REQUIRED, {});
  const { live, ids, balance: before } = await lockedBalance(ctx, customerId);
  if (input.id) {
    // Under the account's lock: a first attempt with this id that ran at the same time is visible.
    const known = await ctx.db
      .selectFrom('account_movements')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (known) {
      const same =
        known.kind === 'payment' &&
        ids.includes(known.customer_id) &&
        new D(known.amount).eq(input.amount) &&
        known.method === input.method &&
        known.reference === (input.reference ?? null) &&
        known.register_id === (input.registerId ?? null);
      if (!same) throw new AppError(E.ACCOUNT_PAYMENT_ID_REUSED, { movementId: known.id });
      return { movement: toMovement(known), balance: before.toFixed(2), replayed: true };
    }
  }
  const amount = new D(input.amount);
  if (before.lte(0)) throw new AppError(E.ACCOUNT_NOTHING_OWED, { customerId: live.id });
  if (amount.gt(before))
    throw new AppError(E.ACCOUNT_PAYMENT_EXCEEDS_BALANCE, {
      balance: before.toFixed(2),
      amount: amount.toFixed(2),
    });
  const id = input.id ?? newId('acm');
  const cash = input.registerId
    ? await recordCollectionMovement(ctx, {
        registerId: input.registerId,
        method: input.method,
        amount: amount.toFixed(2),
        reason: `Abono a la cuenta de ${live.name || 'un cliente'}`,
        refId: id,
      })
    : null;
  const row = await insertMovement(ctx, {
    id,
    customerId: live.id,
    kind: 'payment',
    amount: amount.toFixed(2),
    method: input.method,
    reference: input.reference,
    registerId: input.registerId,
    cashSessionId: cash?.cashSessionId,
    note: input.note,
  });
  const balance = before.minus(amount).toFixed(2);
  await recordEvent(ctx, 'customer.account_payment', {
    customerId: live.id,
    movementId: id,
    amount: amount.toFixed(2),
    method: input.method,
    balance,
  });
  await recordAudit(ctx, {
    action: 'account.payment_recorded',
    entityType: 'customer',
    entityId: live.id,
    data: { movementId: id, amount: amount.toFixed(2), method: input.method, balance },
  });
  return { movement: toMovement(row), balance, replayed: false };
}

/**
 * A debt the customer already had when the shop started keeping accounts here (the fiado
 * notebook), dated the business day it began: it adds to what they owe, counts for the credit
 * limit's checks from now on, and ages from that day. A manager records it; no money moves.
 * Errors: CUSTOMER_NOT_FOUND, ACCOUNT_OPENING_DATE_INVALID.
 */
export async function recordOpeningBalance(
  ctx: Ctx,
  customerId: string,
  input: z.infer<typeof zOpeningBalanceInput>,
): Promise<{ movement: AccountMovement; balance: string }> {
  // not firstOnly: always recorded
  const r = (await writeOpeningBalance(ctx, customerId, input, false)) as {
    movement: AccountMovement;
    balance: string;
  };
  return { movement: r.movement, balance: r.balance };
}

/** The opening balance itself; with `firstOnly`, nothing on an account already in use. */
async function writeOpeningBalance(
  ctx: Ctx,
  customerId: string,
  input: z.infer<typeof zOpeningBalanceInput>,
  firstOnly: boolean,
): Promise<
  { recorded: true; movement: AccountMovement; balance: string } | { recorded: false; balance: string }
> {
  const { live, balance: before, totals: t } = await lockedBalance(ctx, customerId);
  if (firstOnly && [t.charged, t.opening, t.paid, t.returned].some((v) => !new D(v).isZero()))
    return { recorded: false, balance: t.balance };
  const tz = await businessTimezone(ctx);
  const today = businessDate(ctx.now, tz);
  const tenYearsAgo = businessDate(new Date(ctx.now.getTime() - 3652 * 86_400_000), tz);
  if (input.since > today || input.since < tenYearsAgo)
    throw new AppError(E.ACCOUNT_OPENING_DATE_INVALID, { since: input.since });
  // noon of that day, or now when it is today: never after the moment it is recorded
  const noon = new Date(startOfBusinessDay(input.since, tz).getTime() + 12 * 3_600_000);
  const at = noon < ctx.now ? noon : ctx.now;
  const amount = new D(input.amount);
  const row = await insertMovement(
    { ...ctx, now: at },
    { customerId: live.id, kind: 'opening', amount: amount.toFixed(2), note: input.note },
  );
  const balance = before.plus(amount).toFixed(2);
  await recordEvent(ctx, 'customer.account_opening', {
    customerId: live.id,
    movementId: row.id,
    amount: amount.toFixed(2),
    since: input.since,
    balance,
  });
  await recordAudit(ctx, {
    action: 'account.opening_recorded',
    entityType: 'customer',
    entityId: live.id,
    data: { movementId: row.id, amount: amount.toFixed(2), since: input.since, balance },
  });
  return { recorded: true, movement: toMovement(row), balance };
}

/**
 * An opening balance for an account that has nothing on it yet (no purchase on account, no
 * opening, payment or return): what an import of the notebook's debts records, so that the same
 * file imported twice, or a file listing a customer already using the account, never adds a
 * debt twice. Otherwise nothing is written and the balance is returned.
 * Errors: those of recordOpeningBalance.
 */
export async function recordFirstOpeningBalance(
  ctx: Ctx,
  customerId: string,
  input: z.infer<typeof zOpeningBalanceInput>,
): Promise<
  { recorded: true; movement: AccountMovement; balance: string } | { recorded: false; balance: string }
> {
  return writeOpeningBalance(ctx, customerId, input, true);
}

/**
 * A return of something bought on account: its amount comes off the customer's debt instead of
 * being paid back, never below zero. Errors: REFUND_EXCEEDS_ACCOUNT_BALANCE.
 */
export async function creditAccountForReturn(
  ctx: Ctx,
  input: { customerId: string; amount: string; returnId: string },
): Promise<void> {
  const { live, balance } = await lockedBalance(ctx, input.customerId);
  if (new D(input.amount).gt(balance))
    throw new AppError(E.REFUND_EXCEEDS_ACCOUNT_BALANCE, {
      balance: balance.toFixed(2),
      amount: new D(input.amount).toFixed(2),
    });
  await insertMovement(ctx, {
    customerId: live.id,
    kind: 'return',
    amount: new D(input.amount).toFixed(2),
    refType: 'return',
    refId: input.returnId,
  });
}

async function creditLimitOf(ctx: Ctx, customerId: string): Promise<string | null> {
  const r = await ctx.db
    .selectFrom('customers')
    .select('credit_limit')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', customerId)
    .executeTakeFirst();
  return r?.credit_limit == null ? null : new D(r.credit_limit).toFixed(2);
}

/** The credit limits of these profiles (absent: no limit). */
export async function creditLimitsOf(ctx: Ctx, customerIds: string[]): Promise<Map<string, string>> {
  if (customerIds.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('customers')
    .select(['id', 'credit_limit'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', 'in', customerIds)
    .where('credit_limit', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, new D(r.credit_limit!).toFixed(2)]));
}

/**
 * How much a customer may owe on account (null: no limit); audited. Errors: CUSTOMER_NOT_FOUND.
 */
export async function setCreditLimit(
  ctx: Ctx,
  customerId: string,
  creditLimit: string | null,
): Promise<Account> {
  const live = await resolveCustomer(ctx, customerId);
  await writeCreditLimit(ctx, live.id, await creditLimitOf(ctx, live.id), creditLimit);
  return getAccount(ctx, live.id);
}

/**
 * The credit limit the import asks for, written (and audited) only when it differs from the
 * stored one; true when it changed. Errors: CUSTOMER_NOT_FOUND.
 */
export async function changeCreditLimit(ctx: Ctx, customerId: string, creditLimit: string): Promise<boolean> {
  const live = await resolveCustomer(ctx, customerId);
  const before = await creditLimitOf(ctx, live.id);
  if (before === new D(creditLimit).toFixed(2)) return false;
  await writeCreditLimit(ctx, live.id, before, creditLimit);
  return true;
}

async function writeCreditLimit(
  ctx: Ctx,
  customerId: string,
  before: string | null,
  creditLimit: string | null,
): Promise<void> {
  const value = creditLimit === null ? null : new D(creditLimit).toFixed(2);
  await ctx.db
    .updateTable('customers')
    .set({ credit_limit: value })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', customerId)
    .execute();
  await recordAudit(ctx, {
    action: 'account.limit_set',
    entityType: 'customer',
    entityId: customerId,
    data: { from: before, to: value },
  });
}

/**
 * Records a counter sale, first checking that what it puts on the customer's account keeps their
 * debt within their credit limit. Only a sale with an on-account payment to a customer who has a
 * limit pays for the check: it then runs in a transaction holding the account's lock (payments on
 * the account take it too), so two such sales at once cannot pass the limit together. A sale
 * already recorded (the terminal sending it again) is not checked again. Errors:
 * ACCOUNT_CREDIT_LIMIT_EXCEEDED, and `record`'s.
 */
export async function withinCreditLimit<T>(
  ctx: Ctx,
  sale: { id: string; customerId?: string; payments: { method: string; amount: string }[] },
  record: (ctx: Ctx) => Promise<T>,
): Promise<T> {
  const onAccount = sale.payments.filter((p) => p.method === 'on_account');
  if (!sale.customerId || onAccount.length === 0) return record(ctx);
  const customerId = sale.customerId;
  const live = await resolveCustomer(ctx, customerId).catch(() => null);
  // an unknown customer: the sale itself says so
  if (!live) return record(ctx);
  const limit = await creditLimitOf(ctx, live.id);
  if (limit === null) return record(ctx);
  const known = await ctx.db
    .selectFrom('sales')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', sale.id)
    .executeTakeFirst();
  if (known) return record(ctx);
  const amount = onAccount.reduce((s, p) => s.plus(p.amount), new D(0));
  const run = async (tx: Ctx) => {
    const { balance } = await lockedBalance(tx, live.id);
    if (balance.plus(amount).gt(limit))
      throw new AppError(E.ACCOUNT_CREDIT_LIMIT_EXCEEDED, {
        customerId: live.id,
        limit,
        balance: balance.toFixed(2),
        amount: amount.toFixed(2),
        total: balance.plus(amount).toFixed(2),
      });
    return record(tx);
  };
  return ctx.db.isTransaction ? run(ctx) : ctx.db.transaction().execute((trx) => run({ ...ctx, db: trx }));
}

/** The tender of a c_FormaPago, for an account payment that arrives as an invoice payment. */
const METHOD_OF_FORMA: Record<string, AccountMovementsTable['method']> = {
  '01': 'cash',
  '02': 'cheque',
  '03': 'spei',
  '04': 'card',
  '08': 'voucher',
  '28': 'card',
  '29': 'card',
};

/**
 * A payment recorded on a credit (PPD) invoice (the Pagos complement) is the customer paying
 * what they bought on account: it comes off their account too, up to what the account still
 * owes (an abono taken before may already have covered it). Returns the amount taken off.
 */
export async function settleAccountFromInvoicePayment(
  ctx: Ctx,
  input: { customerId: string; amount: string; formaPago: string; invoicePaymentId: string; invoice: string },
): Promise<string> {
  const { live, balance } = await lockedBalance(ctx, input.customerId);
  const amount = D.min(balance, input.amount);
  if (amount.lte(0)) return '0.00';
  await insertMovement(ctx, {
    customerId: live.id,
    kind: 'payment',
    amount: amount.toFixed(2),
    method: METHOD_OF_FORMA[input.formaPago] ?? null,
    refType: 'invoice_payment',
    refId: input.invoicePaymentId,
    note: `Pago de la factura ${input.invoice}`,
  });
  return amount.toFixed(2);
}

const NO_AGING = { upTo30: '0.00', from31To60: '0.00', from61To90: '0.00', over90: '0.00' };

type Aging = Receivables['aging'];
type Receivable = Receivables['items'][number];

/** A place in the receivables list, largest debt first: the next page starts after it. */
export interface ReceivablesPosition {
  balance: string;
  customerId: string;
}

/**
 * Who owes on account (all of the business, or only `customerIds`), largest debt first, with the
 * debt by age: abonos and returns pay the oldest purchases on account first (FIFO), so what is
 * still owed is the newest purchases, and each counts by the days since it was made. The count,
 * total and aging are of everyone who owes (not of the page). One statement.
 */
async function agedDebts(
  ctx: Ctx,
  opts: { customerIds?: string[]; limit: number; after?: ReceivablesPosition },
): Promise<{ items: Receivable[]; count: number; total: string; aging: Aging }> {
  const ago = (days: number) => new Date(ctx.now.getTime() - days * 86_400_000);
  const ids = opts.customerIds;
  if (ids && ids.length === 0) return { items: [], count: 0, total: '0.00', aging: zeroAging() };
  const whose = ids ? sql`and coalesce(c.merged_into, c.id) in (${sql.join(ids)})` : sql``;
  const after = opts.after
    ? sql`where a.balance < ${opts.after.balance} or (a.balance = ${opts.after.balance} and a.cid > ${opts.after.customerId})`
    : sql``;
  const r = await sql<{
    n: string | number;
    total: string;
    all_up_to_30: string;
    all_from_31_to_60: string;
    all_from_61_to_90: string;
    all_over_90: string;
    customer_id: string | null;
    name: string;
    phone: string | null;
    balance: string;
    last_charge_at: Date | null;
    last_payment_at: Date | null;
    oldest_unpaid_at: Date | null;
    up_to_30: string;
    from_31_to_60: string;
    from_61_to_90: string;
    over_90: string;
  }>`
    with charges as (
      -- purchases on account, and debts carried over from before (opening movements)
      select coalesce(c.merged_into, c.id) as cid, s.created_at as at, p.sale_id as ref, p.payment_no, p.amount,
        true as bought
      from sale_payments p
      join sales s on s.tenant_id = p.tenant_id and s.id = p.sale_id
      join customers c on c.tenant_id = s.tenant_id and c.id = s.customer_id
      where p.tenant_id = ${ctx.tenantId} and p.method = 'on_account' ${whose}
      union all
      select coalesce(c.merged_into, c.id), m.created_at, m.id, 0, m.amount, false
      from account_movements m
      join customers c on c.tenant_id = m.tenant_id and c.id = m.customer_id
      where m.tenant_id = ${ctx.tenantId} and m.kind = 'opening' ${whose}
    ), credits as (
      select coalesce(c.merged_into, c.id) as cid, sum(m.amount) as amount,
        max(m.created_at) filter (where m.kind = 'payment') as last_at
      from account_movements m
      join customers c on c.tenant_id = m.tenant_id and c.id = m.customer_id
      where m.tenant_id = ${ctx.tenantId} and m.kind in ('payment', 'return') ${whose}
      group by 1
    ), owed as (
      select ch.cid, sum(ch.amount) - coalesce(max(cr.amount), 0) as balance,
        max(ch.at) filter (where ch.bought) as last_charge_at, max(cr.last_at) as last_payment_at
      from charges ch
      left join credits cr on cr.cid = ch.cid
      group by ch.cid
      having sum(ch.amount) - coalesce(max(cr.amount), 0) > 0
    ), unpaid as (
      -- newest first: what a charge still owes is the balance left after the newer ones
      select ch.cid, ch.at, least(ch.amount, greatest(0, o.balance - (sum(ch.amount) over (
          partition by ch.cid order by ch.at desc, ch.ref desc, ch.payment_no desc) - ch.amount))) as part
      from charges ch
      join owed o on o.cid = ch.cid
    ), aged as (
      select o.cid, o.balance, o.last_charge_at, o.last_payment_at,
        min(u.at) filter (where u.part > 0) as oldest_unpaid_at,
        coalesce(sum(u.part) filter (where u.at >= ${ago(30)}), 0) as up_to_30,
        coalesce(sum(u.part) filter (where u.at < ${ago(30)} and u.at >= ${ago(60)}), 0) as from_31_to_60,
        coalesce(sum(u.part) filter (where u.at < ${ago(60)} and u.at >= ${ago(90)}), 0) as from_61_to_90,
        coalesce(sum(u.part) filter (where u.at < ${ago(90)}), 0) as over_90
      from owed o
      join unpaid u on u.cid = o.cid
      group by o.cid, o.balance, o.last_charge_at, o.last_payment_at
    ), totals as (
      select count(*) as n, coalesce(sum(balance), 0)::text as total,
        coalesce(sum(up_to_30), 0)::text as all_up_to_30,
        coalesce(sum(from_31_to_60), 0)::text as all_from_31_to_60,
        coalesce(sum(from_61_to_90), 0)::text as all_from_61_to_90,
        coalesce(sum(over_90), 0)::text as all_over_90
      from aged
    )
    -- one row of totals even when the page is empty
    select t.*, p.* from totals t
    left join lateral (
      select a.cid as customer_id, cu.name, cu.phone, a.balance::text as balance,
        a.last_charge_at, a.last_payment_at, a.oldest_unpaid_at,
        a.up_to_30::text as up_to_30, a.from_31_to_60::text as from_31_to_60,
        a.from_61_to_90::text as from_61_to_90, a.over_90::text as over_90
      from aged a
      join customers cu on cu.tenant_id = ${ctx.tenantId} and cu.id = a.cid
      ${after}
      order by a.balance desc, a.cid
      limit ${opts.limit}
    ) p on true`.execute(ctx.db);
  const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);
  const money = (v: string) => new D(v).toFixed(2);
  const first = r.rows[0]!;
  return {
    count: Number(first.n),
    total: money(first.total),
    aging: {
      upTo30: money(first.all_up_to_30),
      from31To60: money(first.all_from_31_to_60),
      from61To90: money(first.all_from_61_to_90),
      over90: money(first.all_over_90),
    },
    items: r.rows
      .filter((x) => x.customer_id !== null)
      .map((x) => ({
        customerId: x.customer_id!,
        name: x.name,
        phone: x.phone,
        balance: money(x.balance),
        lastChargeAt: iso(x.last_charge_at),
        lastPaymentAt: iso(x.last_payment_at),
        oldestUnpaidAt: iso(x.oldest_unpaid_at),
        aging: {
          upTo30: money(x.up_to_30),
          from31To60: money(x.from_31_to_60),
          from61To90: money(x.from_61_to_90),
          over90: money(x.over_90),
        },
      })),
  };
}

function zeroAging(): Aging {
  return { upTo30: '0.00', from31To60: '0.00', from61To90: '0.00', over90: '0.00' };
}

/**
 * Cuentas por cobrar: who owes on account, largest debt first, a page at a time (`limit`, then
 * `after` the last one), or only the given customers; `count`, `total` and `aging` are of
 * everyone who owes. `next` is where the following page starts (null on the last one).
 */
export async function listReceivables(
  ctx: Ctx,
  opts: { limit?: number; after?: ReceivablesPosition; customerIds?: string[] } = {},
): Promise<Receivables & { next: ReceivablesPosition | null }> {
  const limit = opts.limit ?? 100;
  const r = await agedDebts(ctx, { ...opts, limit: limit + 1 });
  const items = r.items.slice(0, limit);
  const last = items.at(-1);
  return {
    ...r,
    items,
    next: r.items.length > limit && last ? { balance: last.balance, customerId: last.customerId } : null,
  };
}
