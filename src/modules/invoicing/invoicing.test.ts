import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { auditDataOf } from '../../../test/helpers/db.js';
import { newId } from '../../shared/ids.js';
import { D } from '../../shared/money.js';
import { createProduct } from '../catalog/catalog.service.js';
import { createCustomer } from '../customers/customers.service.js';
import { receiveStock } from '../inventory/inventory.service.js';
import { recordReturn } from '../returns/returns.service.js';
import { amountInWords } from './amount-words.js';
import { parseXml } from './cfdi/index.js';
import type { XmlElement } from './cfdi/xml.js';
import { requireSatTools } from './cfdi/testing.js';
import {
  CSD_PASSWORD,
  fixture,
  givenFiscalBusiness,
  type SaleOut,
  sell,
  stampedXml,
  stocked,
  XmlCollector,
} from './invoicing.testkit.js';
import { decryptSecret } from '../../shared/secrets.js';
import { getFiscalSetup } from './fiscal.service.js';
import { type CancelRequest, type PacClient, PacError } from './pac/pac.js';
import { SandboxPac } from './pac/sandbox.js';
import { runPacJobs, setPacClient } from './stamping.js';
import { retryPendingAbonoPagos } from './invoicing.service.js';

/** A PAC that can be switched off, or that stamps and then loses the answer (timeout after success). */
class FlakyPac implements PacClient {
  readonly name = 'flaky';
  down = false;
  loseAnswer = false;
  sent: string[] = [];
  constructor(readonly inner: SandboxPac) {}
  async stamp(xml: string) {
    this.sent.push(xml);
    if (this.down) throw new PacError('unavailable', 'HTTP_503', 'PAC fuera de servicio');
    const r = await this.inner.stamp(xml);
    if (this.loseAnswer) throw new PacError('unavailable', 'TIMEOUT', 'sin respuesta');
    return r;
  }
  cancel(req: CancelRequest) {
    if (this.down) return Promise.reject(new PacError('unavailable', 'HTTP_503', 'PAC fuera de servicio'));
    return this.inner.cancel(req);
  }
  status(req: Parameters<PacClient['status']>[0]) {
    return this.inner.status(req);
  }
}

let env: TestEnv;
let biz: TestBusiness & { registerId: string };
let pac: FlakyPac;
let customerId: string;
const xmls = new XmlCollector();

const api = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, who = biz.as.manager) =>
  call(env.app, who, method, `/api/v1/invoicing${url}`, body);

