/**
 * Issuing CFDIs: invoices from tickets, the global invoice, credit notes from returns, Pagos
 * 2.0 complements, cancellation requests, and the control report. Each operation seals the
 * XML and writes the invoice, its tickets, the sealed document and a PAC job in the caller's
 * transaction; stamping happens later, outside it (stamping.ts).
 */
import { settleAccountFromInvoicePayment } from '../accounts/accounts.service.js';
import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { json } from '../../db/types.js';
import type { DB } from '../../db/schema.js';
import { type Ctx, inTransaction, systemCtx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { D, type Dec } from '../../shared/money.js';
import { businessDayRange } from '../../shared/time.js';
import { getCustomer } from '../customers/customers.service.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { businessTimezone } from '../identity/timezone.js';
import { getReturn, type Return, returnIdsOfSales } from '../returns/returns.service.js';
import { getSale, lockSaleLines, type Sale } from '../sales/sales.service.js';
import {
  type CfdiInput,
  type ConceptoInput,
  fechaCfdi,
  type ReceptorInput,
  sealCfdi,
  summarize,
  computeConcepto,
} from './cfdi/index.js';
import { allocateFolio, type Issuer, loadIssuer } from './fiscal.service.js';
import {
  conceptoFor,
  conceptosFromSales,
  fitTotal,
  formaPagoOfPayment,
  globalConceptos,
  globalReturnConceptos,
  keptLines,
  paymentTermsOf,
  refundedBase,
  withRetenciones,
} from './from-sales.js';
import { globalPeriod, type Periodicidad } from './global-period.js';
import { InvoicingErrors as E } from './invoicing.errors.js';
import type { CancelStatus, InvoiceKind, InvoicesTable, InvoiceSummary } from './invoicing.tables.js';
import type { CancelMotivo } from './pac/pac.js';
import type { Selectable } from 'kysely';

export interface Invoice {
  id: string;
  kind: InvoiceKind;
  tipoComprobante: 'I' | 'E' | 'P';
  serie: string;
  folio: string;
  /** pending (sealed, waiting for the PAC), stamped, rejected (the PAC refused it). */
  status: 'pending' | 'stamped' | 'rejected';
  cancelStatus: 'requested' | 'in_process' | 'cancelled' | 'rejected' | null;
  cancelMotivo: string | null;
  uuid: string | null;
  locationId: string | null;
  customerId: string | null;
  receptor: { rfc: string; nombre: string };
  fecha: string;
  subtotal: string;
  descuento: string | null;
  total: string;
  metodoPago: string | null;
  formaPago: string | null;
  saleIds: string[];
  relatedInvoiceId: string | null;
  tipoRelacion: string | null;
  returnId: string | null;
  pacError: Record<string, unknown> | null;
  selfInvoiced: boolean;
  stampedAt: string | null;
  createdAt: string;
  /** For PPD invoices: what is still owed. */
  balance: string | null;
}

function toInvoice(r: Selectable<InvoicesTable>, saleIds: string[], balance: string | null): Invoice {
  return {
    id: r.id,
    kind: r.kind,
    tipoComprobante: r.tipo_comprobante,
    serie: r.serie,
    folio: String(r.folio),
    status: r.status,
    cancelStatus: r.cancel_status,
    cancelMotivo: r.cancel_motivo,
    uuid: r.uuid,
    locationId: r.location_id,
    customerId: r.customer_id,
    receptor: { rfc: r.receptor_rfc, nombre: r.receptor_nombre },
    fecha: r.fecha,
    subtotal: new D(r.subtotal).toFixed(2),
    descuento: r.descuento === null ? null : new D(r.descuento).toFixed(2),
    total: new D(r.total).toFixed(2),
    metodoPago: r.metodo_pago,
    formaPago: r.forma_pago,
    saleIds,
    relatedInvoiceId: r.related_invoice_id,
    tipoRelacion: r.tipo_relacion,
    returnId: r.return_id,
    pacError: r.pac_error,
    selfInvoiced: r.self_invoiced,
    stampedAt: r.stamped_at ? r.stamped_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
    balance,
  };
}

async function invoiceRow(ctx: Ctx, invoiceId: string) {
  const r = await ctx.db
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', invoiceId)
    .executeTakeFirst();
  if (!r) throw new AppError(E.INVOICE_NOT_FOUND, { invoiceId });
  return r;
}

/**
 * Invoices with what is still to be paid on each (as a credit, PPD, invoice): its Total less the
 * payments recorded on it, less its credit notes (a return on it, TipoRelacion 01 or 03) that were
 * not refused or cancelled, and less what abonos meant for it whose CFDI de pago is still to be
 * issued; `payments` is how many it has (the next NumParcialidad is payments + 1). One statement:
 * callers add their own conditions on `i`.
 */
function invoicesWithOutstanding(ctx: Ctx) {
  return ctx.db.selectFrom('invoices as i').select([
    'i.id',
    'i.serie',
    'i.folio',
    'i.total',
    sql<string>`(select count(*) from invoice_payments p
      where p.tenant_id = i.tenant_id and p.invoice_id = i.id)`.as('payments'),
    sql<string>`i.total
      - coalesce((select sum(p.amount) from invoice_payments p
          where p.tenant_id = i.tenant_id and p.invoice_id = i.id), 0)
      - coalesce((select sum(e.total) from invoices e
          where e.tenant_id = i.tenant_id and e.related_invoice_id = i.id and e.kind = 'egreso'
            and e.status <> 'rejected' and (e.cancel_status is null or e.cancel_status <> 'cancelled')), 0)
      - coalesce((select sum(w.amount) from abono_pending_pagos w
          where w.tenant_id = i.tenant_id and w.invoice_id = i.id), 0)`.as('outstanding'),
  ]);
}

/** What is still to be paid on one invoice (`invoicesWithOutstanding`), never below zero. */
async function outstanding(ctx: Ctx, invoiceId: string): Promise<{ balance: Dec; n: number }> {
  const r = await invoicesWithOutstanding(ctx)
    .where('i.tenant_id', '=', ctx.tenantId)
    .where('i.id', '=', invoiceId)
    .executeTakeFirstOrThrow();
  return { balance: D.max(0, r.outstanding), n: Number(r.payments) };
}

async function balanceOf(ctx: Ctx, r: Selectable<InvoicesTable>): Promise<string | null> {
  if (r.metodo_pago !== 'PPD') return null;
  return (await outstanding(ctx, r.id)).balance.toFixed(2);
}

/** One invoice with its tickets. Errors: INVOICE_NOT_FOUND. */
export async function getInvoice(ctx: Ctx, invoiceId: string): Promise<Invoice> {
  const r = await invoiceRow(ctx, invoiceId);
  const sales = await ctx.db
    .selectFrom('invoice_sales')
    .select('sale_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_id', '=', invoiceId)
    .orderBy('sale_id')
    .execute();
  return toInvoice(
    r,
    sales.map((s) => s.sale_id),
    await balanceOf(ctx, r),
  );
}

export interface ListInvoicesInput {
  status?: Invoice['status'];
  kind?: InvoiceKind;
  customerId?: string;
  saleId?: string;
  /** Issued on or after this business date (YYYY-MM-DD, the business's time zone). */
  from?: string;
  /** Issued on or before this business date. */
  to?: string;
  /** `none`: never asked to be cancelled. */
  cancellationStatus?: CancelStatus | 'none';
  /** Documents related to this invoice: its credit notes and payment complements. */
  relatedTo?: string;
  limit: number;
  after?: string;
}

/**
 * Invoices newest first (the id is the cursor), filtered by status, kind, customer, sale,
 * business dates of issue, cancellation status, or the invoice they relate to.
 */
export async function listInvoices(
  ctx: Ctx,
  input: ListInvoicesInput,
): Promise<{ items: Invoice[]; last: string | null }> {
  let q = ctx.db.selectFrom('invoices').select('id').where('tenant_id', '=', ctx.tenantId);
  if (input.status) q = q.where('status', '=', input.status);
  if (input.kind) q = q.where('kind', '=', input.kind);
  if (input.customerId) q = q.where('customer_id', '=', input.customerId);
  if (input.relatedTo) q = q.where('related_invoice_id', '=', input.relatedTo);
  if (input.cancellationStatus === 'none') q = q.where('cancel_status', 'is', null);
  else if (input.cancellationStatus) q = q.where('cancel_status', '=', input.cancellationStatus);
  if (input.from || input.to) {
    const tz = await businessTimezone(ctx);
    const [start, end] = businessDayRange(input.from ?? '2000-01-01', input.to ?? '2999-12-31', tz);
    q = q.where('created_at', '>=', start).where('created_at', '<', end);
  }
  if (input.saleId) {
    const saleId = input.saleId;
    q = q.where('id', 'in', (eb) =>
      eb
        .selectFrom('invoice_sales')
        .select('invoice_id')
        .where('tenant_id', '=', ctx.tenantId)
        .where('sale_id', '=', saleId),
    );
  }
  if (input.after) q = q.where('id', '<', input.after);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const more = rows.length > input.limit;
  const items = await invoicesByIds(
    ctx,
    rows.slice(0, input.limit).map((r) => r.id),
  );
  return { items, last: more ? items[items.length - 1]!.id : null };
}

/**
 * Several invoices as `getInvoice` answers each, in the order of `ids` (unknown ids left out):
 * two statements whatever their number, their balances computed by the database.
 */
export async function invoicesByIds(ctx: Ctx, ids: string[]): Promise<Invoice[]> {
  if (ids.length === 0) return [];
  const [rows, sales] = await Promise.all([
    invoicesWithOutstanding(ctx)
      .selectAll('i')
      .where('i.tenant_id', '=', ctx.tenantId)
      .where('i.id', 'in', ids)
      .execute(),
    ctx.db
      .selectFrom('invoice_sales')
      .select(['invoice_id', 'sale_id'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('invoice_id', 'in', ids)
      .orderBy('sale_id')
      .execute(),
  ]);
  const saleIds = new Map<string, string[]>();
  for (const s of sales) {
    const list = saleIds.get(s.invoice_id);
    if (list) list.push(s.sale_id);
    else saleIds.set(s.invoice_id, [s.sale_id]);
  }
  const byId = new Map(
    rows.map((r) => [
      r.id,
      toInvoice(
        r,
        saleIds.get(r.id) ?? [],
        r.metodo_pago === 'PPD' ? D.max(0, r.outstanding).toFixed(2) : null,
      ),
    ]),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The XML as issued: the stamped one when there is one, else the sealed one. */
export async function getInvoiceXml(ctx: Ctx, invoiceId: string): Promise<{ xml: string; stamped: boolean }> {
  await invoiceRow(ctx, invoiceId);
  const docs = await ctx.db
    .selectFrom('invoice_documents')
    .select(['kind', 'content'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_id', '=', invoiceId)
    .where('kind', 'in', ['sealed', 'stamped'])
    .execute();
  const stamped = docs.find((d) => d.kind === 'stamped');
  const doc = stamped ?? docs.find((d) => d.kind === 'sealed');
  if (!doc) throw new AppError(E.INVOICE_NOT_FOUND, { invoiceId });
  return { xml: doc.content, stamped: !!stamped };
}

/** Every document kept for an invoice (sealed, stamped, acuses), oldest first. */
export async function listInvoiceDocuments(ctx: Ctx, invoiceId: string) {
  await invoiceRow(ctx, invoiceId);
  const rows = await ctx.db
    .selectFrom('invoice_documents')
    .select(['id', 'kind', 'content', 'created_at'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_id', '=', invoiceId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    content: r.content,
    createdAt: r.created_at.toISOString(),
  }));
}

interface IssueInput {
  kind: InvoiceKind;
  locationId: string | null;
  customerId: string | null;
  /** The CFDI without serie, folio, fecha, lugar and emisor (filled here). */
  cfdi: Omit<CfdiInput, 'serie' | 'folio' | 'fecha' | 'lugarExpedicion' | 'emisor'>;
  saleIds: string[];
  summary: InvoiceSummary;
  relatedInvoiceId?: string;
  returnId?: string;
  selfInvoiced?: boolean;
  issuer?: Issuer;
}

/** Seal and store one CFDI with its PAC job; the caller's transaction commits it all. */
async function issue(ctx: Ctx, input: IssueInput): Promise<Invoice> {
  const issuer = input.issuer ?? (await loadIssuer(ctx, input.locationId));
  const tipo = input.cfdi.tipoDeComprobante;
  for (const saleId of input.saleIds) await assertNotDocumented(ctx, saleId);
  const { serie, folio } = await allocateFolio(ctx, tipo);
  const fecha = fechaCfdi(ctx.now, issuer.timeZone);
  const sealed = sealCfdi(
    { ...input.cfdi, serie, folio, fecha, lugarExpedicion: issuer.lugarExpedicion, emisor: issuer.emisor },
    issuer.csd,
    issuer.timeZone,
  );
  const id = newId('inv');
  const rel = input.cfdi.cfdiRelacionados?.[0];
  await ctx.db
    .insertInto('invoices')
    .values({
      tenant_id: ctx.tenantId,
      id,
      kind: input.kind,
      tipo_comprobante: tipo,
      serie,
      folio,
      status: 'pending',
      cancel_status: null,
      cancel_motivo: null,
      cancel_replacement_uuid: null,
      location_id: input.locationId,
      customer_id: input.customerId,
      receptor_rfc: input.cfdi.receptor.rfc,
      receptor_nombre: input.cfdi.receptor.nombre,
      fecha,
      subtotal: sealed.subTotal,
      descuento: sealed.descuento ?? null,
      total: tipo === 'P' ? (input.cfdi.pagos?.[0]?.monto ?? '0') : sealed.total,
      metodo_pago: input.cfdi.metodoPago ?? null,
      forma_pago: input.cfdi.formaPago ?? null,
      uuid: null,
      stamped_at: null,
      summary: json(input.summary),
      related_invoice_id: input.relatedInvoiceId ?? null,
      tipo_relacion: rel?.tipoRelacion ?? null,
      return_id: input.returnId ?? null,
      pac_error: null,
      access_secret: randomBytes(24).toString('base64url'),
      self_invoiced: input.selfInvoiced ?? false,
      created_by: ctx.userId,
      created_at: ctx.now,
    })
    .execute();
  if (input.saleIds.length) {
    await ctx.db
      .insertInto('invoice_sales')
      .values(
        input.saleIds.map((s) => ({
          tenant_id: ctx.tenantId,
          invoice_id: id,
          sale_id: s,
          released_at: null,
        })),
      )
      .execute();
  }
  await ctx.db
    .insertInto('invoice_documents')
    .values({
      tenant_id: ctx.tenantId,
      invoice_id: id,
      kind: 'sealed',
      content: sealed.xml,
      created_at: ctx.now,
    })
    .execute();
  await ctx.db
    .insertInto('pac_jobs')
    .values({
      tenant_id: ctx.tenantId,
      invoice_id: id,
      kind: 'stamp',
      status: 'pending',
      next_attempt_at: ctx.now,
      locked_until: null,
      last_error: null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .execute();
  const data = {
    kind: input.kind,
    serie,
    folio,
    total: sealed.total,
    receptorRfc: input.cfdi.receptor.rfc,
    saleIds: input.saleIds,
  };
  await recordEvent(ctx, 'invoice.issued', { invoiceId: id, ...data });
  await recordAudit(ctx, { action: 'invoice.issued', entityType: 'invoice', entityId: id, data });
  return getInvoice(ctx, id);
}

async function assertNotDocumented(ctx: Ctx, saleId: string): Promise<void> {
  const live = await ctx.db
    .selectFrom('invoice_sales')
    .select('invoice_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('sale_id', '=', saleId)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  if (live) throw new AppError(E.SALE_ALREADY_INVOICED, { saleId, invoiceId: live.invoice_id });
}

export interface InvoiceSalesInput {
  saleIds: string[];
  /** A customer with fiscal data, or the receptor typed in (self-invoicing, terminal). */
  customerId?: string;
  receptor?: ReceptorInput;
  /** Overrides the customer's usoCfdi. */
  usoCfdi?: string;
  selfInvoiced?: boolean;
}

/**
 * One ingreso CFDI for one or several tickets of the same customer, net of any returns made
 * before (a fully returned line is left out); the CFDI Total equals what was paid minus what
 * was refunded, to the centavo. Errors: SALE_NOT_FOUND, SALE_ALREADY_INVOICED,
 * INVOICE_SALES_CUSTOMER_MISMATCH, INVOICE_SALE_FULLY_RETURNED, CUSTOMER_FISCAL_DATA_INCOMPLETE,
 * FISCAL_PROFILE_REQUIRED, CSD_REQUIRED, EXPEDITION_POSTAL_CODE_REQUIRED, every CFDI_* code.
 */
export async function invoiceSales(ctx: Ctx, input: InvoiceSalesInput): Promise<Invoice> {
  const ids = [...new Set(input.saleIds)].sort();
  // A return being recorded on these tickets finishes first (or waits for this invoice): the
  // lines read below and the returns listed in the summary agree.
  await lockSaleLines(ctx, { saleIds: ids });
  const sales: Sale[] = [];
  for (const id of ids) sales.push(await getSale(ctx, id));
  const customers = new Set(sales.map((s) => s.customerId).filter((c): c is string => !!c));
  const customerId = input.customerId ?? (customers.size === 1 ? [...customers][0]! : null);
  if (customers.size > 1 || (input.customerId && [...customers].some((c) => c !== input.customerId)))
    throw new AppError(E.INVOICE_SALES_CUSTOMER_MISMATCH);
  for (const s of sales) {
    // Returned before invoicing: the CFDI carries what the customer kept (conceptosFromSales).
    if (!keptLines(s).length)
      throw new AppError(E.INVOICE_SALE_FULLY_RETURNED, { saleId: s.id, ticketNumber: s.ticketNumber });
  }
  let receptor = input.receptor;
  if (!receptor) {
    if (!customerId) throw new AppError(E.CUSTOMER_FISCAL_DATA_INCOMPLETE, { missing: 'cliente' });
    const c = await getCustomer(ctx, customerId);
    const missing = [
      !c.rfc && 'RFC',
      !c.razonSocial && 'razón social',
      !c.regimenFiscal && 'régimen fiscal',
      !c.codigoPostal && 'código postal',
      !(input.usoCfdi ?? c.usoCfdi) && 'uso CFDI',
    ].filter(Boolean);
    if (missing.length)
      throw new AppError(E.CUSTOMER_FISCAL_DATA_INCOMPLETE, { missing: missing.join(', ') });
    receptor = {
      rfc: c.rfc!,
      nombre: c.razonSocial!,
      domicilioFiscalReceptor: c.codigoPostal!,
      regimenFiscalReceptor: c.regimenFiscal!,
      usoCfdi: (input.usoCfdi ?? c.usoCfdi)!,
    };
  } else if (input.usoCfdi) receptor = { ...receptor, usoCfdi: input.usoCfdi };
  const issuer = await loadIssuer(ctx, sales[0]!.locationId);
  // Fitted to what was paid, then the retentions the emisor's and the receptor's régimen call
  // for: they lower the CFDI Total below the ticket by what the customer withholds for SAT.
  const conceptos = withRetenciones(conceptosFromSales(sales), issuer.emisor, receptor);
  const terms = paymentTermsOf(sales);
  const lines = conceptos.map(computeConcepto);
  const amounts = summarize(lines);
  const retenciones = retencionesOf(lines);
  // What came back before this invoice is already left out of it: never a credit note for it.
  const returnIds = await returnIdsOfSales(ctx, { saleIds: ids });
  return issue(ctx, {
    kind: 'ingreso',
    locationId: sales[0]!.locationId,
    customerId,
    saleIds: ids,
    selfInvoiced: input.selfInvoiced,
    issuer,
    cfdi: { tipoDeComprobante: 'I', receptor, ...terms, conceptos },
    summary: {
      receptor,
      saleIds: ids,
      ...(returnIds.length ? { returnIds } : {}),
      objetoImp: amounts.traslados.length || amounts.retenciones.length ? '02' : '01',
      traslados: amounts.traslados.map((t) => ({
        impuesto: t.impuesto as 'IVA' | 'IEPS',
        tipoFactor: t.tipoFactor,
        ...(t.tasaOCuota ? { tasaOCuota: t.tasaOCuota } : {}),
        base: t.base,
      })),
      ...(retenciones.length ? { retenciones } : {}),
    },
  });
}

/** Retentions of an invoice by impuesto and rate, with their base (for Pagos 2.0), centavos. */
function retencionesOf(
  lines: ReturnType<typeof computeConcepto>[],
): NonNullable<InvoiceSummary['retenciones']> {
  const by = new Map<string, { impuesto: 'ISR' | 'IVA'; tasaOCuota: string; base: InstanceType<typeof D> }>();
  for (const l of lines) {
    for (const r of l.retenciones) {
      const key = `${r.impuesto}|${r.tasaOCuota}`;
      const g = by.get(key) ?? {
        impuesto: r.impuesto as 'ISR' | 'IVA',
        tasaOCuota: r.tasaOCuota!,
        base: new D(0),
      };
      g.base = g.base.plus(r.base);
      by.set(key, g);
    }
  }
  return [...by.values()].map((g) => ({
    impuesto: g.impuesto,
    tipoFactor: 'Tasa' as const,
    tasaOCuota: g.tasaOCuota,
    base: g.base.toFixed(2),
  }));
}

/**
 * Completed sales of a location in [from, to] not in any live invoice, with what was refunded
 * on them; a ticket returned in full has nothing left to document and is not listed. The
 * refund per line is the returns' own formula (sales `markLinesReturned`).
 */
async function undocumentedSaleIds(
  ctx: Ctx,
  locationId: string | null,
  from: string,
  to: string,
  tz: string,
) {
  const [start, end] = businessDayRange(from, to, tz);
  let q = ctx.db
    .selectFrom('sales as s')
    .select(['s.id', 's.channel', 's.location_id', 's.total', 's.created_at', 's.ticket_number'])
    .select(
      sql<string>`coalesce((select sum(round(l.total * l.returned_quantity / l.quantity, 2))
        from sale_lines l where l.tenant_id = s.tenant_id and l.sale_id = s.id), 0)::text`.as('refunded'),
    )
    .where('s.tenant_id', '=', ctx.tenantId)
    .where('s.status', '=', 'completed')
    .where('s.created_at', '>=', start)
    .where('s.created_at', '<', end)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('sale_lines as l')
          .select(sql`1`.as('x'))
          .whereRef('l.tenant_id', '=', 's.tenant_id')
          .whereRef('l.sale_id', '=', 's.id')
          .whereRef('l.returned_quantity', '<', 'l.quantity'),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('invoice_sales as i')
            .select(sql`1`.as('x'))
            .whereRef('i.tenant_id', '=', 's.tenant_id')
            .whereRef('i.sale_id', '=', 's.id')
            .where('i.released_at', 'is', null),
        ),
      ),
    );
  if (locationId) q = q.where('s.location_id', '=', locationId);
  return q.orderBy('s.created_at').orderBy('s.id').execute();
}

/**
 * The factura global to público en general for a location's tickets nobody invoiced in the
 * period (day, week, fortnight, month, two months) that contains `date`; on-account tickets
 * stay out (they need their customer's PPD invoice). Errors: GLOBAL_NOTHING_TO_INVOICE,
 * CFDI_GLOBAL_* codes, FISCAL_PROFILE_REQUIRED, CSD_REQUIRED, EXPEDITION_POSTAL_CODE_REQUIRED.
 */
export async function issueGlobalInvoice(
  ctx: Ctx,
  input: { locationId: string; periodicidad: Periodicidad; date: string },
): Promise<Invoice> {
  const issuer = await loadIssuer(ctx, input.locationId);
  const p = globalPeriod(input.periodicidad, input.date);
  const rows = await undocumentedSaleIds(ctx, input.locationId, p.from, p.to, issuer.timeZone);
  // As for an invoice: a return being recorded on these tickets finishes first (or waits for
  // this one), so the lines read below and the returns listed in the summary agree.
  await lockSaleLines(ctx, { saleIds: rows.map((r) => r.id).sort() });
  const sales: Sale[] = [];
  for (const r of rows) {
    const s = await getSale(ctx, r.id);
    if (s.payments.some((x) => x.method === 'on_account')) continue;
    if (!keptLines(s).length) continue;
    sales.push(s);
  }
  if (!sales.length) throw new AppError(E.GLOBAL_NOTHING_TO_INVOICE, { from: p.from, to: p.to });
  const conceptos = globalConceptos(sales);
  const { formaPago } = paymentTermsOf(sales);
  const receptor = publicoEnGeneral(issuer.lugarExpedicion);
  return issue(ctx, {
    kind: 'global',
    locationId: input.locationId,
    customerId: null,
    saleIds: sales.map((s) => s.id),
    issuer,
    cfdi: {
      tipoDeComprobante: 'I',
      receptor,
      formaPago,
      metodoPago: 'PUE',
      informacionGlobal: { periodicidad: input.periodicidad, meses: p.meses, año: p.año },
      conceptos,
    },
    summary: {
      receptor,
      saleIds: sales.map((s) => s.id),
      // Always written for a global (even empty): what came back before it is netted out.
      returnIds: await returnIdsOfSales(ctx, { saleIds: sales.map((s) => s.id) }),
      periodo: { periodicidad: input.periodicidad, ...p },
    },
  });
}

/** XAXX010101000 as SAT wants it: régimen 616, uso S01, domicilio = lugar de expedición. */
function publicoEnGeneral(lugarExpedicion: string): ReceptorInput {
  return {
    rfc: 'XAXX010101000',
    nombre: 'PUBLICO EN GENERAL',
    domicilioFiscalReceptor: lugarExpedicion,
    regimenFiscalReceptor: '616',
    usoCfdi: 'S01',
  };
}

/**
 * True when the return is already left out of the invoice (made before it was issued): the
 * invoice lists those in `summary.returnIds`. A global invoice issued before that list was kept
 * was still issued net of returns, so for it a return older than the invoice was netted.
 */
function nettedIn(inv: Selectable<InvoicesTable>, ret: Pick<Return, 'id' | 'createdAt'>): boolean {
  if (inv.summary.returnIds) return inv.summary.returnIds.includes(ret.id);
  return inv.kind === 'global' && new Date(ret.createdAt) <= inv.created_at;
}

/**
 * c_FormaPago of a refund: cash 01, card as the ticket's card was paid, transfer 03, off the
 * account 17, store credit 30.
 */
function refundFormaPago(ret: Return, sale: Sale): string {
  if (ret.refund.method === 'cash') return '01';
  if (ret.refund.method === 'spei') return '03';
  // Taken off what the customer owed on account: compensación (17); the accountant may prefer 15.
  if (ret.refund.method === 'on_account') return '17';
  if (ret.refund.method === 'card') {
    const card = sale.payments.find((p) => p.method === 'card');
    return formaPagoOfPayment(card ?? { method: 'card', details: {} });
  }
  return '30';
}

/** The live, stamped ingreso or global invoice a sale is in, if any. */
async function liveInvoiceOfSale(ctx: Ctx, saleId: string) {
  return ctx.db
    .selectFrom('invoices as i')
    .innerJoin('invoice_sales as s', (j) =>
      j.onRef('s.tenant_id', '=', 'i.tenant_id').onRef('s.invoice_id', '=', 'i.id'),
    )
    .selectAll('i')
    .where('i.tenant_id', '=', ctx.tenantId)
    .where('s.sale_id', '=', saleId)
    .where('s.released_at', 'is', null)
    .where('i.kind', 'in', ['ingreso', 'global'])
    .where('i.status', '=', 'stamped')
    .executeTakeFirst();
}

/**
 * A credit note (egreso, MetodoPago PUE, FormaPago of the refund) for a return on an invoiced
 * sale; its Total equals the refund. On an individual invoice: to its receptor, related with
 * TipoRelacion 03 (devolución, the default) or 01, one concepto per returned line. On a global
 * invoice: to público en general (XAXX010101000, 616, S01, the InformacionGlobal of the global
 * it corrects, as SAT requires of any CFDI to "PUBLICO EN GENERAL"), related with TipoRelacion
 * 01 (the default) or 03, the ticket's returned share as "per ticket" conceptos. A return made
 * before the invoice is already netted out of it and gets none. Errors: RETURN_NOT_FOUND
 * (returns), RETURN_SALE_NOT_INVOICED, RETURN_ALREADY_NETTED, CREDIT_NOTE_DUPLICATE,
 * CREDIT_NOTE_NOTHING_TO_CREDIT, CFDI_* codes (CFDI_GLOBAL_YEAR for a global older than last year).
 */
export async function issueCreditNote(
  ctx: Ctx,
  input: { returnId: string; tipoRelacion?: '01' | '03' },
): Promise<Invoice> {
  const ret = await getReturn(ctx, input.returnId);
  const dup = await ctx.db
    .selectFrom('invoices')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('return_id', '=', ret.id)
    .where('status', '<>', 'rejected')
    // a credit note cancelled before SAT frees its return (the index invoices_return_key agrees)
    .where((eb) => eb.or([eb('cancel_status', 'is', null), eb('cancel_status', '<>', 'cancelled')]))
    .executeTakeFirst();
  if (dup) throw new AppError(E.CREDIT_NOTE_DUPLICATE, { returnId: ret.id, invoiceId: dup.id });
  const inv = await liveInvoiceOfSale(ctx, ret.saleId);
  if (
    !inv?.uuid ||
    (inv.kind === 'ingreso' && !inv.summary.receptor) ||
    (inv.kind === 'global' && !inv.summary.periodo)
  )
    throw new AppError(E.RETURN_SALE_NOT_INVOICED, { saleId: ret.saleId });
  if (nettedIn(inv, ret))
    throw new AppError(E.RETURN_ALREADY_NETTED, {
      returnId: ret.id,
      invoiceId: inv.id,
      invoice: `${inv.serie}-${inv.folio}`,
    });
  if (new D(ret.refund.amount).isZero())
    throw new AppError(E.CREDIT_NOTE_NOTHING_TO_CREDIT, { returnId: ret.id });
  const sale = await getSale(ctx, ret.saleId);
  const formaPago = refundFormaPago(ret, sale);
  const common = {
    kind: 'egreso' as const,
    locationId: sale.locationId,
    saleIds: [],
    relatedInvoiceId: inv.id,
    returnId: ret.id,
  };
  if (inv.kind === 'global') {
    const periodo = inv.summary.periodo!;
    // The receptor's domicilio must equal this document's LugarExpedicion (CFDI40149).
    const issuer = await loadIssuer(ctx, sale.locationId);
    const receptor = publicoEnGeneral(issuer.lugarExpedicion);
    return issue(ctx, {
      ...common,
      customerId: null,
      issuer,
      cfdi: {
        tipoDeComprobante: 'E',
        receptor,
        formaPago,
        metodoPago: 'PUE',
        // CFDI40130: a CFDI to XAXX010101000 "PUBLICO EN GENERAL" carries InformacionGlobal;
        // the credit note names the period of the global invoice it corrects.
        informacionGlobal: { periodicidad: periodo.periodicidad, meses: periodo.meses, año: periodo.año },
        cfdiRelacionados: [{ tipoRelacion: input.tipoRelacion ?? '01', uuids: [inv.uuid] }],
        conceptos: globalReturnConceptos(sale, ret.lines, ret.refund.amount),
      },
      summary: { receptor, periodo },
    });
  }
  const receptor = inv.summary.receptor!;
  const issuer = await loadIssuer(ctx, sale.locationId);
  const conceptos: ConceptoInput[] = ret.lines
    .filter((rl) => !new D(rl.amount).isZero())
    .map((rl) => {
      const line = sale.lines.find((l) => l.lineNo === rl.saleLineNo)!;
      return conceptoFor(line, {
        quantity: rl.quantity,
        base: refundedBase(line, rl.amount),
        discountShare: '0',
      });
    });
  return issue(ctx, {
    ...common,
    customerId: inv.customer_id,
    issuer,
    cfdi: {
      tipoDeComprobante: 'E',
      receptor,
      formaPago,
      metodoPago: 'PUE',
      cfdiRelacionados: [{ tipoRelacion: input.tipoRelacion ?? '03', uuids: [inv.uuid] }],
      // On an invoice with retentions, the same ones on the returned base, by the same rule.
      // The refund is what the returned part cost the customer (SubTotal − Descuento +
      // traslados); the credit note's Total is that minus what the customer withheld on it.
      conceptos: inv.summary.retenciones?.length
        ? withRetenciones(fitTotal(conceptos, ret.refund.amount), issuer.emisor, receptor)
        : fitTotal(conceptos, ret.refund.amount),
    },
    summary: { receptor },
  });
}

export interface InvoiceReturn {
  id: string;
  saleId: string;
  ticketNumber: number;
  reason: string;
  refund: { method: string; amount: string };
  createdAt: string;
  lines: Array<{ lineNo: number; saleLineNo: number; description: string; quantity: string; amount: string }>;
  /** Made before the invoice: already left out of it, no credit note. */
  netted: boolean;
}

/**
 * The returns recorded on an invoice's tickets, oldest first, each saying whether the invoice
 * already left it out (netted) or it calls for a credit note. Errors: INVOICE_NOT_FOUND.
 */
export async function listInvoiceReturns(ctx: Ctx, invoiceId: string): Promise<InvoiceReturn[]> {
  const inv = await invoiceRow(ctx, invoiceId);
  const sales = await ctx.db
    .selectFrom('invoice_sales')
    .select('sale_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_id', '=', invoiceId)
    .execute();
  const ids = await returnIdsOfSales(ctx, { saleIds: sales.map((s) => s.sale_id) });
  const tickets = new Map<string, number>();
  const out: InvoiceReturn[] = [];
  for (const id of ids) {
    const r = await getReturn(ctx, id);
    if (!tickets.has(r.saleId)) tickets.set(r.saleId, (await getSale(ctx, r.saleId)).ticketNumber);
    out.push({
      id: r.id,
      saleId: r.saleId,
      ticketNumber: tickets.get(r.saleId)!,
      reason: r.reason,
      refund: { method: r.refund.method, amount: r.refund.amount },
      createdAt: r.createdAt,
      lines: r.lines.map((l) => ({
        lineNo: l.lineNo,
        saleLineNo: l.saleLineNo,
        description: l.description,
        quantity: l.quantity,
        amount: l.amount,
      })),
      netted: nettedIn(inv, r),
    });
  }
  return out;
}

/**
 * Money received against a PPD invoice: a CFDI de pago (Pagos 2.0) with NumParcialidad,
 * ImpSaldoAnt, ImpPagado, ImpSaldoInsoluto and the taxes prorated. Errors:
 * INVOICE_NOT_FOUND, INVOICE_NOT_STAMPED, PAYMENT_NOT_PPD, PAYMENT_EXCEEDS_BALANCE, CFDI_* codes.
 */
export async function recordInvoicePayment(
  ctx: Ctx,
  input: { invoiceId: string; amount: string; formaPago: string; paidAt?: string; numOperacion?: string },
  options: {
    /** The abono that paid it: the money already came off the customer's account. */
    accountMovementId?: string;
  } = {},
): Promise<{
  payment: { id: string; numParcialidad: number; saldoAnterior: string; saldoInsoluto: string };
  pago: Invoice;
}> {
  // Lock the invoice row: parcialidades of one invoice are numbered one at a time.
  const inv = await ctx.db
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', input.invoiceId)
    .forUpdate()
    .executeTakeFirst();
  if (!inv) throw new AppError(E.INVOICE_NOT_FOUND, { invoiceId: input.invoiceId });
  if (inv.metodo_pago !== 'PPD') throw new AppError(E.PAYMENT_NOT_PPD);
  if (inv.status !== 'stamped' || !inv.uuid) throw new AppError(E.INVOICE_NOT_STAMPED);
  if (inv.cancel_status === 'cancelled') throw new AppError(E.INVOICE_ALREADY_CANCELLED);
  // what its payments and its credit notes left of the Total
  const prev = await outstanding(ctx, inv.id);
  const saldoAnterior = prev.balance;
  const amount = new D(input.amount);
  if (amount.gt(saldoAnterior))
    throw new AppError(E.PAYMENT_EXCEEDS_BALANCE, {
      amount: amount.toFixed(2),
      balance: saldoAnterior.toFixed(2),
    });
  const numParcialidad = prev.n + 1;
  const paidAt = input.paidAt ? new Date(input.paidAt) : ctx.now;
  const issuer = await loadIssuer(ctx, inv.location_id);
  const receptor = { ...inv.summary.receptor!, usoCfdi: 'CP01' };
  const objetoImp = inv.summary.objetoImp ?? '02';
  const pago = await issue(ctx, {
    kind: 'pago',
    locationId: inv.location_id,
    customerId: inv.customer_id,
    saleIds: [],
    relatedInvoiceId: inv.id,
    issuer,
    cfdi: {
      tipoDeComprobante: 'P',
      receptor,
      pagos: [
        {
          fechaPago: fechaCfdi(paidAt, issuer.timeZone),
          formaDePagoP: input.formaPago,
          monto: amount.toFixed(2),
          numOperacion: input.numOperacion,
          doctos: [
            {
              idDocumento: inv.uuid,
              serie: inv.serie,
              folio: String(inv.folio),
              numParcialidad,
              impSaldoAnt: saldoAnterior.toFixed(2),
              impPagado: amount.toFixed(2),
              objetoImpDR: objetoImp,
              totalDocumento: new D(inv.total).toFixed(2),
              impuestos: {
                traslados: inv.summary.traslados ?? [],
                retenciones: inv.summary.retenciones ?? [],
              },
            },
          ],
        },
      ],
    },
    summary: { receptor },
  });
  const id = newId('ipay');
  const saldoInsoluto = saldoAnterior.minus(amount).toFixed(2);
  await ctx.db
    .insertInto('invoice_payments')
    .values({
      tenant_id: ctx.tenantId,
      id,
      invoice_id: inv.id,
      num_parcialidad: numParcialidad,
      amount: amount.toFixed(2),
      saldo_anterior: saldoAnterior.toFixed(2),
      saldo_insoluto: saldoInsoluto,
      forma_pago: input.formaPago,
      paid_at: paidAt,
      pago_invoice_id: pago.id,
      account_movement_id: options.accountMovementId ?? null,
      created_by: ctx.userId,
      created_at: ctx.now,
    })
    .execute();
  if (inv.customer_id && !options.accountMovementId)
    await settleAccountFromInvoicePayment(ctx, {
      customerId: inv.customer_id,
      amount: amount.toFixed(2),
      formaPago: input.formaPago,
      invoicePaymentId: id,
      invoice: `${inv.serie}-${inv.folio}`,
    });
  const data = {
    invoiceId: inv.id,
    amount: amount.toFixed(2),
    numParcialidad,
    saldoInsoluto,
    pagoInvoiceId: pago.id,
  };
  await recordEvent(ctx, 'invoice.payment_recorded', data);
  await recordAudit(ctx, {
    action: 'invoice.payment_recorded',
    entityType: 'invoice',
    entityId: inv.id,
    data,
  });
  return { payment: { id, numParcialidad, saldoAnterior: saldoAnterior.toFixed(2), saldoInsoluto }, pago };
}

/** A CFDI de pago issued for an abono, or the credit invoice it could not be issued for. */
export interface AbonoInvoicePayment {
  invoiceId: string;
  invoice: string;
  amount: string;
  pagoInvoiceId: string | null;
  /** why its complement is not issued yet (CSD_REQUIRED, CFDI_*…): it is retried by itself */
  errorCode: string | null;
}

/**
 * A customer's credit (PPD) invoices an abono may pay, oldest first (the one with `firstUuid`
 * before all), with what each still owes: stamped, not cancelled nor on the way to it, the
 * profiles merged into the customer's included. Paying one changes no other's balance: all read
 * at once.
 */
function openCreditInvoices(ctx: Ctx, customerId: string, firstUuid?: string | null) {
  let q = invoicesWithOutstanding(ctx)
    .innerJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'),
    )
    .where('i.tenant_id', '=', ctx.tenantId)
    .where((eb) => eb.or([eb('c.id', '=', customerId), eb('c.merged_into', '=', customerId)]))
    .where('i.metodo_pago', '=', 'PPD')
    .where('i.status', '=', 'stamped')
    .where((eb) => eb.or([eb('i.cancel_status', 'is', null), eb('i.cancel_status', '=', 'rejected')]));
  if (firstUuid) q = q.orderBy(sql`i.uuid = ${firstUuid}`, 'desc');
  return q.orderBy('i.created_at').orderBy('i.id').execute();
}

/**
 * An abono on a customer's account also pays their open credit (PPD) invoices, oldest first:
 * each gets its CFDI de pago (Pagos 2.0) for the part of the abono it takes, in the abono's
 * transaction (the account itself was settled by the abono, not again here). An invoice whose
 * complement cannot be issued now (no CSD in force, …) gets its part kept in
 * `abono_pending_pagos`, listed with the error, and `retryPendingAbonoPagos` issues it later; the
 * abono stays recorded. The PAC stamps the complements after the commit.
 */
export async function applyAbonoToInvoices(
  ctx: Ctx,
  input: {
    movementId: string;
    customerId: string;
    amount: string;
    method: string;
    reference?: string | null;
  },
): Promise<AbonoInvoicePayment[]> {
  const open = await openCreditInvoices(ctx, input.customerId);
  const formaPago = formaPagoOfPayment({ method: input.method, details: {} });
  let left = new D(input.amount);
  const out: AbonoInvoicePayment[] = [];
  for (const inv of open) {
    if (left.lte(0)) break;
    const balance = new D(inv.outstanding);
    if (balance.lte(0)) continue;
    const amount = D.min(left, balance).toFixed(2);
    const invoice = `${inv.serie}-${inv.folio}`;
    // A complement that fails takes back only what it wrote.
    await sql`savepoint abono_pago`.execute(ctx.db);
    try {
      const r = await recordInvoicePayment(
        ctx,
        { invoiceId: inv.id, amount, formaPago, numOperacion: input.reference ?? undefined },
        { accountMovementId: input.movementId },
      );
      await sql`release savepoint abono_pago`.execute(ctx.db);
      out.push({ invoiceId: inv.id, invoice, amount, pagoInvoiceId: r.pago.id, errorCode: null });
      left = left.minus(amount);
    } catch (err) {
      await sql`rollback to savepoint abono_pago`.execute(ctx.db);
      if (!(err instanceof AppError)) throw err;
      await ctx.db
        .insertInto('abono_pending_pagos')
        .values({
          tenant_id: ctx.tenantId,
          account_movement_id: input.movementId,
          invoice_id: inv.id,
          amount,
          forma_pago: formaPago,
          num_operacion: input.reference ?? null,
          last_error: err.code,
          next_attempt_at: new Date(ctx.now.getTime() + PENDING_PAGO_RETRY_MS),
          created_by: ctx.userId,
          created_at: ctx.now,
        })
        .execute();
      out.push({ invoiceId: inv.id, invoice, amount, pagoInvoiceId: null, errorCode: err.code });
      left = left.minus(amount);
    }
  }
  return out;
}

const PENDING_PAGO_RETRY_MS = 60_000;

/**
 * Issues the CFDI de pago of abonos whose complement could not be issued when they were taken
 * (the background workers call it); each one that still fails waits a minute more, up to an hour.
 * Answers the complements issued (the PAC worker stamps them).
 */
export async function retryPendingAbonoPagos(db: Kysely<DB>, now: Date): Promise<string[]> {
  const due = await db
    .selectFrom('abono_pending_pagos as p')
    .innerJoin('invoices as i', (j) =>
      j.onRef('i.tenant_id', '=', 'p.tenant_id').onRef('i.id', '=', 'p.invoice_id'),
    )
    .selectAll('p')
    .select('i.cancel_status')
    .where('p.next_attempt_at', '<=', now)
    .orderBy('p.next_attempt_at')
    .limit(20)
    .execute();
  const issued: string[] = [];
  const moved = new Set<string>();
  for (const p of due) {
    const ctx = { ...systemCtx(db, p.tenant_id, now), userId: p.created_by };
    if (p.cancel_status === 'cancelled') {
      // cancelled before this worker saw it (the cancellation moves them itself)
      const key = `${p.tenant_id} ${p.invoice_id}`;
      if (!moved.has(key)) {
        moved.add(key);
        await inTransaction(ctx, (tx) => movePendingAbonoPagos(tx, p.invoice_id));
      }
      continue;
    }
    if (p.cancel_status === 'requested' || p.cancel_status === 'in_process') {
      // a CFDI de pago now would make SAT refuse the cancellation: wait for its outcome
      await db
        .updateTable('abono_pending_pagos')
        .set({ next_attempt_at: new Date(now.getTime() + PENDING_PAGO_RETRY_MS * 5) })
        .where('tenant_id', '=', p.tenant_id)
        .where('account_movement_id', '=', p.account_movement_id)
        .where('invoice_id', '=', p.invoice_id)
        .execute();
      continue;
    }
    try {
      const pagoId = await inTransaction(ctx, async (tx) => {
        // taken out first: it no longer counts against the invoice's balance it is paying
        const gone = await tx.db
          .deleteFrom('abono_pending_pagos')
          .where('tenant_id', '=', p.tenant_id)
          .where('account_movement_id', '=', p.account_movement_id)
          .where('invoice_id', '=', p.invoice_id)
          .returning('amount')
          .executeTakeFirst();
        if (!gone) return null; // another process issued it
        const r = await recordInvoicePayment(
          tx,
          {
            invoiceId: p.invoice_id,
            amount: new D(p.amount).toFixed(2),
            formaPago: p.forma_pago,
            paidAt: new Date(p.created_at).toISOString(),
            numOperacion: p.num_operacion ?? undefined,
          },
          { accountMovementId: p.account_movement_id },
        );
        return r.pago.id;
      });
      if (pagoId) issued.push(pagoId);
    } catch (err) {
      const attempts = p.attempts + 1;
      await db
        .updateTable('abono_pending_pagos')
        .set({
          attempts,
          last_error:
            err instanceof AppError ? err.code : String((err as Error).message ?? err).slice(0, 200),
          next_attempt_at: new Date(now.getTime() + Math.min(3_600_000, PENDING_PAGO_RETRY_MS * attempts)),
        })
        .where('tenant_id', '=', p.tenant_id)
        .where('account_movement_id', '=', p.account_movement_id)
        .where('invoice_id', '=', p.invoice_id)
        .execute();
    }
  }
  return issued;
}

/**
 * The parts of abonos still waiting for their CFDI de pago on an invoice that was just cancelled
 * go to the customer's other open credit invoices: the one that replaced it first (motive 01),
 * then the oldest, each up to what it owes, due at once for the worker. What none of them can
 * take stays what the abono already was: a payment on the account, with no complement. Runs in
 * the cancellation's transaction; the bitácora says where each part went.
 */
export async function movePendingAbonoPagos(ctx: Ctx, invoiceId: string): Promise<void> {
  const pending = await ctx.db
    .deleteFrom('abono_pending_pagos')
    .where('tenant_id', '=', ctx.tenantId)
    .where('invoice_id', '=', invoiceId)
    .returningAll()
    .execute();
  if (pending.length === 0) return;
  pending.sort((a, b) => +new Date(a.created_at) - +new Date(b.created_at));
  const inv = await invoiceRow(ctx, invoiceId);
  const open = inv.customer_id
    ? await openCreditInvoices(ctx, inv.customer_id, inv.cancel_replacement_uuid)
    : [];
  const balances = open.map((o) => ({ id: o.id, left: D.max(0, o.outstanding) }));
  const moves: Array<{ movementId: string; invoiceId: string; amount: string }> = [];
  const released: Array<{ movementId: string; amount: string }> = [];
  for (const p of pending) {
    let left = new D(p.amount);
    for (const b of balances) {
      if (left.lte(0)) break;
      if (b.left.lte(0)) continue;
      const part = D.min(left, b.left);
      await ctx.db
        .insertInto('abono_pending_pagos')
        .values({
          tenant_id: ctx.tenantId,
          account_movement_id: p.account_movement_id,
          invoice_id: b.id,
          amount: part.toFixed(2),
          forma_pago: p.forma_pago,
          num_operacion: p.num_operacion,
          last_error: p.last_error,
          attempts: 0,
          next_attempt_at: ctx.now,
          created_by: p.created_by,
          created_at: p.created_at,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'account_movement_id', 'invoice_id']).doUpdateSet({
            amount: sql`abono_pending_pagos.amount + excluded.amount`,
            next_attempt_at: ctx.now,
          }),
        )
        .execute();
      moves.push({ movementId: p.account_movement_id, invoiceId: b.id, amount: part.toFixed(2) });
      b.left = b.left.minus(part);
      left = left.minus(part);
    }
    if (left.gt(0)) released.push({ movementId: p.account_movement_id, amount: left.toFixed(2) });
  }
  await recordAudit(ctx, {
    action: 'invoice.abono_pagos_moved',
    entityType: 'invoice',
    entityId: invoiceId,
    data: { moved: moves, released },
  });
}

/** The complements an abono already issued (the same abono sent again answers them). */
export async function invoicePaymentsOfAbono(ctx: Ctx, movementId: string): Promise<AbonoInvoicePayment[]> {
  // what was issued, then what still waits: one query over both tables
  const r = await sql<{
    invoice_id: string;
    serie: string;
    folio: string;
    amount: string;
    pago_invoice_id: string | null;
    error_code: string | null;
  }>`
    select x.invoice_id, i.serie, i.folio, x.amount, x.pago_invoice_id, x.error_code
    from (
      select invoice_id, amount, pago_invoice_id, null::text as error_code, created_at, 0 as waiting
      from invoice_payments where tenant_id = ${ctx.tenantId} and account_movement_id = ${movementId}
      union all
      select invoice_id, amount, null, last_error, created_at, 1
      from abono_pending_pagos where tenant_id = ${ctx.tenantId} and account_movement_id = ${movementId}
    ) x
    join invoices i on i.tenant_id = ${ctx.tenantId} and i.id = x.invoice_id
    order by x.waiting, x.created_at, i.created_at`.execute(ctx.db);
  return r.rows.map((x) => ({
    invoiceId: x.invoice_id,
    invoice: `${x.serie}-${x.folio}`,
    amount: new D(x.amount).toFixed(2),
    pagoInvoiceId: x.pago_invoice_id,
    errorCode: x.error_code,
  }));
}

/**
 * Ask the PAC to cancel a stamped CFDI with SAT's motive (01 needs the replacing UUID); the
 * request is a job, its outcome (cancelled, in process, rejected) comes later.
 * Errors: INVOICE_NOT_FOUND, INVOICE_NOT_STAMPED, INVOICE_ALREADY_CANCELLED, CANCEL_MOTIVO_INVALID.
 */
export async function requestCancellation(
  ctx: Ctx,
  input: { invoiceId: string; motivo: CancelMotivo; replacementUuid?: string },
): Promise<Invoice> {
  const inv = await invoiceRow(ctx, input.invoiceId);
  if (inv.status !== 'stamped') throw new AppError(E.INVOICE_NOT_STAMPED);
  if (inv.cancel_status && inv.cancel_status !== 'rejected') throw new AppError(E.INVOICE_ALREADY_CANCELLED);
  if ((input.motivo === '01') !== !!input.replacementUuid) throw new AppError(E.CANCEL_MOTIVO_INVALID);
  const upd = await ctx.db
    .updateTable('invoices')
    .set({
      cancel_status: 'requested',
      cancel_motivo: input.motivo,
      cancel_replacement_uuid: input.replacementUuid ?? null,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', inv.id)
    .where((eb) => eb.or([eb('cancel_status', 'is', null), eb('cancel_status', '=', 'rejected')]))
    .executeTakeFirst();
  if (Number(upd.numUpdatedRows) !== 1) throw new AppError(E.INVOICE_ALREADY_CANCELLED);
  await ctx.db
    .insertInto('pac_jobs')
    .values({
      tenant_id: ctx.tenantId,
      invoice_id: inv.id,
      kind: 'cancel',
      status: 'pending',
      next_attempt_at: ctx.now,
      locked_until: null,
      last_error: null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .execute();
  const data = { uuid: inv.uuid, motivo: input.motivo, replacementUuid: input.replacementUuid ?? null };
  await recordEvent(ctx, 'invoice.cancellation_requested', { invoiceId: inv.id, ...data });
  await recordAudit(ctx, {
    action: 'invoice.cancellation_requested',
    entityType: 'invoice',
    entityId: inv.id,
    data,
  });
  return getInvoice(ctx, inv.id);
}

export interface UndocumentedReport {
  from: string;
  to: string;
  count: number;
  total: string;
  byChannel: Array<{ channel: string; count: number; total: string }>;
  sales: Array<{
    saleId: string;
    channel: string;
    locationId: string;
    ticketNumber: number;
    /** What is left to document: the ticket's total minus what was refunded on it. */
    total: string;
    refunded: string;
    createdAt: string;
  }>;
}

/**
 * Every sale in [from, to] neither invoiced nor in a global invoice, by channel of origin, at
 * what is left to document (paid minus refunded); a ticket returned in full is not pending.
 */
export async function undocumentedSales(
  ctx: Ctx,
  input: { from: string; to: string; locationId?: string },
): Promise<UndocumentedReport> {
  const tenant = await ctx.db
    .selectFrom('tenants')
    .select('timezone')
    .where('id', '=', ctx.tenantId)
    .executeTakeFirst();
  const rows = await undocumentedSaleIds(
    ctx,
    input.locationId ?? null,
    input.from,
    input.to,
    tenant?.timezone ?? 'America/Mexico_City',
  );
  const by = new Map<string, { count: number; total: InstanceType<typeof D> }>();
  let total = new D(0);
  const pending = (r: (typeof rows)[number]) => new D(r.total).minus(r.refunded);
  for (const r of rows) {
    const g = by.get(r.channel) ?? { count: 0, total: new D(0) };
    g.count++;
    g.total = g.total.plus(pending(r));
    by.set(r.channel, g);
    total = total.plus(pending(r));
  }
  return {
    from: input.from,
    to: input.to,
    count: rows.length,
    total: total.toFixed(2),
    byChannel: [...by].map(([channel, g]) => ({ channel, count: g.count, total: g.total.toFixed(2) })),
    sales: rows.map((r) => ({
      saleId: r.id,
      channel: r.channel,
      locationId: r.location_id,
      ticketNumber: Number(r.ticket_number),
      total: pending(r).toFixed(2),
      refunded: new D(r.refunded).toFixed(2),
      createdAt: r.created_at.toISOString(),
    })),
  };
}

/** When a document was last issued to these customers (invoice, credit note, payment; null: never). */
export async function lastInvoiceAt(ctx: Ctx, customerIds: string[]): Promise<Date | null> {
  if (customerIds.length === 0) return null;
  const r = await ctx.db
    .selectFrom('invoices')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', customerIds)
    .executeTakeFirst();
  return r?.at ? new Date(r.at) : null;
}
