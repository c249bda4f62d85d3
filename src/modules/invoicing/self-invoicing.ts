/**
 * Self-invoicing (the public page): find a ticket by the code printed on it plus its total
 * (one answer for a wrong code or a wrong total, nothing else revealed), invoice it within
 * the business's window, net of what came back, and hand out signed, unguessable download
 * links.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../../shared/context.js';
import { systemCtx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { D } from '../../shared/money.js';
import { businessDate, DEFAULT_TIMEZONE, startOfBusinessDay } from '../../shared/time.js';
import { getSale } from '../sales/sales.service.js';
import { keptLines, keptTotalOf } from './from-sales.js';
import { InvoicingErrors as E } from './invoicing.errors.js';
import { type Invoice, invoiceSales } from './invoicing.service.js';

export interface TicketFound {
  tenantId: string;
  saleId: string;
  business: string;
  ticketNumber: number;
  date: string;
  /** The total printed on the ticket (what the customer types). */
  total: string;
  /** What the invoice will be for: the total minus what was refunded on returns. */
  invoiceTotal: string;
  refunded: string;
  invoiced: boolean;
  deadline: string;
  canInvoice: boolean;
}

/** Last instant a ticket may be self-invoiced: N days after the sale, or its month's end. */
export function selfInvoiceDeadline(
  soldAt: Date,
  mode: 'days' | 'month',
  days: number,
  timeZone: string = DEFAULT_TIMEZONE,
): Date {
  if (mode === 'days') return new Date(soldAt.getTime() + days * 86_400_000);
  const [y, m] = businessDate(soldAt, timeZone).split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return new Date(startOfBusinessDay(next, timeZone).getTime() - 1000);
}

/**
 * The ticket with this printed code and printed total. The total asked is the one on the paper
 * even after a partial return: it is what the customer holds, while the net is printed nowhere
 * (a second accepted amount would only give a guesser more to try); the answer then says what
 * the invoice will be for. Errors: SELF_INVOICE_NOT_FOUND (wrong code or wrong total, the same
 * answer), SELF_INVOICE_TICKET_RETURNED.
 */
export async function findTicket(
  db: Executor,
  input: { code: string; total: string },
  now: Date,
): Promise<TicketFound> {
  let total: string;
  try {
    total = new D(input.total).toFixed(2);
  } catch {
    throw new AppError(E.SELF_INVOICE_NOT_FOUND);
  }
  const s = await db
    .selectFrom('sales as s')
    .innerJoin('tenants as t', 't.id', 's.tenant_id')
    .leftJoin('fiscal_profiles as f', 'f.tenant_id', 's.tenant_id')
    .select([
      's.tenant_id',
      's.id',
      's.ticket_number',
      's.created_at',
      's.total',
      't.name',
      't.timezone',
      'f.nombre',
      'f.self_invoice_mode',
      'f.self_invoice_days',
    ])
    .where('s.invoice_code', '=', input.code.trim().toUpperCase())
    .where('s.total', '=', total)
    .where('s.status', '=', 'completed')
    .executeTakeFirst();
  if (!s?.nombre) throw new AppError(E.SELF_INVOICE_NOT_FOUND);
  const live = await db
    .selectFrom('invoice_sales')
    .select('invoice_id')
    .where('tenant_id', '=', s.tenant_id)
    .where('sale_id', '=', s.id)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  const sale = await getSale(systemCtx(db, s.tenant_id, now), s.id);
  // A ticket returned in full is answered plainly, not as "not found": only someone holding the
  // paper (code and exact total) gets this far, and a found ticket already tells them its
  // business, date and invoice status, so saying "returned" reveals nothing about anyone else
  // and nothing more than a found ticket does; no amount or date goes with it. Answering "not
  // found" would send the customer to re-check a ticket that is right.
  if (!keptLines(sale).length) throw new AppError(E.SELF_INVOICE_TICKET_RETURNED);
  const invoiceTotal = keptTotalOf(sale);
  const deadline = selfInvoiceDeadline(
    s.created_at,
    s.self_invoice_mode ?? 'days',
    s.self_invoice_days ?? 30,
    s.timezone,
  );
  return {
    tenantId: s.tenant_id,
    saleId: s.id,
    business: s.nombre ?? s.name,
    ticketNumber: Number(s.ticket_number),
    date: s.created_at.toISOString(),
    total: new D(s.total).toFixed(2),
    invoiceTotal,
    refunded: new D(s.total).minus(invoiceTotal).toFixed(2),
    invoiced: !!live,
    deadline: deadline.toISOString(),
    canInvoice: !live && now <= deadline,
  };
}

