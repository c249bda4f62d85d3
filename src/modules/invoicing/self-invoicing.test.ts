import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { requireSatTools } from './cfdi/testing.js';
import { givenFiscalBusiness, type SaleOut, sell, stocked, XmlCollector } from './invoicing.testkit.js';
import { SandboxPac } from './pac/sandbox.js';
import { selfInvoiceDeadline } from './self-invoicing.js';
import { setPacClient } from './stamping.js';

let env: TestEnv;
let biz: TestBusiness & { registerId: string };
let sale: SaleOut;
const xmls = new XmlCollector();
let ipSeq = 0;

const receptor = {
  rfc: 'CACX7605101P8',
  nombre: 'XOCHILT CASAS CHAVEZ',
  regimenFiscal: '612',
  codigoPostal: '36257',
  usoCfdi: 'G03',
};

async function giveBack(saleId: string, lines: Array<{ lineNo: number; quantity: string }>) {
  const r = await call(env.app, biz.as.cashier, 'POST', '/api/v1/returns', {
    saleId,
    reason: 'no_le_quedo',
    lines,
    refund: { method: 'cash' },
  });
  expect(r.statusCode, r.body).toBe(201);
}

/** A public request from its own IP (each test gets a fresh one so the limiter does not mix them). */
function pub(method: 'GET' | 'POST', url: string, payload?: object, ip = `10.0.0.${++ipSeq}`) {
  return env.app.inject({ method, url, remoteAddress: ip, ...(payload ? { payload } : {}) });
}

beforeAll(async () => {
  requireSatTools();
  env = await createTestEnv();
  setPacClient(env.app, new SandboxPac({ db: env.db.db, now: () => env.clock.now }));
  biz = await givenFiscalBusiness(env);
  const a = await stocked(biz, { price: '123.45' });
  sale = await sell(env, biz, [{ skuId: a, quantity: '1' }]);
});
afterAll(async () => {
  const n = await xmls.expectAllPass();
  console.log(`cfdi-check: ${n} XML documents from self-invoicing.test.ts passed`);
  await env.close();
}, 60_000);

