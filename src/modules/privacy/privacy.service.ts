import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { z } from 'zod';
import { forgetStoredAnswersMentioning } from '../../http/idempotency.js';
import { addBusinessDays } from '../../shared/business-days.js';
import { type Ctx, type Executor, systemCtx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { D } from '../../shared/money.js';
import { businessDate } from '../../shared/time.js';
import {
  customerContacts,
  customersUntouchedSince,
  eraseCustomerData,
  getCustomer,
  listConsents,
  profilesMergedInto,
  recordConsent,
  resolveCustomer,
} from '../customers/customers.service.js';
import { accountBalance } from '../accounts/accounts.service.js';
import { recordAudit, scrubCustomerPhoneFromEvents } from '../events/events.service.js';
import { getBusiness, listLocations } from '../identity/identity.service.js';
import { businessTimezone } from '../identity/timezone.js';
import { invoicesByIds, lastInvoiceAt } from '../invoicing/invoicing.service.js';
import type { Invoice } from '../invoicing/invoicing.service.js';
import {
  forgetOrderContacts,
  lastOrderActivityAt,
  openOrderNumbersOfCustomers,
} from '../orders/orders.by-customer.js';
import { getOrdersOfCustomers } from '../orders/orders.service.js';
import {
  forgetReturnNotesOfCustomers,
  lastReturnAt,
  listReturnsOfCustomers,
} from '../returns/returns.service.js';
import {
  countSalesOfCustomers,
  forgetSaleNotesOfCustomers,
  getSalesOfCustomers,
  lastSaleAt,
  storeCreditBalance,
} from '../sales/sales.service.js';
import { defaultPrivacyNotice } from './notice.js';
import { PrivacyErrors as E } from './privacy.errors.js';
import type {
  zErasure,
  zEraseInput,
  zPersonalData,
  zPrivacyRequest,
  zPrivacyRequestInput,
  zPrivacyRequestList,
  zResolvePrivacyRequestInput,
} from './privacy.schemas.js';
import type { PrivacyRequestsTable } from './privacy.tables.js';

export type PrivacyRequest = z.infer<typeof zPrivacyRequest>;
export type RecordPrivacyRequestInput = z.infer<typeof zPrivacyRequestInput>;
export type ResolvePrivacyRequestInput = z.infer<typeof zResolvePrivacyRequestInput>;
export type PersonalData = z.infer<typeof zPersonalData>;
export type EraseCustomerInput = z.infer<typeof zEraseInput>;
export type Erasure = z.infer<typeof zErasure>;

/** Business days the LFPDPPP gives the responsable to answer an ARCO request. */
export const ARCO_ANSWER_BUSINESS_DAYS = 20;

type Row = Selectable<PrivacyRequestsTable>;

async function toRequests(ctx: Ctx, rows: Row[]): Promise<PrivacyRequest[]> {
  const today = businessDate(ctx.now, await businessTimezone(ctx));
  const contacts = await customerContacts(
    ctx,
    rows.map((r) => r.customer_id),
  );
  return rows.map((r) => {
    const c = contacts.get(r.customer_id);
    // a date column: both drivers give midnight UTC of that date
    const dueOn = typeof r.due_on === 'string' ? r.due_on : (r.due_on as Date).toISOString().slice(0, 10);
    return {
      id: r.id,
      customerId: r.customer_id,
      customer: { name: c?.name ?? '', phone: c?.phone ?? null, email: c?.email ?? null },
      kind: r.kind,
      channel: r.channel,
      details: r.details,
      status: r.status,
      receivedAt: r.received_at.toISOString(),
      dueOn,
      overdue: r.status === 'open' && dueOn < today,
      resolution: r.resolution,
      resolvedBy: r.resolved_by,
      resolvedAt: r.resolved_at ? r.resolved_at.toISOString() : null,
    };
  });
}

async function loadRequest(ctx: Ctx, requestId: string, lock = false): Promise<Row> {
  let q = ctx.db
    .selectFrom('privacy_requests')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', requestId);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) throw new AppError(E.PRIVACY_REQUEST_NOT_FOUND, { requestId });
  return r;
}

async function getRequest(ctx: Ctx, requestId: string): Promise<PrivacyRequest> {
  return (await toRequests(ctx, [await loadRequest(ctx, requestId)]))[0]!;
}

/**
 * Records an ARCO request (access, rectification, cancellation, opposition) of a customer, with
 * the date it was received and the last day to answer it: 20 business days later in the
 * business's calendar (weekends and the LFT's rest days skipped). A merged profile's request goes
 * to the profile it was merged into. Errors: CUSTOMER_NOT_FOUND, PRIVACY_RECEIVED_IN_FUTURE.
 */
export async function recordPrivacyRequest(
  ctx: Ctx,
  input: RecordPrivacyRequestInput,
): Promise<PrivacyRequest> {
  const customer = await resolveCustomer(ctx, input.customerId);
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : ctx.now;
  if (receivedAt.getTime() > ctx.now.getTime() + 60_000) {
    throw new AppError(E.PRIVACY_RECEIVED_IN_FUTURE, { receivedAt: input.receivedAt });
  }
  const received = businessDate(receivedAt, await businessTimezone(ctx));
  const id = newId('prq');
  await ctx.db
    .insertInto('privacy_requests')
    .values({
      tenant_id: ctx.tenantId,
      id,
      customer_id: customer.id,
      kind: input.kind,
      channel: input.channel,
      details: input.details || null,
      received_at: receivedAt,
      due_on: addBusinessDays(received, ARCO_ANSWER_BUSINESS_DAYS),
      created_by: ctx.userId,
    })
    .execute();
  await recordAudit(ctx, {
    action: 'privacy_request.recorded',
    entityType: 'customer',
    entityId: customer.id,
    data: { requestId: id, kind: input.kind, channel: input.channel },
  });
  return getRequest(ctx, id);
}

/**
 * ARCO requests: open ones first by due date, then the rest newest first; with how many are
 * open and how many of those are past their due date.
 */
export async function listPrivacyRequests(
  ctx: Ctx,
  input: { status?: 'open' | 'done' | 'refused'; customerId?: string; limit: number },
): Promise<z.infer<typeof zPrivacyRequestList>> {
  let q = ctx.db.selectFrom('privacy_requests').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (input.status) q = q.where('status', '=', input.status);
  if (input.customerId) q = q.where('customer_id', '=', input.customerId);
  const rows = await q
    .orderBy((eb) => eb.case().when('status', '=', 'open').then(0).else(1).end())
    .orderBy((eb) => eb.case().when('status', '=', 'open').then(eb.ref('due_on')).end())
    .orderBy('id', 'desc')
    .limit(input.limit)
    .execute();
  const today = businessDate(ctx.now, await businessTimezone(ctx));
  const counts = await ctx.db
    .selectFrom('privacy_requests')
    .select((eb) => [
      eb.fn.countAll<string>().as('open'),
      eb.fn.count<string>(eb.case().when('due_on', '<', today).then(1).end()).as('overdue'),
    ])
    .where('tenant_id', '=', ctx.tenantId)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return {
    items: await toRequests(ctx, rows),
    openCount: Number(counts.open),
    overdueCount: Number(counts.overdue),
  };
}

async function closeRequest(
  ctx: Ctx,
  row: Row,
  status: 'done' | 'refused',
  resolution: string | null,
): Promise<void> {
  await ctx.db
    .updateTable('privacy_requests')
    .set({ status, resolution, resolved_by: ctx.userId, resolved_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', row.id)
    .execute();
  await recordAudit(ctx, {
    action: 'privacy_request.resolved',
    entityType: 'customer',
    entityId: row.customer_id,
    data: { requestId: row.id, kind: row.kind, status },
  });
}

/**
 * Closes an open ARCO request as answered (`done`) or refused (which needs the reason the person
 * is told). A cancellation is answered by erasing (eraseCustomer with its id), not here, unless
 * the profile is already erased; an opposition answered withdraws the marketing consent. Errors: PRIVACY_REQUEST_NOT_FOUND, PRIVACY_REQUEST_RESOLVED,
 * PRIVACY_REFUSAL_REASON_REQUIRED, PRIVACY_ERASE_REQUIRED.
 */
export async function resolvePrivacyRequest(
  ctx: Ctx,
  requestId: string,
  input: ResolvePrivacyRequestInput,
): Promise<PrivacyRequest> {
  const row = await loadRequest(ctx, requestId, true);
  if (row.status !== 'open')
    throw new AppError(E.PRIVACY_REQUEST_RESOLVED, { requestId, status: row.status });
  const resolution = input.resolution || null;
  if (input.status === 'refused' && !resolution) throw new AppError(E.PRIVACY_REFUSAL_REASON_REQUIRED);
  if (input.status === 'done' && row.kind === 'cancellation') {
    const customer = await getCustomer(ctx, row.customer_id);
    if (!customer.erasedAt) throw new AppError(E.PRIVACY_ERASE_REQUIRED, { customerId: row.customer_id });
  }
  if (input.status === 'done' && row.kind === 'opposition') {
    // Marketing is the one use of the data a customer may oppose while still buying here:
    // answering the opposition withdraws that consent, recorded as given through the request.
    const customer = await getCustomer(ctx, row.customer_id);
    if (customer.marketingConsent.granted && !customer.erasedAt && !customer.mergedInto) {
      await recordConsent(ctx, customer.id, {
        granted: false,
        channel: row.channel,
        note: `Oposición ARCO ${row.id}`,
      });
    }
  }
  await closeRequest(ctx, row, input.status, resolution);
  return getRequest(ctx, requestId);
}

async function invoicesOf(ctx: Ctx, customerIds: string[]): Promise<Invoice[]> {
  const rows = await ctx.db
    .selectFrom('invoices')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .orderBy('id', 'desc')
    .execute();
  return invoicesByIds(
    ctx,
    rows.map((r) => r.id),
  );
}

const RETAINED_BY_LAW = [
  'Las ventas, sus importes y las facturas (CFDI) se conservan 5 años aunque el titular pida cancelar sus datos (Código Fiscal de la Federación, art. 30); tras la cancelación quedan sin nombre, teléfono, correo ni notas en el perfil y los pedidos.',
  'El registro de auditoría es de solo anexar: guarda quién cambió datos fiscales y cuándo, con el RFC de entonces, como control de los comprobantes fiscales.',
  'Los respaldos de la base de datos conservan los datos hasta que caducan, unos días después (los que el negocio configure).',
];

/**
 * What the business holds about a person (an ARCO access request): the profile and those merged
 * into it, the consent record, orders, sales, returns, store credit, invoices and ARCO requests,
 * with what the law makes the business keep. The export itself is audited.
 * Errors: CUSTOMER_NOT_FOUND.
 */
export async function exportPersonalData(ctx: Ctx, customerId: string): Promise<PersonalData> {
  const customer = await resolveCustomer(ctx, customerId);
  const mergedIds = await profilesMergedInto(ctx, customer.id);
  const ids = [customer.id, ...mergedIds];
  const mergedProfiles = await Promise.all(mergedIds.map((id) => getCustomer(ctx, id)));
  const consents = [];
  for (const id of ids) {
    consents.push(...(await listConsents(ctx, id)).map((c) => ({ ...c, customerId: id })));
  }
  const orders = await getOrdersOfCustomers(ctx, ids);
  const sales = await getSalesOfCustomers(ctx, ids);
  let balance = new D(0);
  for (const id of ids) balance = balance.plus(await storeCreditBalance(ctx, id));
  const requests = await ctx.db
    .selectFrom('privacy_requests')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', ids)
    .orderBy('id')
    .execute();
  const business = await getBusiness(ctx);
  await recordAudit(ctx, {
    action: 'customer.data_exported',
    entityType: 'customer',
    entityId: customer.id,
    data: { mergedIds },
  });
  return {
    generatedAt: ctx.now.toISOString(),
    business: { name: business.name, legalName: business.legalName, rfc: business.rfc },
    customer,
    mergedProfiles,
    consents,
    orders,
    sales,
    returns: await listReturnsOfCustomers(ctx, ids),
    storeCredit: { balance: balance.toFixed(2) },
    invoices: await invoicesOf(ctx, ids),
    privacyRequests: await toRequests(ctx, requests),
    retainedByLaw: RETAINED_BY_LAW,
  };
}

/**
 * Erases a customer's personal data (an ARCO cancellation), for the profile and those merged
 * into it, in one transaction: the profile (name, phone, e-mail, fiscal data, notes, consent
 * notes; marketing revoked), delivery addresses and notes of their orders, notes of their sales
 * and returns, their phone in the outbox's order events (webhooks still to be retried included),
 * and stored Idempotency-Key answers that mention them. Sales, amounts and invoices stay (tax
 * law), pointing at the erased profile. Refused while the person has orders in progress, store
 * credit, or credit invoices with a balance. With `requestId`, that open cancellation request is
 * marked done. Errors: CUSTOMER_NOT_FOUND, CUSTOMER_MERGED, CUSTOMER_ERASED,
 * PRIVACY_ERASE_OPEN_ORDERS, PRIVACY_ERASE_STORE_CREDIT, PRIVACY_ERASE_ACCOUNT_BALANCE,
 * PRIVACY_ERASE_UNPAID_INVOICES,
 * PRIVACY_REQUEST_NOT_FOUND, PRIVACY_REQUEST_MISMATCH.
 */
export async function eraseCustomer(
  ctx: Ctx,
  customerId: string,
  input: EraseCustomerInput,
): Promise<Erasure> {
  const customer = await getCustomer(ctx, customerId);
  const ids = [customer.id, ...(await profilesMergedInto(ctx, customer.id))];
  let request: Row | null = null;
  if (input.requestId) {
    request = await loadRequest(ctx, input.requestId, true);
    if (request.status !== 'open' || request.kind !== 'cancellation' || !ids.includes(request.customer_id)) {
      throw new AppError(E.PRIVACY_REQUEST_MISMATCH, { requestId: input.requestId, customerId });
    }
  }
  if (!customer.mergedInto && !customer.erasedAt) {
    const open = await openOrderNumbersOfCustomers(ctx, ids);
    if (open.length > 0)
      throw new AppError(E.PRIVACY_ERASE_OPEN_ORDERS, { orders: open.map((n) => `#${n}`).join(', ') });
    let balance = new D(0);
    for (const id of ids) balance = balance.plus(await storeCreditBalance(ctx, id));
    if (balance.gt(0)) throw new AppError(E.PRIVACY_ERASE_STORE_CREDIT, { balance: balance.toFixed(2) });
  }
  const invoices = await invoicesOf(ctx, ids);
  const unpaid = invoices.filter(
    (i) =>
      i.status === 'stamped' &&
      i.cancelStatus !== 'cancelled' &&
      i.balance !== null &&
      new D(i.balance).gt(0),
  );
  if (unpaid.length > 0) {
    throw new AppError(E.PRIVACY_ERASE_UNPAID_INVOICES, {
      invoices: unpaid.map((i) => `${i.serie}-${i.folio}`).join(', '),
    });
  }
  if (!customer.mergedInto && !customer.erasedAt) {
    const owed = await accountBalance(ctx, customer.id);
    if (new D(owed).gt(0)) throw new AppError(E.PRIVACY_ERASE_ACCOUNT_BALANCE, { balance: owed });
  }
  // Refuses a merged or already erased profile (CUSTOMER_MERGED, CUSTOMER_ERASED).
  const erased = await eraseCustomerData(ctx, customer.id);
  const ordersCleared = await forgetOrderContacts(ctx, erased);
  const saleNotesCleared = await forgetSaleNotesOfCustomers(ctx, erased);
  const returnNotesCleared = await forgetReturnNotesOfCustomers(ctx, erased);
  const eventsScrubbed = await scrubCustomerPhoneFromEvents(ctx, erased);
  const storedAnswersForgotten = await forgetStoredAnswersMentioning(ctx, erased);
  const sales = await countSalesOfCustomers(ctx, erased);
  const summary = {
    ordersCleared,
    saleNotesCleared,
    returnNotesCleared,
    eventsScrubbed,
    storedAnswersForgotten,
    kept: { sales, invoices: invoices.length },
  };
  await recordAudit(ctx, {
    action: 'privacy.cancellation_applied',
    entityType: 'customer',
    entityId: customer.id,
    data: {
      requestId: request?.id ?? null,
      reason: input.reason || null,
      erasedProfiles: erased,
      ...summary,
    },
  });
  if (request) {
    await closeRequest(ctx, request, 'done', input.reason || 'Datos personales eliminados.');
  }
  return {
    customerId: customer.id,
    erasedProfiles: erased,
    ...summary,
    request: request ? await getRequest(ctx, request.id) : null,
  };
}

/** Loads one request (route helper). */
export async function getPrivacyRequest(ctx: Ctx, requestId: string): Promise<PrivacyRequest> {
  return getRequest(ctx, requestId);
}

/**
 * The business's privacy notice as the public reads it: the owner's text, or the default
 * simplified notice with the business's name, legal name and the first store's address.
 * Errors: BUSINESS_NOT_FOUND.
 */
export async function getPrivacyNotice(
  db: Executor,
  tenantId: string,
): Promise<{ business: string; text: string; custom: boolean }> {
  const exists = await db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst();
  if (!exists) throw new AppError(E.BUSINESS_NOT_FOUND, { businessId: tenantId });
  const ctx = systemCtx(db, tenantId);
  const business = await getBusiness(ctx);
  if (business.privacyNotice) return { business: business.name, text: business.privacyNotice, custom: true };
  const store = (await listLocations(ctx)).find((l) => l.active && l.kind === 'store' && l.address);
  return {
    business: business.name,
    text: defaultPrivacyNotice({ ...business, address: store?.address ?? null }),
    custom: false,
  };
}

/**
 * When anything last happened with these customers: their record, sales, orders, returns,
 * invoices, payments on their account, ARCO requests.
 */
async function lastActivityAt(ctx: Ctx, customerId: string): Promise<Date> {
  const customer = await getCustomer(ctx, customerId);
  const ids = [customerId, ...(await profilesMergedInto(ctx, customerId))];
  const [req, account] = await Promise.all([
    ctx.db
      .selectFrom('privacy_requests')
      .select((eb) => eb.fn.max('received_at').as('at'))
      .where('tenant_id', '=', ctx.tenantId)
      .where('customer_id', 'in', ids)
      .executeTakeFirst(),
    // abonos and returns to the account (a debt carried over is dated when it began)
    ctx.db
      .selectFrom('account_movements')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .where('tenant_id', '=', ctx.tenantId)
      .where('customer_id', 'in', ids)
      .executeTakeFirst(),
  ]);
  const dates = [
    new Date(customer.updatedAt),
    account?.at ? new Date(account.at) : null,
    await lastSaleAt(ctx, ids),
    await lastOrderActivityAt(ctx, ids),
    await lastReturnAt(ctx, ids),
    await lastInvoiceAt(ctx, ids),
    req?.at ? new Date(req.at) : null,
  ];
  return new Date(Math.max(...dates.filter((d): d is Date => d !== null).map((d) => d.getTime())));
}

/** Codes that keep a customer's data for now (an open order, store credit, a debt): retried next run. */
const RETENTION_WAITS = new Set<string>([
  E.PRIVACY_ERASE_OPEN_ORDERS,
  E.PRIVACY_ERASE_STORE_CREDIT,
  E.PRIVACY_ERASE_ACCOUNT_BALANCE,
  E.PRIVACY_ERASE_UNPAID_INVOICES,
]);

/**
 * The retention policy of one business: erases the personal data of customers with no activity
 * (record, sales, orders, returns, invoices, ARCO requests) for `years`, each in its own
 * transaction, as eraseCustomer does (audited with the policy as the reason). Customers with an
 * order in progress, store credit or a debt are left for a later run. Returns how many were
 * erased and how many are waiting.
 */
export async function applyCustomerRetention(
  db: Kysely<DB>,
  input: { tenantId: string; years: number; now: Date },
): Promise<{ erased: number; waiting: number }> {
  const cutoff = new Date(input.now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - input.years);
  const reason = `Política de conservación: ${input.years} ${input.years === 1 ? 'año' : 'años'} sin actividad.`;
  let erased = 0;
  let waiting = 0;
  let after: string | undefined;
  for (;;) {
    const ctx = systemCtx(db, input.tenantId, input.now);
    const ids = await customersUntouchedSince(ctx, { before: cutoff, after, limit: 200 });
    if (ids.length === 0) return { erased, waiting };
    after = ids.at(-1);
    for (const id of ids) {
      try {
        const done = await db.transaction().execute(async (trx) => {
          const tx = systemCtx(trx, input.tenantId, input.now);
          if ((await lastActivityAt(tx, id)).getTime() >= cutoff.getTime()) return false;
          await eraseCustomer(tx, id, { reason });
          return true;
        });
        if (done) erased++;
      } catch (err) {
        if (err instanceof AppError && RETENTION_WAITS.has(err.code)) waiting++;
        // another app process erased or merged it meanwhile
        else if (!(err instanceof AppError && ['CUSTOMER_ERASED', 'CUSTOMER_MERGED'].includes(err.code)))
          throw err;
      }
    }
  }
}