export interface SelfReceptor {
  rfc: string;
  nombre: string;
  regimenFiscal: string;
  codigoPostal: string;
  usoCfdi: string;
}

/**
 * Invoice a found ticket for the receptor typed in, net of its returns. Errors:
 * SELF_INVOICE_NOT_FOUND, SELF_INVOICE_TICKET_RETURNED, SELF_INVOICE_EXPIRED,
 * SALE_ALREADY_INVOICED, every CFDI_* receptor code (es-MX messages).
 */
export async function selfInvoice(
  db: Executor,
  input: { code: string; total: string; receptor: SelfReceptor },
  now: Date,
): Promise<Invoice> {
  return (db as import('kysely').Kysely<import('../../db/schema.js').DB>)
    .transaction()
    .execute(async (trx) => {
      const t = await findTicket(trx, input, now);
      if (now > new Date(t.deadline))
        throw new AppError(E.SELF_INVOICE_EXPIRED, { deadline: t.deadline.slice(0, 10) });
      if (t.invoiced) throw new AppError(E.SALE_ALREADY_INVOICED, { saleId: t.saleId });
      const ctx = systemCtx(trx, t.tenantId, now);
      const r = input.receptor;
      return invoiceSales(ctx, {
        saleIds: [t.saleId],
        selfInvoiced: true,
        receptor: {
          rfc: r.rfc,
          nombre: r.nombre,
          domicilioFiscalReceptor: r.codigoPostal,
          regimenFiscalReceptor: r.regimenFiscal,
          usoCfdi: r.usoCfdi,
        },
      });
    });
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** A download link valid for 30 days, signed with the invoice's own secret. */
export function signedFileUrl(
  inv: { tenantId: string; id: string; secret: string },
  kind: 'xml' | 'pdf',
  now: Date,
): string {
  const exp = Math.floor(now.getTime() / 1000) + 30 * 86_400;
  const sig = sign(inv.secret, `${inv.tenantId}.${inv.id}.${kind}.${exp}`);
  return `/api/v1/invoicing/public/files/${inv.id}.${kind}?t=${encodeURIComponent(inv.tenantId)}&exp=${exp}&sig=${sig}`;
}

/** Errors: SELF_INVOICE_LINK_INVALID (bad signature, expired, unknown). */
export async function checkFileLink(
  db: Executor,
  q: { id: string; kind: 'xml' | 'pdf'; t: string; exp: string; sig: string },
  now: Date,
): Promise<{ tenantId: string; invoiceId: string }> {
  const bad = () => new AppError(E.SELF_INVOICE_LINK_INVALID);
  const exp = Number(q.exp);
  if (!Number.isInteger(exp) || exp * 1000 < now.getTime()) throw bad();
  const inv = await db
    .selectFrom('invoices')
    .select(['access_secret'])
    .where('tenant_id', '=', q.t)
    .where('id', '=', q.id)
    .executeTakeFirst();
  if (!inv) throw bad();
  const want = Buffer.from(sign(inv.access_secret, `${q.t}.${q.id}.${q.kind}.${exp}`));
  const got = Buffer.from(q.sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw bad();
  return { tenantId: q.t, invoiceId: q.id };
}

/** A fixed-window counter per key (client IP): `limit` hits per `windowMs`. */
export class RateLimiter {
  private hits = new Map<string, { n: number; reset: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}
  /** True when allowed; false when over the limit. */
  take(key: string, now = Date.now()): boolean {
    const h = this.hits.get(key);
    if (!h || h.reset <= now) {
      if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.reset <= now) this.hits.delete(k);
      this.hits.set(key, { n: 1, reset: now + this.windowMs });
      return true;
    }
    h.n++;
    return h.n <= this.limit;
  }
}