describe('self-invoicing (public API)', () => {
  it('finds a ticket by code and total, with one answer for a wrong code or a wrong total', async () => {
    const ok = await pub('POST', '/api/v1/invoicing/public/lookup', {
      code: sale.invoiceCode.toLowerCase(),
      total: sale.total,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      business: 'ESCUELA KEMPER URGATE',
      total: '123.45',
      invoiceTotal: '123.45',
      refunded: '0.00',
      invoiced: false,
      canInvoice: true,
    });
    expect(Object.keys(ok.json()).sort()).toEqual([
      'business',
      'canInvoice',
      'date',
      'deadline',
      'invoiceTotal',
      'invoiced',
      'privacyNoticeUrl',
      'refunded',
      'ticketNumber',
      'total',
    ]);
    // the privacy notice is one public request away
    const notice = await pub('GET', `/api/v1/privacy-notice/${ok.json().privacyNoticeUrl.split('/').at(-1)}`);
    expect(notice.statusCode, notice.body).toBe(200);
    expect(ok.json().privacyNoticeUrl).toMatch(/^\/privacidad\/ten_[0-9A-Z]{26}$/);
    const wrongTotal = await pub('POST', '/api/v1/invoicing/public/lookup', {
      code: sale.invoiceCode,
      total: '123.44',
    });
    const wrongCode = await pub('POST', '/api/v1/invoicing/public/lookup', {
      code: 'ZZZZZZZZ',
      total: sale.total,
    });
    expect(wrongTotal.statusCode).toBe(404);
    expect(wrongTotal.body).toBe(wrongCode.body);
    expect(wrongCode.json().error.message).toBe(
      'No encontramos un ticket con ese código y ese total. Revisa tu ticket.',
    );
  });

  it('limits each IP to 10 attempts a minute', async () => {
    const ip = '192.168.7.7';
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push(
        (await pub('POST', '/api/v1/invoicing/public/lookup', { code: `NOPE${i}XXX`, total: '1.00' }, ip))
          .statusCode,
      );
    expect(codes.slice(0, 10).every((c) => c === 404)).toBe(true);
    expect(codes[10]).toBe(429);
    const other = await pub(
      'POST',
      '/api/v1/invoicing/public/lookup',
      { code: sale.invoiceCode, total: sale.total },
      '192.168.7.8',
    );
    expect(other.statusCode).toBe(200);
  });

  it('explains in Spanish a receptor SAT would reject, and issues nothing', async () => {
    const r = await pub('POST', '/api/v1/invoicing/public/invoices', {
      code: sale.invoiceCode,
      total: sale.total,
      receptor: { ...receptor, usoCfdi: 'G01', regimenFiscal: '605' },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('CFDI_USO_REGIMEN');
    const rows = await env.db.db
      .selectFrom('invoices')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    expect(rows).toHaveLength(0);
  });

  it('invoices the ticket and serves XML and PDF through signed links only', async () => {
    const r = await pub('POST', '/api/v1/invoicing/public/invoices', {
      code: sale.invoiceCode,
      total: sale.total,
      receptor,
    });
    expect(r.statusCode, r.body).toBe(201);
    const out = r.json();
    expect(out).toMatchObject({ status: 'stamped', total: '123.45', message: null });
    const xml = await pub('GET', out.xmlUrl);
    expect(xml.statusCode).toBe(200);
    expect(xml.body).toContain(`UUID="${out.uuid}"`);
    xmls.add('self-invoiced', xml.body);
    const pdf = await pub('GET', out.pdfUrl);
    expect(pdf.rawPayload.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    const tampered = out.xmlUrl.replace(/sig=[^&]+/, 'sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await pub('GET', tampered)).statusCode).toBe(404);
    const otherKind = out.xmlUrl.replace('.xml?', '.pdf?');
    expect((await pub('GET', otherKind)).statusCode).toBe(404);
    const twice = await pub('POST', '/api/v1/invoicing/public/invoices', {
      code: sale.invoiceCode,
      total: sale.total,
      receptor,
    });
    expect(twice.json().error.code).toBe('SALE_ALREADY_INVOICED');
    const found = await pub('POST', '/api/v1/invoicing/public/lookup', {
      code: sale.invoiceCode,
      total: sale.total,
    });
    expect(found.json()).toMatchObject({ invoiced: true, canInvoice: false });
  });

  it('offers a partly returned ticket by its printed total and invoices the net amount', async () => {
    const a = await stocked(biz, { price: '40.00' });
    const b = await stocked(biz, { price: '15.50', iva: 'iva0' });
    const t = await sell(env, biz, [
      { skuId: a, quantity: '2' },
      { skuId: b, quantity: '1' },
    ]);
    expect(t.total).toBe('95.50');
    await giveBack(t.id, [{ lineNo: 1, quantity: '1' }]);
    const found = await pub('POST', '/api/v1/invoicing/public/lookup', {
      code: t.invoiceCode,
      total: '95.50',
    });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json()).toMatchObject({
      total: '95.50',
      invoiceTotal: '55.50',
      refunded: '40.00',
      invoiced: false,
      canInvoice: true,
    });
    // The net is printed nowhere: the printed total is the key, the net is the same answer as a wrong one.
    const byNet = await pub('POST', '/api/v1/invoicing/public/lookup', {
      code: t.invoiceCode,
      total: '55.50',
    });
    expect(byNet.statusCode).toBe(404);
    expect(byNet.json().error.code).toBe('SELF_INVOICE_NOT_FOUND');
    const r = await pub('POST', '/api/v1/invoicing/public/invoices', {
      code: t.invoiceCode,
      total: '95.50',
      receptor,
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ status: 'stamped', total: '55.50' });
    const xml = await pub('GET', r.json().xmlUrl);
    expect(xml.body).toContain('Total="55.50"');
    expect(xml.body).toContain('Cantidad="1" ClaveUnidad="H87"');
    xmls.add('self-invoiced-net', xml.body);
  });

  it('says plainly that a ticket returned in full has nothing to invoice, with nothing about it, and issues nothing', async () => {
    const a = await stocked(biz, { price: '31.00' });
    const t = await sell(env, biz, [{ skuId: a, quantity: '2' }]);
    await giveBack(t.id, [{ lineNo: 1, quantity: '2' }]);
    const r = await pub('POST', '/api/v1/invoicing/public/lookup', { code: t.invoiceCode, total: '62.00' });
    expect(r.statusCode).toBe(422);
    expect(r.json().error).toEqual({
      code: 'SELF_INVOICE_TICKET_RETURNED',
      message:
        'Este ticket se devolvió completo, así que ya no hay nada que facturar. Si no es así, pregunta en la tienda.',
      details: {},
    });
    // A wrong total still gets the one "not found" answer: only the paper's holder learns it.
    const wrong = await pub('POST', '/api/v1/invoicing/public/lookup', {
      code: t.invoiceCode,
      total: '0.00',
    });
    expect(wrong.json().error.code).toBe('SELF_INVOICE_NOT_FOUND');
    const before = await env.db.db
      .selectFrom('invoices')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    const inv = await pub('POST', '/api/v1/invoicing/public/invoices', {
      code: t.invoiceCode,
      total: '62.00',
      receptor,
    });
    expect(inv.statusCode).toBe(422);
    expect(inv.json().error.code).toBe('SELF_INVOICE_TICKET_RETURNED');
    const after = await env.db.db
      .selectFrom('invoices')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    expect(after).toHaveLength(before.length);
  });

  it('refuses tickets past the business’s window', async () => {
    const a = await stocked(biz, { price: '10.00' });
    const old = await sell(env, biz, [{ skuId: a, quantity: '1' }]);
    await env.db.db
      .updateTable('sales')
      .set({ created_at: new Date('2026-10-01T18:00:00Z') })
      .where('tenant_id', '=', biz.tenantId)
      .where('id', '=', old.id)
      .execute();
    const r = await pub('POST', '/api/v1/invoicing/public/invoices', {
      code: old.invoiceCode,
      total: old.total,
      receptor,
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('SELF_INVOICE_EXPIRED');
    expect(r.json().error.message).toContain('2026-10-31');
  });

  it('computes the window as N days or the end of the sale’s month', () => {
    const soldAt = new Date('2026-11-30T23:30:00Z'); // 17:30 on Nov 30 in Mexico City
    expect(selfInvoiceDeadline(soldAt, 'days', 30).toISOString()).toBe('2026-12-30T23:30:00.000Z');
    expect(selfInvoiceDeadline(soldAt, 'month', 0).toISOString()).toBe('2026-12-01T05:59:59.000Z');
  });
});