async function invoice(saleIds: string[], extra: Record<string, unknown> = {}) {
  const r = await api('POST', '/invoices', { saleIds, customerId, ...extra }, biz.as.cashier);
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

/**
 * A customer who buys on account and invoices it: a persona física (612, G03) named `name`,
 * whose razón social is the name in capitals with GOMEZ.
 */
function fiadoCustomer(name: string, contact: { phone?: string; email?: string }) {
  const plain = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();
  return createCustomer(biz.ctx, {
    name,
    ...contact,
    rfc: 'GOMA850101AB1',
    razonSocial: `${plain} GOMEZ`,
    regimenFiscal: '612',
    usoCfdi: 'G03',
    codigoPostal: '36257',
  });
}

/** Runs `fn` with the business's CSD out of force (no CFDI can be sealed), then puts it back. */
async function withoutCsd<T>(fn: () => Promise<T>): Promise<T> {
  const csd = () => env.db.db.updateTable('csd_certificates').where('tenant_id', '=', biz.tenantId);
  await csd().set({ active: false }).execute();
  try {
    return await fn();
  } finally {
    await csd().set({ active: true }).execute();
  }
}

/** Return lines of a sale with a cash refund (or another); the return as the API answers it. */
async function giveBack(
  saleId: string,
  lines: Array<{ lineNo: number; quantity: string }>,
  refund: Record<string, unknown> = { method: 'cash' },
) {
  const r = await call(env.app, biz.as.cashier, 'POST', '/api/v1/returns', {
    saleId,
    reason: 'no_le_quedo',
    lines,
    refund,
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; refund: { amount: string } };
}

const children = (n: XmlElement, local: string) =>
  n.children.filter((c): c is XmlElement => typeof c !== 'string' && c.local === local);

/** The Concepto elements of a CFDI: their attributes and their Traslado attributes. */
function conceptosOf(
  xml: string,
): Array<{ attrs: Record<string, string>; traslados: Record<string, string>[] }> {
  const attrs = (n: XmlElement): Record<string, string> => Object.fromEntries(n.attrs);
  const root = parseXml(xml);
  return children(children(root, 'Conceptos')[0]!, 'Concepto').map((c) => ({
    attrs: attrs(c),
    traslados: children(c, 'Impuestos')
      .flatMap((i) => children(i, 'Traslados'))
      .flatMap((t) => children(t, 'Traslado'))
      .map(attrs),
  }));
}

/** Attributes of the root and of its first child element named `local`. */
function attrsOf(xml: string, local?: string): Record<string, string> {
  const root = parseXml(xml);
  const n = local ? children(root, local)[0] : root;
  return n ? Object.fromEntries(n.attrs) : {};
}

async function keep(name: string, invoiceId: string): Promise<string> {
  const xml = await stampedXml(env, biz.as.manager, invoiceId);
  xmls.add(name, xml);
  return xml;
}

beforeAll(async () => {
  requireSatTools();
  env = await createTestEnv();
  pac = new FlakyPac(new SandboxPac({ db: env.db.db, now: () => env.clock.now }));
  setPacClient(env.app, pac);
  biz = await givenFiscalBusiness(env);
  const c = await createCustomer(biz.ctx, {
    name: 'Xochilt Casas',
    email: 'xochilt@example.mx',
    rfc: 'CACX7605101P8',
    razonSocial: 'XOCHILT CASAS CHAVEZ',
    regimenFiscal: '612',
    usoCfdi: 'G03',
    codigoPostal: '36257',
  });
  customerId = c.id;
});
afterAll(async () => {
  const n = await xmls.expectAllPass();
  console.log(`cfdi-check: ${n} XML documents from invoicing.test.ts passed`);
  await env.close();
}, 120_000);

describe('fiscal setup', () => {
  it('refuses a CSD of another RFC or with a wrong password, and stores the key encrypted', async () => {
    const other = await api(
      'POST',
      '/setup/csd',
      {
        cer: fixture('CACX7605101P8.cer').toString('base64'),
        key: fixture('CACX7605101P8.key').toString('base64'),
        password: CSD_PASSWORD,
      },
      biz.as.owner,
    );
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('CSD_NOT_MATCHING_RFC');
    expect(other.json().error.message).toContain('El certificado es del RFC CACX7605101P8');
    const wrong = await api(
      'POST',
      '/setup/csd',
      {
        cer: fixture('EKU9003173C9.cer').toString('base64'),
        key: fixture('EKU9003173C9.key').toString('base64'),
        password: 'otra',
      },
      biz.as.owner,
    );
    expect(wrong.json().error.code).toBe('CSD_PASSWORD_WRONG');
    const rows = await env.db.db
      .selectFrom('csd_certificates')
      .selectAll()
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    expect(rows).toHaveLength(1);
    const key = fixture('EKU9003173C9.key');
    expect(rows[0]!.key_enc).not.toContain(key.toString('base64').slice(0, 40));
    expect(rows[0]!.password_enc).not.toContain(CSD_PASSWORD);
    expect(decryptSecret(rows[0]!.key_enc).equals(key)).toBe(true);
    const cashier = await api('POST', '/setup/csd', {}, biz.as.cashier);
    expect(cashier.statusCode).toBe(403);
  });

  it('warns when the CSD expires within 30 days', async () => {
    const s = (await api('GET', '/setup')).json();
    expect(s.csd).toMatchObject({ noCertificado: '30001000000500003416', warnings: [] });
    // Sessions would expire on a moved clock: read the setup through the service instead.
    const later = await getFiscalSetup({ ...biz.ctx, now: new Date('2027-05-01T12:00:00Z') });
    expect(later.csd?.warnings).toEqual(['CSD_EXPIRING']);
    expect(later.csd?.expiresInDays).toBeLessThanOrEqual(30);
    const gone = await getFiscalSetup({ ...biz.ctx, now: new Date('2027-06-01T12:00:00Z') });
    expect(gone.csd?.warnings).toEqual(['CSD_EXPIRED']);
  });
});

describe('invoices from tickets', () => {
  it('turns a tax-included ticket (IVA 16/0/exento, IEPS rate and quota, kg, discounts) into a CFDI whose Total is what was paid', async () => {
    const a = await stocked(biz, { price: '18.00' });
    const b = await stocked(biz, { price: '23.50', iva: 'iva0' });
    const c = await stocked(biz, { price: '10.00', iva: 'exento' });
    const d = await stocked(biz, { price: '25.90', ieps: { type: 'rate', value: '0.080000' } });
    const e = await stocked(biz, { price: '89.90', soldByWeight: true });
    const f = await stocked(biz, { price: '74.00', ieps: { type: 'quota', value: '0.594400' } });
    const sale = await sell(
      env,
      biz,
      [
        { skuId: a, quantity: '3', discount: '1.00' },
        { skuId: b, quantity: '1' },
        { skuId: c, quantity: '2' },
        { skuId: d, quantity: '2' },
        { skuId: e, quantity: '0.755' },
        { skuId: f, quantity: '1' },
      ],
      { customerId, discount: '5.00' },
    );
    const inv = await invoice([sale.id]);
    expect(inv).toMatchObject({
      status: 'stamped',
      total: sale.total,
      metodoPago: 'PUE',
      formaPago: '01',
      saleIds: [sale.id],
    });
    expect(inv.uuid).toMatch(/^[0-9A-F-]{36}$/);
    const xml = await keep('mixed-taxes', inv.id);
    expect(xml).toContain(`Total="${sale.total}"`);
    expect(xml).toContain('tfd:TimbreFiscalDigital');
    // Invoiced once: a second invoice of the same ticket is refused and leaves nothing behind.
    const before = await env.db.db
      .selectFrom('invoices')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    const again = await api('POST', '/invoices', { saleIds: [sale.id], customerId }, biz.as.cashier);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SALE_ALREADY_INVOICED');
    const after = await env.db.db
      .selectFrom('invoices')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    expect(after).toHaveLength(before.length);
  });

  it('matches the ticket total to the centavo over many price, quantity and discount combinations', async () => {
    const prices = ['0.50', '9.99', '17.35', '33.33', '149.90', '1.07'];
    const kinds = [
      {},
      { iva: 'iva8' as const },
      { iva: 'iva0' as const },
      { ieps: { type: 'rate' as const, value: '0.265000' } },
      { priceIncludesTax: false },
    ];
    const skus: string[] = [];
    for (let i = 0; i < prices.length; i++)
      skus.push(await stocked(biz, { price: prices[i]!, ...kinds[i % kinds.length] }));
    const kg = await stocked(biz, { price: '129.90', soldByWeight: true });
    const sales: SaleOut[] = [];
    for (let t = 0; t < 10; t++) {
      const lines = skus
        .filter((_, i) => (i + t) % 3 !== 0)
        .map((skuId, i) => ({
          skuId,
          quantity: String(1 + ((i * 7 + t) % 5)),
          ...(t % 2 ? { discount: '0.37' } : {}),
        }));
      lines.push({ skuId: kg, quantity: ['0.333', '1.005', '2.675'][t % 3]! });
      sales.push(await sell(env, biz, lines, { customerId, ...(t % 3 === 0 ? { discount: '3.33' } : {}) }));
    }
    for (const s of sales.slice(0, 7)) {
      const inv = await invoice([s.id]);
      expect(inv.total).toBe(s.total);
      expect(inv.status).toBe('stamped');
      await keep(`combo-${s.ticketNumber}`, inv.id);
    }
    // One invoice for three tickets of the same customer.
    const three = sales.slice(7);
    const inv = await invoice(three.map((s) => s.id));
    const sum = three.reduce((acc, s) => acc.plus(s.total), new D(0)).toFixed(2);
    expect(inv.total).toBe(sum);
    expect(inv.saleIds).toHaveLength(3);
    await keep('three-tickets', inv.id);
  });

  it('refuses a receptor combination SAT rejects with a Spanish message, and skips no folio', async () => {
    const a = await stocked(biz, { price: '18.00' });
    const s1 = await sell(env, biz, [{ skuId: a, quantity: '1' }]);
    const bad = await api(
      'POST',
      '/invoices',
      {
        saleIds: [s1.id],
        receptor: {
          rfc: 'CACX7605101P8',
          nombre: 'XOCHILT CASAS CHAVEZ',
          regimenFiscal: '601',
          codigoPostal: '36257',
          usoCfdi: 'G03',
        },
      },
      biz.as.cashier,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('CFDI_REGIMEN_PERSONA');
    expect(bad.json().error.message).toBe(
      'El régimen fiscal 601 no corresponde a una persona física (RFC CACX7605101P8).',
    );
    const folios = await env.db.db
      .selectFrom('invoices')
      .select('folio')
      .where('tenant_id', '=', biz.tenantId)
      .where('serie', '=', 'A')
      .orderBy('folio', 'desc')
      .execute();
    const ok = await invoice([s1.id]);
    expect(Number(ok.folio)).toBe(Number(folios[0]!.folio) + 1);
    await keep('after-refusal', ok.id);
  });
});

describe('tickets with returns', () => {
  it('invoices what the customer kept after returns: net quantities, prorated discount, Total = paid − refunded', async () => {
    const incl = await stocked(biz, { price: '18.00' });
    const pre = await stocked(biz, { price: '100.00', priceIncludesTax: false });
    const quota = await stocked(biz, { price: '74.00', ieps: { type: 'quota', value: '0.594400' } });
    const kg = await stocked(biz, { price: '89.90', soldByWeight: true });
    const gone = await stocked(biz, { price: '33.00' });
    const sale = await sell(
      env,
      biz,
      [
        { skuId: incl, quantity: '3', discount: '1.00' },
        { skuId: pre, quantity: '5', discount: '10.00' },
        { skuId: quota, quantity: '2' },
        { skuId: kg, quantity: '0.755' },
        { skuId: gone, quantity: '1' },
      ],
      { customerId },
    );
    // Two returns, one of them on a line already partly returned (the refunds are cumulative).
    const r1 = await giveBack(sale.id, [
      { lineNo: 1, quantity: '1' },
      { lineNo: 2, quantity: '1' },
      { lineNo: 5, quantity: '1' },
    ]);
    const r2 = await giveBack(sale.id, [
      { lineNo: 2, quantity: '1' },
      { lineNo: 3, quantity: '1' },
      { lineNo: 4, quantity: '0.255' },
    ]);
    const kept = new D(sale.total).minus(r1.refund.amount).minus(r2.refund.amount).toFixed(2);
    const inv = await invoice([sale.id]);
    expect(inv).toMatchObject({ status: 'stamped', total: kept, saleIds: [sale.id] });
    const xml = await keep('net-of-returns', inv.id);
    expect(xml).toContain(`Total="${kept}"`);
    const cs = conceptosOf(xml);
    // The fully returned line is not on the invoice; the others carry what was kept.
    expect(cs.map((c) => [c.attrs.NoIdentificacion, c.attrs.Cantidad])).toEqual([
      [incl, '2'],
      [pre, '3'],
      [quota, '1'],
      [kg, '0.5'],
    ]);
    // Pre-tax price: ValorUnitario stays the price; 2 of 5 units back take 4.00 of the 10.00
    // discount, so 6.000000 stays; IVA on 300 − 6.
    expect(cs[1]!.attrs).toMatchObject({
      ValorUnitario: '100.000000',
      Importe: '300.000000',
      Descuento: '6.000000',
    });
    expect(cs[1]!.traslados).toEqual([
      {
        Base: '294.000000',
        Impuesto: '002',
        TipoFactor: 'Tasa',
        TasaOCuota: '0.160000',
        Importe: '47.040000',
      },
    ]);
    // The IEPS quota is charged on the one piece kept, not on the two sold.
    expect(cs[2]!.traslados[0]).toMatchObject({
      Base: '1.000000',
      Impuesto: '003',
      TipoFactor: 'Cuota',
      TasaOCuota: '0.594400',
      Importe: '0.594400',
    });
    // A return made before the invoice is already left out of it: no credit note for it.
    const netted = await api('POST', '/credit-notes', { returnId: r1.id });
    expect(netted.statusCode).toBe(422);
    expect(netted.json().error).toMatchObject({
      code: 'RETURN_ALREADY_NETTED',
      message: `Esta devolución se hizo antes de facturar: la factura ${inv.serie}-${inv.folio} ya no incluye esas piezas, así que no lleva nota de crédito.`,
    });
    // Returned after the invoice: the credit note still follows (egreso, TipoRelacion 03).
    const r3 = await giveBack(sale.id, [{ lineNo: 2, quantity: '1' }]);
    const cn = await api('POST', '/credit-notes', { returnId: r3.id });
    expect(cn.statusCode, cn.body).toBe(201);
    expect(cn.json()).toMatchObject({ kind: 'egreso', total: r3.refund.amount, relatedInvoiceId: inv.id });
    const cnXml = await keep('credit-note-after-net', cn.json().id);
    expect(conceptosOf(cnXml).map((c) => c.attrs.Cantidad)).toEqual(['1']);
  });

  it('matches paid − refunded to the centavo over many tickets with partial returns and ticket discounts', async () => {
    const kinds = [
      { price: '9.99' },
      { price: '17.35', iva: 'iva8' as const },
      { price: '33.33', ieps: { type: 'rate' as const, value: '0.265000' } },
      { price: '1.07', priceIncludesTax: false },
      { price: '149.90', iva: 'exento' as const },
      { price: '129.90', soldByWeight: true },
    ];
    const skus: string[] = [];
    for (const k of kinds) skus.push(await stocked(biz, k));
    for (let t = 0; t < 6; t++) {
      const lines = skus.map((skuId, i) => ({
        skuId,
        quantity: i === 5 ? ['1.333', '0.875', '2.005'][t % 3]! : String(2 + ((i + t) % 4)),
        ...((i + t) % 2 ? { discount: '0.37' } : {}),
      }));
      const sale = await sell(env, biz, lines, { customerId, ...(t % 2 ? { discount: '3.33' } : {}) });
      const back = skus
        .map((_, i) => ({ lineNo: i + 1, quantity: i === 5 ? '0.333' : '1' }))
        .filter((_, i) => (i + t) % 3 !== 0);
      const ret = await giveBack(sale.id, back);
      const inv = await invoice([sale.id]);
      expect(inv.total).toBe(new D(sale.total).minus(ret.refund.amount).toFixed(2));
      await keep(`net-combo-${t}`, inv.id);
    }
  });

  it('waits for a return still being recorded on the ticket, then invoices net of it', async () => {
    const a = await stocked(biz, { price: '18.00' });
    const sale = await sell(env, biz, [{ skuId: a, quantity: '3' }], { customerId });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started!: () => void;
    const inReturn = new Promise<void>((r) => {
      started = r;
    });
    const returning = env.db.db.transaction().execute(async (trx) => {
      const r = await recordReturn(
        { ...biz.ctx, db: trx },
        {
          saleId: sale.id,
          reason: 'defectuoso',
          lines: [{ lineNo: 1, quantity: '1', disposition: 'restock' }],
          refund: { method: 'cash' },
        },
      );
      started();
      await gate;
      return r;
    });
    await inReturn;
    let inv: { id: string; total: string };
    if (env.db.kind === 'postgres') {
      // The invoice starts while the return holds the ticket's lines: it must wait for it.
      const pending = invoice([sale.id]);
      await new Promise((r) => setTimeout(r, 300));
      release();
      await returning;
      inv = await pending;
    } else {
      // PGlite has one connection: the open transaction would block the invoice's queries, so
      // there the return commits first; the outcome asserted is the same.
      release();
      await returning;
      inv = await invoice([sale.id]);
    }
    expect(inv.total).toBe('36.00');
    const ret = await returning;
    const cn = await api('POST', '/credit-notes', { returnId: ret.id });
    expect(cn.json().error.code).toBe('RETURN_ALREADY_NETTED');
    await keep('net-after-concurrent-return', inv.id);
  });

  it('refuses a ticket returned in full with a clear message, and leaves nothing behind', async () => {
    const a = await stocked(biz, { price: '18.00' });
    const sale = await sell(
      env,
      biz,
      [
        { skuId: a, quantity: '2' },
        { skuId: a, quantity: '1' },
      ],
      { customerId },
    );
    await giveBack(sale.id, [{ lineNo: 1, quantity: '1' }]);
    await giveBack(sale.id, [
      { lineNo: 1, quantity: '1' },
      { lineNo: 2, quantity: '1' },
    ]);
    const count = async () =>
      (
        await env.db.db
          .selectFrom('invoices')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('tenant_id', '=', biz.tenantId)
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    const r = await api('POST', '/invoices', { saleIds: [sale.id], customerId }, biz.as.cashier);
    expect(r.statusCode).toBe(422);
    expect(r.json().error).toMatchObject({
      code: 'INVOICE_SALE_FULLY_RETURNED',
      message: `El ticket ${sale.ticketNumber} se devolvió completo: no queda nada que facturar.`,
      details: { saleId: sale.id, ticketNumber: sale.ticketNumber },
    });
    expect(await count()).toBe(before);
    const en = await call(
      env.app,
      biz.as.cashier,
      'POST',
      '/api/v1/invoicing/invoices',
      { saleIds: [sale.id], customerId },
      { 'accept-language': 'en' },
    );
    expect(en.json().error.message).toBe(
      `Ticket ${sale.ticketNumber} was returned in full: there is nothing left to invoice.`,
    );
  });
});

describe('stamping outbox', () => {
  it('leaves an invoice pending while the PAC is down and stamps it once when it is back', async () => {
    const a = await stocked(biz, { price: '45.00' });
    const s = await sell(env, biz, [{ skuId: a, quantity: '2' }], { customerId });
    pac.down = true;
    pac.sent = [];
    const r = await api('POST', '/invoices', { saleIds: [s.id], customerId }, biz.as.cashier);
    expect(r.statusCode, r.body).toBe(201);
    const pending = r.json();
    expect(pending).toMatchObject({ status: 'pending', uuid: null, total: '90.00' });
    expect(pending.pacError).toMatchObject({ code: 'HTTP_503', kind: 'unavailable', attempts: 1 });
    const list = await api('GET', '/invoices?status=pending');
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(pending.id);
    // Backoff: nothing runs before the next attempt is due.
    const deps = { db: env.db.db, pac, now: () => env.clock.now };
    expect(await runPacJobs(deps, { invoiceId: pending.id })).toBe(0);
    env.clock.advance(31_000);
    expect(await runPacJobs(deps, { invoiceId: pending.id })).toBe(1);
    pac.down = false;
    env.clock.advance(61_000);
    const stampsBefore = pac.inner.stampCount;
    // The PAC stamps but the answer is lost: the retry gets the same UUID back, not a second one.
    pac.loseAnswer = true;
    await runPacJobs(deps, { invoiceId: pending.id });
    pac.loseAnswer = false;
    env.clock.advance(200_000);
    await runPacJobs(deps, { invoiceId: pending.id });
    const done = (await api('GET', `/invoices/${pending.id}`)).json();
    expect(done).toMatchObject({ status: 'stamped', pacError: null });
    expect(pac.inner.stampCount - stampsBefore).toBe(1);
    expect(new Set(pac.sent).size).toBe(1);
    expect(pac.sent.length).toBe(4);
    expect(await runPacJobs(deps, { invoiceId: pending.id })).toBe(0);
    const job = await env.db.db
      .selectFrom('pac_jobs')
      .selectAll()
      .where('invoice_id', '=', pending.id)
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', attempts: 4 });
    await keep('after-outage', pending.id);
  });

  it('keeps documents append-only and writes every fiscal action to the audit log', async () => {
    const doc = await env.db.db
      .selectFrom('invoice_documents')
      .select(['id'])
      .where('tenant_id', '=', biz.tenantId)
      .executeTakeFirstOrThrow();
    await expect(
      env.db.db
        .updateTable('invoice_documents')
        .set({ content: 'x' })
        .where('tenant_id', '=', biz.tenantId)
        .where('id', '=', doc.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
    const actions = await env.db.db
      .selectFrom('audit_log')
      .select('action')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    const set = new Set(actions.map((a) => a.action));
    for (const a of ['fiscal.profile_set', 'fiscal.csd_uploaded', 'invoice.issued', 'invoice.stamped'])
      expect(set).toContain(a);
  });
});

describe('global invoice', () => {
  it('covers the day’s tickets nobody invoiced, never one invoiced individually, and empties the report', async () => {
    const a = await stocked(biz, { price: '12.50' });
    const b = await stocked(biz, { price: '30.00', iva: 'iva0' });
    const early = await sell(env, biz, [{ skuId: b, quantity: '2' }]);
    const t1 = await sell(env, biz, [{ skuId: a, quantity: '2' }]);
    const t2 = await sell(env, biz, [
      { skuId: a, quantity: '1' },
      { skuId: b, quantity: '3' },
    ]);
    const t3 = await sell(env, biz, [{ skuId: b, quantity: '1' }], { customerId });
    const card = await sell(env, biz, [{ skuId: a, quantity: '16' }], {
      payments: [{ method: 'card', amount: '200.00', reference: 'AUT123', cardType: 'debito' }],
    });
    // Backdate the tickets (no service records a sale in the past).
    const backdate = (ids: string[], at: string) =>
      env.db.db
        .updateTable('sales')
        .set({ created_at: new Date(at) })
        .where('tenant_id', '=', biz.tenantId)
        .where('id', 'in', ids)
        .execute();
    await backdate([t1.id, t2.id, t3.id, card.id], '2026-11-20T18:00:00Z');
    await backdate([early.id], '2026-11-10T18:00:00Z');
    const individual = await invoice([t3.id]);
    let report = (await api('GET', '/reports/undocumented-sales?from=2026-11-20&to=2026-11-20')).json();
    expect(report.sales.map((x: { saleId: string }) => x.saleId).sort()).toEqual(
      [t1.id, t2.id, card.id].sort(),
    );
    expect(report.byChannel).toEqual([
      { channel: 'counter', count: 3, total: new D(t1.total).plus(t2.total).plus(card.total).toFixed(2) },
    ]);
    const r = await api('POST', '/global-invoices', {
      locationId: biz.storeId,
      periodicidad: '01',
      date: '2026-11-20',
    });
    expect(r.statusCode, r.body).toBe(201);
    const g = r.json();
    expect(g.saleIds.sort()).toEqual([t1.id, t2.id, card.id].sort());
    expect(g.saleIds).not.toContain(individual.saleIds[0]);
    expect(g).toMatchObject({
      status: 'stamped',
      receptor: { rfc: 'XAXX010101000', nombre: 'PUBLICO EN GENERAL' },
      formaPago: '28',
    });
    expect(g.total).toBe(new D(t1.total).plus(t2.total).plus(card.total).toFixed(2));
    const xml = await keep('global-daily', g.id);
    expect(xml).toContain('Periodicidad="01" Meses="11" Año="2026"');
    expect(xml).toContain(`NoIdentificacion="${t2.ticketNumber}"`);
    report = (await api('GET', '/reports/undocumented-sales?from=2026-11-20&to=2026-11-20')).json();
    expect(report.count).toBe(0);
    const again = await api('POST', '/global-invoices', {
      locationId: biz.storeId,
      periodicidad: '01',
      date: '2026-11-20',
    });
    expect(again.json().error.code).toBe('GLOBAL_NOTHING_TO_INVOICE');
    const monthly = await api('POST', '/global-invoices', {
      locationId: biz.storeId,
      periodicidad: '04',
      date: '2026-11-10',
    });
    expect(monthly.statusCode, monthly.body).toBe(201);
    expect(monthly.json().saleIds).toEqual([early.id]);
    await keep('global-monthly', monthly.json().id);
  });
});

describe('global invoice of tickets with returns', () => {
  it('leaves a fully returned ticket out, covers the rest net of returns, and agrees with the report', async () => {
    const a = await stocked(biz, { price: '12.50' });
    const q = await stocked(biz, { price: '74.00', ieps: { type: 'quota', value: '0.594400' } });
    const partial = await sell(env, biz, [
      { skuId: a, quantity: '4' },
      { skuId: q, quantity: '2' },
    ]);
    const full = await sell(env, biz, [{ skuId: a, quantity: '1' }]);
    const plain = await sell(env, biz, [{ skuId: q, quantity: '1' }]);
    await env.db.db
      .updateTable('sales')
      .set({ created_at: new Date('2026-10-15T18:00:00Z') })
      .where('tenant_id', '=', biz.tenantId)
      .where('id', 'in', [partial.id, full.id, plain.id])
      .execute();
    const rp = await giveBack(partial.id, [
      { lineNo: 1, quantity: '1' },
      { lineNo: 2, quantity: '1' },
    ]);
    expect(rp.refund.amount).toBe('86.50');
    await giveBack(full.id, [{ lineNo: 1, quantity: '1' }]);
    const url = '/reports/undocumented-sales?from=2026-10-15&to=2026-10-15';
    let report = (await api('GET', url)).json();
    // The ticket returned in full has nothing left to document: it is not pending.
    expect(report.sales.map((x: { saleId: string }) => x.saleId).sort()).toEqual(
      [partial.id, plain.id].sort(),
    );
    expect(report.sales.find((x: { saleId: string }) => x.saleId === partial.id)).toMatchObject({
      total: '111.50',
      refunded: '86.50',
    });
    expect(partial.total).toBe('198.00');
    expect(report.total).toBe(new D('111.50').plus(plain.total).toFixed(2));
    const r = await api('POST', '/global-invoices', {
      locationId: biz.storeId,
      periodicidad: '01',
      date: '2026-10-15',
    });
    expect(r.statusCode, r.body).toBe(201);
    const g = r.json();
    expect(g.saleIds.sort()).toEqual([partial.id, plain.id].sort());
    expect(g.total).toBe(report.total);
    const xml = await keep('global-net-of-returns', g.id);
    const cs = conceptosOf(xml);
    expect(cs.map((c) => c.attrs.NoIdentificacion)).not.toContain(String(full.ticketNumber));
    const ofPartial = cs.filter((c) => c.attrs.NoIdentificacion === String(partial.ticketNumber));
    expect(ofPartial).toHaveLength(2);
    // The quota is charged on the one piece kept.
    expect(ofPartial.flatMap((c) => c.traslados).find((t) => t.TipoFactor === 'Cuota')).toMatchObject({
      Base: '1.000000',
      Importe: '0.594400',
    });
    report = (await api('GET', url)).json();
    expect(report).toMatchObject({ count: 0, total: '0.00' });
  });
});

describe('credit notes for tickets in a global invoice', () => {
  it('issues an egreso to público en general related to the global with TipoRelacion 01, per ticket and tax group, Total = refund', async () => {
    const a = await stocked(biz, { price: '116.00' });
    const z = await stocked(biz, { price: '50.00', iva: 'iva0' });
    const q = await stocked(biz, { price: '74.00', ieps: { type: 'quota', value: '0.594400' } });
    const t1 = await sell(env, biz, [
      { skuId: a, quantity: '3' },
      { skuId: z, quantity: '2' },
      { skuId: q, quantity: '2' },
    ]);
    expect(t1.total).toBe('596.00');
    const t2 = await sell(env, biz, [{ skuId: a, quantity: '1' }], {
      payments: [{ method: 'card', amount: '116.00', reference: 'AUT-771', cardType: 'debito' }],
    });
    await env.db.db
      .updateTable('sales')
      .set({ created_at: new Date('2026-09-15T18:00:00Z') })
      .where('tenant_id', '=', biz.tenantId)
      .where('id', 'in', [t1.id, t2.id])
      .execute();
    // Returned before the global: the global leaves it out, so it never gets a credit note.
    const before = await giveBack(t1.id, [{ lineNo: 1, quantity: '1' }]);
    expect(before.refund.amount).toBe('116.00');
    const gr = await api('POST', '/global-invoices', {
      locationId: biz.storeId,
      periodicidad: '04',
      date: '2026-09-15',
    });
    expect(gr.statusCode, gr.body).toBe(201);
    const g = gr.json();
    expect(g).toMatchObject({ status: 'stamped', total: '596.00' });
    expect(g.saleIds.sort()).toEqual([t1.id, t2.id].sort());
    await keep('global-before-credit-notes', g.id);

    // One of each line comes back after the global: 116.00 + 50.00 + 74.00.
    const after = await giveBack(t1.id, [
      { lineNo: 1, quantity: '1' },
      { lineNo: 2, quantity: '1' },
      { lineNo: 3, quantity: '1' },
    ]);
    expect(after.refund.amount).toBe('240.00');
    const r = await api('POST', '/credit-notes', { returnId: after.id });
    expect(r.statusCode, r.body).toBe(201);
    const cn = r.json();
    expect(cn).toMatchObject({
      kind: 'egreso',
      tipoComprobante: 'E',
      status: 'stamped',
      total: '240.00',
      subtotal: '213.20',
      formaPago: '01',
      metodoPago: 'PUE',
      relatedInvoiceId: g.id,
      tipoRelacion: '01',
      returnId: after.id,
      customerId: null,
      saleIds: [],
      receptor: { rfc: 'XAXX010101000', nombre: 'PUBLICO EN GENERAL' },
    });
    const xml = await keep('credit-note-global', cn.id);
    expect(attrsOf(xml)).toMatchObject({
      TipoDeComprobante: 'E',
      FormaPago: '01',
      MetodoPago: 'PUE',
      SubTotal: '213.20',
      Total: '240.00',
      Exportacion: '01',
      LugarExpedicion: '42501',
    });
    expect(attrsOf(xml, 'InformacionGlobal')).toEqual({ Periodicidad: '04', Meses: '09', Año: '2026' });
    expect(attrsOf(xml, 'Receptor')).toEqual({
      Rfc: 'XAXX010101000',
      Nombre: 'PUBLICO EN GENERAL',
      DomicilioFiscalReceptor: '42501',
      RegimenFiscalReceptor: '616',
      UsoCFDI: 'S01',
    });
    expect(attrsOf(xml, 'CfdiRelacionados')).toEqual({ TipoRelacion: '01' });
    expect(xml).toContain(`<cfdi:CfdiRelacionado UUID="${g.uuid}"/>`);
    // The ticket, one concepto per tax group, as the global carried it; taxes at 6 decimals.
    const ticket = String(t1.ticketNumber);
    expect(conceptosOf(xml)).toEqual([
      {
        attrs: {
          ClaveProdServ: '01010101',
          NoIdentificacion: ticket,
          Cantidad: '1',
          ClaveUnidad: 'ACT',
          Descripcion: 'Devolución',
          ValorUnitario: '100.000000',
          Importe: '100.000000',
          ObjetoImp: '02',
        },
        traslados: [
          {
            Base: '100.000000',
            Impuesto: '002',
            TipoFactor: 'Tasa',
            TasaOCuota: '0.160000',
            Importe: '16.000000',
          },
        ],
      },
      {
        attrs: {
          ClaveProdServ: '01010101',
          NoIdentificacion: ticket,
          Cantidad: '1',
          ClaveUnidad: 'ACT',
          Descripcion: 'Devolución',
          ValorUnitario: '50.000000',
          Importe: '50.000000',
          ObjetoImp: '02',
        },
        traslados: [
          {
            Base: '50.000000',
            Impuesto: '002',
            TipoFactor: 'Tasa',
            TasaOCuota: '0.000000',
            Importe: '0.000000',
          },
        ],
      },
      {
        attrs: {
          ClaveProdServ: '01010101',
          NoIdentificacion: ticket,
          Cantidad: '1',
          ClaveUnidad: 'ACT',
          Descripcion: 'Devolución',
          // Half of the line's base 126.397408: the one piece of two that came back.
          ValorUnitario: '63.198704',
          Importe: '63.198704',
          ObjetoImp: '02',
        },
        traslados: [
          // The IEPS quota on the one piece returned; IVA on the price plus the quota.
          {
            Base: '1.000000',
            Impuesto: '003',
            TipoFactor: 'Cuota',
            TasaOCuota: '0.594400',
            Importe: '0.594400',
          },
          {
            Base: '63.793104',
            Impuesto: '002',
            TipoFactor: 'Tasa',
            TasaOCuota: '0.160000',
            Importe: '10.206897',
          },
        ],
      },
    ]);
    expect(attrsOf(xml, 'Impuestos')).toEqual({ TotalImpuestosTrasladados: '26.80' });

    // A card refund: FormaPago of the card the ticket was paid with (28 debit).
    const card = await giveBack(t2.id, [{ lineNo: 1, quantity: '1' }], {
      method: 'card',
      reference: 'DEV-1',
    });
    const cr = await api('POST', '/credit-notes', { returnId: card.id });
    expect(cr.statusCode, cr.body).toBe(201);
    expect(cr.json()).toMatchObject({
      total: '116.00',
      subtotal: '100.00',
      formaPago: '28',
      tipoRelacion: '01',
    });
    const cardXml = await keep('credit-note-global-card', cr.json().id);
    expect(attrsOf(cardXml, 'InformacionGlobal')).toEqual({ Periodicidad: '04', Meses: '09', Año: '2026' });
    expect(conceptosOf(cardXml).map((c) => [c.attrs.NoIdentificacion, c.attrs.ValorUnitario])).toEqual([
      [String(t2.ticketNumber), '100.000000'],
    ]);

    // The return made before the global, a second note for the same return: refused, nothing issued.
    const count = async () =>
      (
        await env.db.db
          .selectFrom('invoices')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('tenant_id', '=', biz.tenantId)
          .executeTakeFirstOrThrow()
      ).n;
    const n = await count();
    const netted = await api('POST', '/credit-notes', { returnId: before.id });
    expect(netted.statusCode).toBe(422);
    expect(netted.json().error).toMatchObject({
      code: 'RETURN_ALREADY_NETTED',
      message: `Esta devolución se hizo antes de facturar: la factura ${g.serie}-${g.folio} ya no incluye esas piezas, así que no lleva nota de crédito.`,
    });
    const dup = await api('POST', '/credit-notes', { returnId: after.id });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('CREDIT_NOTE_DUPLICATE');
    expect(await count()).toBe(n);

    // Cancelled before SAT (motive 02), the card note frees its return: a new note may be issued.
    const cancelCard = await api('POST', `/invoices/${cr.json().id}/cancel`, { motivo: '02' });
    expect(cancelCard.json().cancelStatus).toBe('cancelled');
    const again = await api('POST', '/credit-notes', { returnId: card.id, tipoRelacion: '01' });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ kind: 'egreso', status: 'stamped', returnId: card.id });
    expect(again.json().id).not.toBe(cr.json().id);
    const againTwice = await api('POST', '/credit-notes', { returnId: card.id });
    expect(againTwice.json().error.code).toBe('CREDIT_NOTE_DUPLICATE');

    // The invoice detail's sources: its returns (netted or not) and its related documents.
    const rets = (await api('GET', `/invoices/${g.id}/returns`)).json().items;
    expect(
      rets.map((x: { id: string; ticketNumber: number; netted: boolean }) => [
        x.id,
        x.ticketNumber,
        x.netted,
      ]),
    ).toEqual([
      [before.id, t1.ticketNumber, true],
      [after.id, t1.ticketNumber, false],
      [card.id, t2.ticketNumber, false],
    ]);
    const related = (await api('GET', `/invoices?relatedTo=${g.id}`)).json();
    expect(related.items.map((x: { id: string }) => x.id)).toEqual([again.json().id, cr.json().id, cn.id]);
    expect(related.next).toBeNull();
    const audit = await env.db.db
      .selectFrom('audit_log')
      .select('action')
      .where('tenant_id', '=', biz.tenantId)
      .where('entity_id', '=', cn.id)
      .orderBy('id')
      .execute();
    expect(audit.map((x) => x.action)).toEqual(['invoice.issued', 'invoice.stamped']);
  });
});

describe('invoice list filters', () => {
  it('filters by business dates in the business time zone, cancellation status and related invoice, with the cursor intact', async () => {
    const a = await stocked(biz, { price: '20.00' });
    const s1 = await sell(env, biz, [{ skuId: a, quantity: '1' }], { customerId });
    const s2 = await sell(env, biz, [{ skuId: a, quantity: '2' }], { customerId });
    const s3 = await sell(env, biz, [{ skuId: a, quantity: '3' }], { customerId });
    const i1 = await invoice([s1.id]);
    const i2 = await invoice([s2.id]);
    const i3 = await invoice([s3.id]);
    const c = await api('POST', `/invoices/${i1.id}/cancel`, { motivo: '02' });
    expect(c.json().cancelStatus).toBe('cancelled');
    // 05:30 UTC on March 10 is 23:30 on March 9 in Mexico City: a March 9 invoice there.
    const at = async (id: string, iso: string) =>
      env.db.db
        .updateTable('invoices')
        .set({ created_at: new Date(iso) })
        .where('tenant_id', '=', biz.tenantId)
        .where('id', '=', id)
        .execute();
    await at(i1.id, '2026-03-10T05:30:00Z');
    await at(i2.id, '2026-03-09T06:00:00Z');
    await at(i3.id, '2026-03-10T06:00:00Z');
    const ids = async (q: string) => {
      const r = await api('GET', `/invoices?${q}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json().items.map((x: { id: string }) => x.id);
    };
    expect(await ids('from=2026-03-09&to=2026-03-09')).toEqual([i2.id, i1.id]);
    expect(await ids('from=2026-03-10&to=2026-03-10')).toEqual([i3.id]);
    expect(await ids('from=2026-03-09&to=2026-03-10&kind=ingreso')).toEqual([i3.id, i2.id, i1.id]);
    expect(await ids('from=2026-03-09&to=2026-03-10&cancellationStatus=cancelled')).toEqual([i1.id]);
    expect(await ids('from=2026-03-09&to=2026-03-10&cancellationStatus=none')).toEqual([i3.id, i2.id]);
    const p1 = (await api('GET', '/invoices?from=2026-03-09&to=2026-03-10&limit=2')).json();
    expect(p1.items.map((x: { id: string }) => x.id)).toEqual([i3.id, i2.id]);
    expect(p1.next).toBe(i2.id);
    const p2 = (await api('GET', `/invoices?from=2026-03-09&to=2026-03-10&limit=2&after=${p1.next}`)).json();
    expect(p2).toMatchObject({ items: [{ id: i1.id, cancelStatus: 'cancelled' }], next: null });
    expect(await ids(`relatedTo=${i2.id}`)).toEqual([]);
    const bad = await api('GET', '/invoices?from=9-3-2026');
    expect(bad.statusCode).toBe(400);
    const badStatus = await api('GET', '/invoices?cancellationStatus=gone');
    expect(badStatus.statusCode).toBe(400);
  });
});

describe('credit notes, payments, cancellation', () => {
  it('issues a credit note related with TipoRelacion 03 for a return on an invoiced sale', async () => {
    const a = await stocked(biz, { price: '18.00' });
    const b = await stocked(biz, { price: '59.90', ieps: { type: 'rate', value: '0.080000' } });
    const s = await sell(
      env,
      biz,
      [
        { skuId: a, quantity: '3' },
        { skuId: b, quantity: '2' },
      ],
      { customerId, discount: '2.00' },
    );
    const inv = await invoice([s.id]);
    const ret = await call(env.app, biz.as.cashier, 'POST', '/api/v1/returns', {
      saleId: s.id,
      reason: 'defectuoso',
      lines: [{ lineNo: 2, quantity: '1' }],
      refund: { method: 'cash' },
    });
    expect(ret.statusCode, ret.body).toBe(201);
    const r = await api('POST', '/credit-notes', { returnId: ret.json().id });
    expect(r.statusCode, r.body).toBe(201);
    const cn = r.json();
    expect(cn).toMatchObject({
      kind: 'egreso',
      tipoComprobante: 'E',
      status: 'stamped',
      total: ret.json().refund.amount,
      relatedInvoiceId: inv.id,
      tipoRelacion: '03',
    });
    const xml = await keep('credit-note', cn.id);
    expect(xml).toContain(`<cfdi:CfdiRelacionados TipoRelacion="03">`);
    expect(xml).toContain(`UUID="${inv.uuid}"`);
    const dup = await api('POST', '/credit-notes', { returnId: ret.json().id });
    expect(dup.json().error.code).toBe('CREDIT_NOTE_DUPLICATE');
  });

  it('invoices an on-account sale PPD/99 and records Pagos 2.0 in two parts down to saldo insoluto 0', async () => {
    const a = await stocked(biz, { price: '250.00' });
    const s = await sell(env, biz, [{ skuId: a, quantity: '4' }], {
      customerId,
      payments: [{ method: 'on_account', amount: '1000.00' }],
    });
    const inv = await invoice([s.id]);
    expect(inv).toMatchObject({ metodoPago: 'PPD', formaPago: '99', total: '1000.00', balance: '1000.00' });
    await keep('ppd', inv.id);
    const p1 = await api('POST', `/invoices/${inv.id}/payments`, {
      amount: '400.00',
      formaPago: '03',
      paidAt: env.clock.now.toISOString(),
    });
    expect(p1.statusCode, p1.body).toBe(201);
    expect(p1.json().payment).toMatchObject({
      numParcialidad: 1,
      saldoAnterior: '1000.00',
      saldoInsoluto: '600.00',
    });
    expect(p1.json().pago).toMatchObject({ kind: 'pago', tipoComprobante: 'P', status: 'stamped' });
    const x1 = await keep('pago-1', p1.json().pago.id);
    expect(x1).toContain('ImpSaldoAnt="1000.00" ImpPagado="400.00" ImpSaldoInsoluto="600.00"');
    const over = await api('POST', `/invoices/${inv.id}/payments`, { amount: '600.01', formaPago: '01' });
    expect(over.json().error.code).toBe('PAYMENT_EXCEEDS_BALANCE');
    const p2 = await api('POST', `/invoices/${inv.id}/payments`, { amount: '600.00', formaPago: '01' });
    expect(p2.json().payment).toMatchObject({
      numParcialidad: 2,
      saldoAnterior: '600.00',
      saldoInsoluto: '0.00',
    });
    const x2 = await keep('pago-2', p2.json().pago.id);
    expect(x2).toContain('NumParcialidad="2"');
    expect((await api('GET', `/invoices/${inv.id}`)).json().balance).toBe('0.00');
    // Its payment complements, through the list's relatedTo filter.
    const related = (await api('GET', `/invoices?relatedTo=${inv.id}`)).json();
    expect(related.items.map((x: { id: string; kind: string }) => [x.id, x.kind])).toEqual([
      [p2.json().pago.id, 'pago'],
      [p1.json().pago.id, 'pago'],
    ]);
    const pue = await api('POST', `/invoices/${p2.json().pago.id}/payments`, {
      amount: '1.00',
      formaPago: '01',
    });
    expect(pue.json().error.code).toBe('PAYMENT_NOT_PPD');
  });

  it('an abono on the customer’s account pays their credit invoices oldest first, each with its CFDI de pago, once', async () => {
    const c = await fiadoCustomer('Rosa Abonos', { phone: '5512340077' });
    const a = await stocked(biz, { price: '100.00' });
    const onAccount = async (qty: string, amount: string) =>
      (
        await sell(env, biz, [{ skuId: a, quantity: qty }], {
          customerId: c.id,
          payments: [{ method: 'on_account', amount }],
        })
      ).id;
    const older = await invoice([await onAccount('3', '300.00')], { customerId: c.id });
    env.clock.advance(60_000);
    const newer = await invoice([await onAccount('2', '200.00')], { customerId: c.id });
    await onAccount('1', '100.00'); // a ticket on account nobody invoiced
    expect([older.metodoPago, newer.metodoPago]).toEqual(['PPD', 'PPD']);
    const account = async () =>
      (await call(env.app, biz.as.cashier, 'GET', `/api/v1/customers/${c.id}/account`)).json().balance;
    expect(await account()).toBe('600.00');
    const paymentsOf = (invoiceId: string) =>
      env.db.db
        .selectFrom('invoice_payments')
        .select(['amount', 'saldo_insoluto', 'account_movement_id'])
        .where('invoice_id', '=', invoiceId)
        .execute();

    const abono = { id: newId('acm'), amount: '400.00', method: 'spei', reference: 'SPEI-77' };
    const pay = () =>
      call(env.app, biz.as.cashier, 'POST', `/api/v1/customers/${c.id}/account/payments`, abono);
    const r = await pay();
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().balance).toBe('200.00'); // the account came down by the abono, once
    const issued = r.json().invoicePayments;
    expect(issued.map((p: { invoiceId: string; amount: string }) => [p.invoiceId, p.amount])).toEqual([
      [older.id, '300.00'],
      [newer.id, '100.00'],
    ]);
    expect(issued.every((p: { errorCode: string | null }) => p.errorCode === null)).toBe(true);
    expect(await paymentsOf(older.id)).toEqual([
      { amount: '300.00', saldo_insoluto: '0.00', account_movement_id: abono.id },
    ]);
    expect(await paymentsOf(newer.id)).toEqual([
      { amount: '100.00', saldo_insoluto: '100.00', account_movement_id: abono.id },
    ]);
    const deps = { db: env.db.db, pac, now: () => env.clock.now };
    for (const p of issued) await runPacJobs(deps, { invoiceId: p.pagoInvoiceId });
    const x1 = await keep('abono-pago-1', issued[0].pagoInvoiceId);
    expect(x1).toContain('ImpSaldoAnt="300.00" ImpPagado="300.00" ImpSaldoInsoluto="0.00"');
    expect(x1).toContain('FormaDePagoP="03"');
    expect(x1).toContain('NumOperacion="SPEI-77"');
    const x2 = await keep('abono-pago-2', issued[1].pagoInvoiceId);
    expect(x2).toContain('ImpSaldoAnt="200.00" ImpPagado="100.00" ImpSaldoInsoluto="100.00"');

    // the terminal sends it again (lost answer): the same complements, nothing new
    const again = await pay();
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().invoicePayments.map((p: { pagoInvoiceId: string }) => p.pagoInvoiceId)).toEqual(
      issued.map((p: { pagoInvoiceId: string }) => p.pagoInvoiceId),
    );
    expect(await paymentsOf(newer.id)).toHaveLength(1);
    expect(await account()).toBe('200.00');

    // a piece of the newer invoice comes back onto the account, with its credit note: the
    // invoice's balance is what is left after payments and credit notes
    const ret = await giveBack(newer.saleIds[0], [{ lineNo: 1, quantity: '1' }], { method: 'on_account' });
    const cn = await api('POST', '/credit-notes', { returnId: ret.id });
    expect(cn.statusCode, cn.body).toBe(201);
    expect(await account()).toBe('100.00');
    expect((await api('GET', `/invoices/${newer.id}`)).json().balance).toBe('0.00');
    const thirdTicket = await onAccount('1', '100.00');
    const third = await invoice([thirdTicket], { customerId: c.id });
    expect((await api('GET', `/invoices/${third.id}`)).json().balance).toBe('100.00');

    // a complement that cannot be issued (no active CSD) leaves the abono recorded, says why, and
    // is issued by itself once it can be
    const lateBody = { id: newId('acm'), amount: '150.00', method: 'spei', reference: 'SPEI-78' };
    const payLate = () =>
      call(env.app, biz.as.cashier, 'POST', `/api/v1/customers/${c.id}/account/payments`, lateBody);
    const waiting = {
      invoiceId: third.id,
      invoice: `${third.serie}-${third.folio}`,
      amount: '100.00',
      pagoInvoiceId: null,
      errorCode: 'CSD_REQUIRED',
    };
    await withoutCsd(async () => {
      const late = await payLate();
      expect(late.statusCode, late.body).toBe(201);
      expect(late.json().balance).toBe('50.00');
      // the newer invoice owes nothing after its credit note: the abono goes to the third
      expect(late.json().invoicePayments).toEqual([waiting]);
      expect(await paymentsOf(third.id)).toHaveLength(0);
      // its part counts against the invoice at once: Facturación cannot take it twice
      expect((await api('GET', `/invoices/${third.id}`)).json().balance).toBe('0.00');
      const twice = await api('POST', `/invoices/${third.id}/payments`, {
        amount: '100.00',
        formaPago: '03',
      });
      expect(twice.json().error.code).toBe('PAYMENT_EXCEEDS_BALANCE');
      // still no CSD a minute later: it waits again
      env.clock.advance(61_000);
      expect(await retryPendingAbonoPagos(env.db.db, env.clock.now)).toEqual([]);
      expect((await payLate()).json().invoicePayments).toEqual([waiting]);
    });
    env.clock.advance(121_000);
    const [pagoId] = await retryPendingAbonoPagos(env.db.db, env.clock.now);
    expect(pagoId).toMatch(/^inv_/);
    expect(await retryPendingAbonoPagos(env.db.db, env.clock.now)).toEqual([]);
    expect(await paymentsOf(third.id)).toEqual([
      { amount: '100.00', saldo_insoluto: '0.00', account_movement_id: lateBody.id },
    ]);
    // the abono sent again now answers the complement
    expect((await payLate()).json().invoicePayments).toEqual([
      { ...waiting, pagoInvoiceId: pagoId, errorCode: null },
    ]);
    await runPacJobs(deps, { invoiceId: pagoId });
    const x3 = await keep('abono-pago-3', pagoId!);
    expect(x3).toContain('ImpSaldoAnt="100.00" ImpPagado="100.00" ImpSaldoInsoluto="0.00"');
    expect(x3).toContain('NumOperacion="SPEI-78"');
    expect(await account()).toBe('50.00');
  });

  it('moves an abono’s pending part off an invoice cancelled meanwhile: to its replacement, then the oldest, the rest stays on the account', async () => {
    const c = await fiadoCustomer('Lupe Cancelada', { phone: '5512340078' });
    const a = await stocked(biz, { price: '100.00' });
    const onAccount = async (qty: string) =>
      (
        await sell(env, biz, [{ skuId: a, quantity: qty }], {
          customerId: c.id,
          payments: [{ method: 'on_account', amount: `${qty}00.00` }],
        })
      ).id;
    const first = await invoice([await onAccount('3')], { customerId: c.id });
    env.clock.advance(60_000);
    const second = await invoice([await onAccount('2')], { customerId: c.id });
    env.clock.advance(60_000);
    const account = async () =>
      (await call(env.app, biz.as.cashier, 'GET', `/api/v1/customers/${c.id}/account`)).json().balance;
    expect(await account()).toBe('500.00');
    const pending = () =>
      env.db.db
        .selectFrom('abono_pending_pagos')
        .select(['invoice_id', 'amount', 'next_attempt_at'])
        .where('tenant_id', '=', biz.tenantId)
        .orderBy('invoice_id')
        .execute();

    // no CSD in force: the abono's parts wait on both invoices
    const abono = { id: newId('acm'), amount: '400.00', method: 'spei', reference: 'SPEI-90' };
    const pay = () =>
      call(env.app, biz.as.cashier, 'POST', `/api/v1/customers/${c.id}/account/payments`, abono);
    await withoutCsd(async () => {
      const r = await pay();
      expect(r.statusCode, r.body).toBe(201);
      expect(
        r.json().invoicePayments.map((p: { invoiceId: string; amount: string }) => [p.invoiceId, p.amount]),
      ).toEqual([
        [first.id, '300.00'],
        [second.id, '100.00'],
      ]);
    });
    expect(await account()).toBe('100.00');

    // the first invoice is replaced by a new one (motive 01) before its complement is issued
    const third = await invoice([await onAccount('1')], { customerId: c.id });
    const cancel = await api('POST', `/invoices/${first.id}/cancel`, {
      motivo: '01',
      replacementUuid: third.uuid,
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json().cancelStatus).toBe('cancelled');
    // its 300.00: 100.00 to the replacement, 100.00 to what the second still owed, 200.00 of
    // which was already waiting; the last 100.00 stays a payment on the account
    expect((await pending()).map((p) => [p.invoice_id, p.amount])).toEqual(
      [
        [second.id, '200.00'],
        [third.id, '100.00'],
      ].sort((x, y) => (x[0] < y[0] ? -1 : 1)),
    );
    expect((await pending()).every((p) => new Date(p.next_attempt_at) <= env.clock.now)).toBe(true);
    expect(await auditDataOf(env.db, biz.tenantId, 'invoice.abono_pagos_moved')).toEqual([
      {
        moved: [
          { movementId: abono.id, invoiceId: third.id, amount: '100.00' },
          { movementId: abono.id, invoiceId: second.id, amount: '100.00' },
        ],
        released: [{ movementId: abono.id, amount: '100.00' }],
      },
    ]);
    expect((await api('GET', `/invoices/${second.id}`)).json().balance).toBe('0.00');
    expect((await api('GET', `/invoices/${third.id}`)).json().balance).toBe('0.00');

    // the worker issues both complements, dated when the abono was taken; the account is as it was
    const issued = await retryPendingAbonoPagos(env.db.db, env.clock.now);
    expect(issued).toHaveLength(2);
    expect(await pending()).toEqual([]);
    const paid = await env.db.db
      .selectFrom('invoice_payments')
      .select(['invoice_id', 'amount', 'saldo_insoluto', 'account_movement_id'])
      .where('account_movement_id', '=', abono.id)
      .orderBy('invoice_id')
      .execute();
    expect(paid.map((p) => [p.invoice_id, p.amount, p.saldo_insoluto, p.account_movement_id])).toEqual(
      [
        [second.id, '200.00', '0.00', abono.id],
        [third.id, '100.00', '0.00', abono.id],
      ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
    expect(
      (await pay())
        .json()
        .invoicePayments.map((p: { invoiceId: string }) => p.invoiceId)
        .sort(),
    ).toEqual([second.id, third.id].sort());
    expect(await account()).toBe('200.00');
  });

  it('holds an abono’s pending complement while its invoice’s cancellation waits for the receiver, and issues it once refused', async () => {
    const c = await fiadoCustomer('Memo Espera', { phone: '5512340079' });
    const a = await stocked(biz, { price: '1500.00' });
    const s = await sell(env, biz, [{ skuId: a, quantity: '1' }], {
      customerId: c.id,
      payments: [{ method: 'on_account', amount: '1500.00' }],
    });
    const big = await invoice([s.id], { customerId: c.id });
    await withoutCsd(async () => {
      const r = await call(env.app, biz.as.cashier, 'POST', `/api/v1/customers/${c.id}/account/payments`, {
        id: newId('acm'),
        amount: '500.00',
        method: 'spei',
        reference: 'SPEI-91',
      });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().invoicePayments).toMatchObject([{ invoiceId: big.id, errorCode: 'CSD_REQUIRED' }]);
    });
    const cancel = await api('POST', `/invoices/${big.id}/cancel`, { motivo: '02' });
    expect(cancel.json().cancelStatus).toBe('in_process');
    // a CFDI de pago related to it now would make SAT refuse the cancellation: it waits
    env.clock.advance(61_000);
    expect(await retryPendingAbonoPagos(env.db.db, env.clock.now)).toEqual([]);
    const row = () =>
      env.db.db
        .selectFrom('abono_pending_pagos')
        .select(['amount', 'next_attempt_at'])
        .where('invoice_id', '=', big.id)
        .executeTakeFirst();
    expect(new Date((await row())!.next_attempt_at) > env.clock.now).toBe(true);
    expect(await pac.inner.receiverAnswers(big.uuid, false)).toBe(true);
    expect((await api('POST', `/invoices/${big.id}/refresh`)).json().cancelStatus).toBe('rejected');
    env.clock.advance(6 * 60_000);
    expect(await retryPendingAbonoPagos(env.db.db, env.clock.now)).toHaveLength(1);
    expect(await row()).toBeUndefined();
    expect((await api('GET', `/invoices/${big.id}`)).json().balance).toBe('1000.00');
  });

  it('keeps a customer’s data while a credit invoice is unpaid; once paid, erases it and keeps the invoices', async () => {
    const c = await fiadoCustomer('Juan Crédito', { email: 'juan.credito@example.mx' });
    const a = await stocked(biz, { price: '100.00' });
    const s = await sell(env, biz, [{ skuId: a, quantity: '1' }], {
      customerId: c.id,
      payments: [{ method: 'on_account', amount: '100.00' }],
    });
    const inv = await invoice([s.id], { customerId: c.id });
    expect(inv).toMatchObject({ metodoPago: 'PPD', balance: '100.00' });
    const erase = () => call(env.app, biz.as.owner, 'POST', `/api/v1/customers/${c.id}/erase`, {});
    const refused = await erase();
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'PRIVACY_ERASE_UNPAID_INVOICES',
      details: { invoices: `${inv.serie}-${inv.folio}` },
    });
    expect((await call(env.app, biz.as.manager, 'GET', `/api/v1/customers/${c.id}`)).json().rfc).toBe(
      'GOMA850101AB1',
    );
    const paid = await api('POST', `/invoices/${inv.id}/payments`, { amount: '100.00', formaPago: '01' });
    expect(paid.statusCode, paid.body).toBe(201);
    await keep('pago-before-erasure', paid.json().pago.id);
    // paying the credit invoice paid what he bought on account: his account is settled too
    const account = (await call(env.app, biz.as.manager, 'GET', `/api/v1/customers/${c.id}/account`)).json();
    expect(account).toMatchObject({ balance: '0.00', paid: '100.00' });
    expect(account.statement[0]).toMatchObject({
      kind: 'payment',
      method: 'cash',
      note: `Pago de la factura ${inv.serie}-${inv.folio}`,
    });
    const done = await erase();
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().kept).toEqual({ sales: 1, invoices: 2 });
    // the CFDIs stay as issued: the tax law keeps them, with the receptor's RFC and name
    const kept = (await api('GET', `/invoices/${inv.id}`)).json();
    expect(kept).toMatchObject({
      status: 'stamped',
      receptor: { rfc: 'GOMA850101AB1', nombre: 'JUAN CREDITO GOMEZ' },
    });
    expect((await call(env.app, biz.as.manager, 'GET', `/api/v1/customers/${c.id}`)).json()).toMatchObject({
      rfc: null,
      name: '',
    });
  });

  it('cancels with motive 02 at once, releases the ticket, and keeps the acuse', async () => {
    const a = await stocked(biz, { price: '18.00' });
    const s = await sell(env, biz, [{ skuId: a, quantity: '1' }], { customerId });
    const inv = await invoice([s.id]);
    const noUuid = await api('POST', `/invoices/${inv.id}/cancel`, { motivo: '01' });
    expect(noUuid.json().error.code).toBe('CANCEL_MOTIVO_INVALID');
    const r = await api('POST', `/invoices/${inv.id}/cancel`, { motivo: '02' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ cancelStatus: 'cancelled', cancelMotivo: '02' });
    const docs = (await api('GET', `/invoices/${inv.id}/documents`)).json().items;
    expect(docs.map((d: { kind: string }) => d.kind)).toEqual(['sealed', 'stamped', 'cancel_acuse']);
    expect(docs[2].content).toContain(inv.uuid);
    const twice = await api('POST', `/invoices/${inv.id}/cancel`, { motivo: '02' });
    expect(twice.json().error.code).toBe('INVOICE_ALREADY_CANCELLED');
    const reinvoiced = await invoice([s.id]);
    expect(reinvoiced.status).toBe('stamped');
    await keep('reinvoiced', reinvoiced.id);
  });

  it('shows a cancellation over $1,000 in process until the receiver accepts it', async () => {
    const a = await stocked(biz, { price: '1500.00' });
    const s = await sell(env, biz, [{ skuId: a, quantity: '1' }], { customerId });
    const inv = await invoice([s.id]);
    const r = await api('POST', `/invoices/${inv.id}/cancel`, { motivo: '03' });
    expect(r.json().cancelStatus).toBe('in_process');
    expect(await pac.inner.receiverAnswers(inv.uuid, false)).toBe(true);
    const rejected = await api('POST', `/invoices/${inv.id}/refresh`);
    expect(rejected.json().cancelStatus).toBe('rejected');
    const retry = await api('POST', `/invoices/${inv.id}/cancel`, { motivo: '03' });
    expect(retry.json().cancelStatus).toBe('in_process');
    expect(await pac.inner.receiverAnswers(inv.uuid, true)).toBe(true);
    const done = await api('POST', `/invoices/${inv.id}/refresh`);
    expect(done.json().cancelStatus).toBe('cancelled');
  });
});

describe('sandbox PAC across a restart', () => {
  it('remembers its stamps and cancellations (status, acuse) in the database, not in memory', async () => {
    const a = await stocked(biz, { price: '1500.00' });
    const b = await stocked(biz, { price: '18.00' });
    const big = await invoice([(await sell(env, biz, [{ skuId: a, quantity: '1' }], { customerId })).id]);
    const small = await invoice([(await sell(env, biz, [{ skuId: b, quantity: '1' }], { customerId })).id]);
    const r = await api('POST', `/invoices/${big.id}/cancel`, { motivo: '02' });
    expect(r.json().cancelStatus).toBe('in_process');
    const acuse = await env.db.db
      .selectFrom('sandbox_pac_cancellations')
      .select(['acuse', 'estatus_cancelacion'])
      .where('uuid', '=', big.uuid)
      .executeTakeFirstOrThrow();
    expect(acuse).toMatchObject({ estatus_cancelacion: 'En proceso' });
    expect(acuse.acuse).toContain(`<UUID>${big.uuid}</UUID><EstatusUUID>201</EstatusUUID>`);
    // "Restart": a new sandbox instance over the same database; the old one is gone.
    const restarted = new SandboxPac({ db: env.db.db, now: () => env.clock.now });
    setPacClient(env.app, restarted);
    try {
      const status = { rfcEmisor: 'EKU9003173C9', rfcReceptor: 'CACX7605101P8', total: big.total };
      expect(await restarted.status({ uuid: big.uuid, ...status })).toEqual({
        estado: 'Vigente',
        esCancelable: 'Cancelable con aceptación',
        estatusCancelacion: 'En proceso',
      });
      // The same sealed document sent again gets its first UUID back (307), not a new stamp.
      const { xml: sealed } = await env.db.db
        .selectFrom('invoice_documents')
        .select('content as xml')
        .where('tenant_id', '=', biz.tenantId)
        .where('invoice_id', '=', small.id)
        .where('kind', '=', 'sealed')
        .executeTakeFirstOrThrow();
      expect(await restarted.stamp(sealed)).toMatchObject({ uuid: small.uuid, duplicate: true });
      expect(restarted.stampCount).toBe(0);
      // A UUID stamped before the restart can still be cancelled.
      const c = await api('POST', `/invoices/${small.id}/cancel`, { motivo: '02' });
      expect(c.json()).toMatchObject({ cancelStatus: 'cancelled' });
      // The receiver answers the cancellation requested before the restart.
      expect(await restarted.receiverAnswers(big.uuid, true)).toBe(true);
      const done = await api('POST', `/invoices/${big.id}/refresh`);
      expect(done.json().cancelStatus).toBe('cancelled');
      expect(await restarted.receiverAnswers(big.uuid, true)).toBe(false);
      const docs = (await api('GET', `/invoices/${big.id}/documents`)).json().items;
      expect(docs.map((d: { kind: string }) => d.kind)).toEqual(['sealed', 'stamped', 'cancel_acuse']);
      expect(docs[2].content).toBe(acuse.acuse);
      const audit = await env.db.db
        .selectFrom('audit_log')
        .select('action')
        .where('tenant_id', '=', biz.tenantId)
        .where('entity_id', '=', big.id)
        .orderBy('id')
        .execute();
      expect(audit.map((x) => x.action)).toEqual([
        'invoice.issued',
        'invoice.stamped',
        'invoice.cancellation_requested',
        'invoice.cancellation_in_process',
        'invoice.cancelled',
      ]);
    } finally {
      setPacClient(env.app, pac);
    }
  });
});

describe('PDF', () => {
  it('says the amount in Spanish words', () => {
    expect(amountInWords('123.45')).toBe('(CIENTO VEINTITRÉS PESOS 45/100 M.N.)');
    expect(amountInWords('1.00')).toBe('(UN PESO 00/100 M.N.)');
    expect(amountInWords('21.50')).toBe('(VEINTIÚN PESOS 50/100 M.N.)');
    expect(amountInWords('1000000.00')).toBe('(UN MILLÓN DE PESOS 00/100 M.N.)');
    expect(amountInWords('2571.09')).toBe('(DOS MIL QUINIENTOS SETENTA Y UN PESOS 09/100 M.N.)');
  });

  it('renders a downloadable PDF with the QR URL data, the timbre cadena and the amount in words', async () => {
    const a = await stocked(biz, { price: '123.45' });
    const s = await sell(env, biz, [{ skuId: a, quantity: '1' }], { customerId });
    const inv = await invoice([s.id]);
    const r = await call(env.app, biz.as.cashier, 'GET', `/api/v1/invoicing/invoices/${inv.id}/pdf`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    const text = r.rawPayload.toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text).toContain('(CIENTO VEINTITR\\311S PESOS 45/100 M.N.\\))');
    expect(text).toContain(`||1.1|${inv.uuid}|`);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
  });
});

describe('retentions on invoices from tickets', () => {
  type Biz = TestBusiness & { registerId: string };
  const cacx = (regimenFiscal: string) =>
    ({ rfc: 'CACX7605101P8', nombre: 'XOCHILT CASAS CHAVEZ', regimenFiscal }) as const;
  const EKU_RECEPTOR = {
    name: 'Escuela Kemper',
    rfc: 'EKU9003173C9',
    razonSocial: 'ESCUELA KEMPER URGATE',
    regimenFiscal: '601',
    usoCfdi: 'G03',
    codigoPostal: '42501',
  };

  /** Per concepto: its Retencion attributes; and the root, the summary Impuestos and its Retenciones. */
  function retentionsOf(xml: string) {
    const attrs = (n: XmlElement): Record<string, string> => Object.fromEntries(n.attrs);
    const root = parseXml(xml);
    const conceptos = children(children(root, 'Conceptos')[0]!, 'Concepto').map((c) =>
      children(c, 'Impuestos')
        .flatMap((i) => children(i, 'Retenciones'))
        .flatMap((r) => children(r, 'Retencion'))
        .map(attrs),
    );
    const imp = children(root, 'Impuestos')[0];
    return {
      root: attrs(root),
      conceptos,
      impuestos: imp ? attrs(imp) : {},
      totals: imp
        ? children(imp, 'Retenciones')
            .flatMap((r) => children(r, 'Retencion'))
            .map(attrs)
        : [],
    };
  }

  async function invoiceOf(b: Biz, saleIds: string[], customer: string) {
    const r = await call(env.app, b.as.cashier, 'POST', '/api/v1/invoicing/invoices', {
      saleIds,
      customerId: customer,
    });
    expect(r.statusCode, r.body).toBe(201);
    const inv = r.json();
    expect(inv.status).toBe('stamped');
    return inv;
  }

  async function keepOf(b: Biz, name: string, id: string): Promise<string> {
    const xml = await stampedXml(env, b.as.manager, id);
    xmls.add(name, xml);
    return xml;
  }

  /** Total = SubTotal − Descuento + traslados − retenciones, exactly, and the ticket = Total + retenciones. */
  function expectTotals(xml: string, paid: string) {
    const { root, impuestos } = retentionsOf(xml);
    const tras = impuestos.TotalImpuestosTrasladados ?? '0';
    const ret = impuestos.TotalImpuestosRetenidos ?? '0';
    expect(
      new D(root.SubTotal!)
        .minus(root.Descuento ?? '0')
        .plus(tras)
        .minus(ret)
        .toFixed(2),
    ).toBe(root.Total);
    expect(new D(root.Total!).plus(ret).toFixed(2)).toBe(paid);
  }

  it('a RESICO persona física (626) invoicing a persona moral withholds ISR 1.25 % per concepto, in the totals and on its credit note', async () => {
    const b = await givenFiscalBusiness(env, cacx('626'));
    const moral = (await createCustomer(b.ctx, { ...EKU_RECEPTOR, email: 'eku@example.mx' })).id;
    const a = await stocked(b, { price: '116.00' });
    const g = await stocked(b, { price: '23.50', iva: 'iva0' });
    const s = await sell(
      env,
      b,
      [
        { skuId: a, quantity: '3' },
        { skuId: g, quantity: '2' },
      ],
      { customerId: moral },
    );
    const inv = await invoiceOf(b, [s.id], moral);
    const xml = await keepOf(b, 'resico-to-moral', inv.id);
    const r = retentionsOf(xml);
    const lines = conceptosOf(xml);
    expect(r.conceptos).toHaveLength(2);
    r.conceptos.forEach((ret, i) => {
      const c = lines[i]!.attrs;
      const base = new D(c.Importe!).minus(c.Descuento ?? '0');
      expect(c.ObjetoImp).toBe('02');
      expect(ret).toEqual([
        {
          Base: base.toFixed(6),
          Impuesto: '001',
          TipoFactor: 'Tasa',
          TasaOCuota: '0.012500',
          Importe: base.times('0.0125').toDecimalPlaces(6, D.ROUND_HALF_UP).toFixed(6),
        },
      ]);
    });
    const isr = r.conceptos
      .flat()
      .reduce((acc, x) => acc.plus(x.Importe!), new D(0))
      .toDecimalPlaces(2, D.ROUND_HALF_UP)
      .toFixed(2);
    expect(r.totals).toEqual([{ Impuesto: '001', Importe: isr }]);
    expect(r.impuestos.TotalImpuestosRetenidos).toBe(isr);
    expectTotals(xml, s.total);
    expect(inv.total).toBe(new D(s.total).minus(isr).toFixed(2));

    // A return on it: the credit note carries ISR 1.25 % on the returned base, Total = refund − ISR.
    const back = await call(env.app, b.as.cashier, 'POST', '/api/v1/returns', {
      saleId: s.id,
      reason: 'defectuoso',
      lines: [{ lineNo: 1, quantity: '1' }],
      refund: { method: 'cash' },
    });
    expect(back.statusCode, back.body).toBe(201);
    const cnRes = await call(env.app, b.as.manager, 'POST', '/api/v1/invoicing/credit-notes', {
      returnId: back.json().id,
    });
    expect(cnRes.statusCode, cnRes.body).toBe(201);
    const cnXml = await keepOf(b, 'resico-credit-note', cnRes.json().id);
    const cn = retentionsOf(cnXml);
    const cnLine = conceptosOf(cnXml)[0]!.attrs;
    const cnBase = new D(cnLine.Importe!).minus(cnLine.Descuento ?? '0');
    expect(cn.conceptos).toEqual([
      [
        {
          Base: cnBase.toFixed(6),
          Impuesto: '001',
          TipoFactor: 'Tasa',
          TasaOCuota: '0.012500',
          Importe: cnBase.times('0.0125').toDecimalPlaces(6, D.ROUND_HALF_UP).toFixed(6),
        },
      ],
    ]);
    expect(cnBase.toFixed(2)).toBe('100.00');
    expectTotals(cnXml, back.json().refund.amount);
    expect(cn.root.Total).toBe('114.75');

    // On account (PPD): the balance is the Total net of ISR, and the payment carries it prorated.
    const ppd = await sell(env, b, [{ skuId: a, quantity: '1' }], {
      customerId: moral,
      payments: [{ method: 'on_account', amount: '116.00' }],
    });
    const pInv = await invoiceOf(b, [ppd.id], moral);
    expect(pInv).toMatchObject({ metodoPago: 'PPD', total: '114.75', balance: '114.75' });
    await keepOf(b, 'resico-ppd', pInv.id);
    const pay = await call(env.app, b.as.manager, 'POST', `/api/v1/invoicing/invoices/${pInv.id}/payments`, {
      amount: '114.75',
      formaPago: '03',
    });
    expect(pay.statusCode, pay.body).toBe(201);
    const payXml = await keepOf(b, 'resico-pago', pay.json().pago.id);
    expect(payXml).toContain('TotalRetencionesISR="1.25"');
  });

  it('a persona física in 612 selling a service to a persona moral withholds IVA 10.6667 % and ISR 10 %', async () => {
    const b = await givenFiscalBusiness(env, cacx('612'));
    const moral = (await createCustomer(b.ctx, { ...EKU_RECEPTOR, email: 'eku2@example.mx' })).id;
    const p = await createProduct(b.ctx, {
      name: 'Servicio de instalación',
      claveProdServ: '81111500',
      claveUnidad: 'E48',
      soldByWeight: false,
      priceIncludesTax: true,
      iva: 'iva16',
      ieps: null,
      trackLots: false,
      skus: [{ sku: `SRV-${Math.random().toString(36).slice(2, 7)}`, price: '1160.00', barcodes: [] }],
    });
    const service = p.skus[0]!.id;
    await receiveStock(b.ctx, { locationId: b.storeId, lines: [{ skuId: service, quantity: '10' }] });
    const goods = await stocked(b, { price: '58.00' });
    const s = await sell(
      env,
      b,
      [
        { skuId: service, quantity: '1' },
        { skuId: goods, quantity: '1' },
      ],
      { customerId: moral },
    );
    const inv = await invoiceOf(b, [s.id], moral);
    const xml = await keepOf(b, 'service-612-to-moral', inv.id);
    const r = retentionsOf(xml);
    expect(r.conceptos[0]).toEqual([
      {
        Base: '1000.000000',
        Impuesto: '002',
        TipoFactor: 'Tasa',
        TasaOCuota: '0.106667',
        Importe: '106.667000',
      },
      {
        Base: '1000.000000',
        Impuesto: '001',
        TipoFactor: 'Tasa',
        TasaOCuota: '0.100000',
        Importe: '100.000000',
      },
    ]);
    // Goods sold by a 612 persona física: nothing withheld.
    expect(r.conceptos[1]).toEqual([]);
    expect(r.totals).toEqual([
      { Impuesto: '002', Importe: '106.67' },
      { Impuesto: '001', Importe: '100.00' },
    ]);
    expect(r.impuestos.TotalImpuestosRetenidos).toBe('206.67');
    expectTotals(xml, s.total);
    expect(inv.total).toBe(new D(s.total).minus('206.67').toFixed(2));
  });

  it('withholds nothing when the receptor is a persona física', async () => {
    const b = await givenFiscalBusiness(env, cacx('626'));
    const fisica = (
      await createCustomer(b.ctx, {
        name: 'Carlos Cortés',
        email: 'carlos@example.mx',
        rfc: 'COSC8001137NA',
        razonSocial: 'CARLOS CORTÉS SOTO',
        regimenFiscal: '612',
        usoCfdi: 'G03',
        codigoPostal: '52000',
      })
    ).id;
    const a = await stocked(b, { price: '116.00' });
    const s = await sell(env, b, [{ skuId: a, quantity: '2' }], { customerId: fisica });
    const inv = await invoiceOf(b, [s.id], fisica);
    const xml = await keepOf(b, 'resico-to-fisica', inv.id);
    expect(xml).not.toContain('Retencion');
    expect(inv.total).toBe(s.total);
    expectTotals(xml, s.total);
  });
});
