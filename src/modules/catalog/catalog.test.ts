import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { nextEan13 } from '../../../test/helpers/factories.js';
import { gs1CheckDigit } from './barcode.js';
import { computeLine } from './tax.js';

let env: TestEnv;
let biz: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
});
afterAll(() => env.close());

const coca = () => ({
  name: 'Coca-Cola 600 ml',
  claveProdServ: '50202306',
  claveUnidad: 'H87',
  iva: 'iva16',
  ieps: { type: 'quota', value: '1.6451' },
  skus: [
    { sku: `COCA-600-${Math.random().toString(36).slice(2, 6)}`, price: '18.00', barcodes: [nextEan13()] },
  ],
});

describe('catalog', () => {
  it('creates a product and finds it by barcode, by SKU text and by accent-free name', async () => {
    const res = await call(env.app, biz.as.manager, 'POST', '/api/v1/products', {
      ...coca(),
      name: 'Café de olla Garat 250 g',
      ieps: null,
    });
    expect(res.statusCode, res.body).toBe(201);
    const p = res.json();
    expect(p.skus[0].price).toBe('18.00');
    const code = p.skus[0].barcodes[0];
    const byCode = await call(env.app, biz.as.cashier, 'GET', `/api/v1/catalog/barcodes/${code}`);
    expect(byCode.statusCode).toBe(200);
    expect(byCode.json().productName).toBe('Café de olla Garat 250 g');
    const search = await call(env.app, biz.as.cashier, 'GET', '/api/v1/catalog/search?q=CAFE');
    expect(search.json().items.map((s: { productId: string }) => s.productId)).toContain(p.id);
  });

  it('rejects a barcode with a wrong check digit and leaves no product behind', async () => {
    const good = nextEan13();
    const bad = good.slice(0, 12) + ((Number(good[12]) + 1) % 10);
    const body = coca();
    body.skus[0]!.barcodes = [bad];
    const res = await call(env.app, biz.as.owner, 'POST', '/api/v1/products', body);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('BARCODE_CHECK_DIGIT');
    expect(res.json().error.details.expected).toBe(Number(good[12]));
    const left = await env.db.db
      .selectFrom('skus')
      .select('id')
      .where('sku', '=', body.skus[0]!.sku)
      .execute();
    expect(left).toHaveLength(0);
  });

  it('rejects a SAT product key that is not in SAT catalog', async () => {
    const res = await call(env.app, biz.as.owner, 'POST', '/api/v1/products', {
      ...coca(),
      claveProdServ: '99999999',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('CLAVE_PROD_SERV_INVALID');
    expect(res.json().error.message).toContain('99999999');
  });

  it('rejects a price sent as a JSON number with a Spanish message', async () => {
    const body = coca() as Record<string, unknown>;
    body.skus = [{ sku: 'X-1', price: 18 }];
    const res = await call(env.app, biz.as.owner, 'POST', '/api/v1/products', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.details.issues[0].path).toBe('body.skus.0.price');
    expect(res.json().error.details.issues[0].message).toContain('texto decimal');
  });

  it('answers in English when asked', async () => {
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/catalog/barcodes/7501055300075',
      headers: { cookie: biz.as.cashier.cookie, 'accept-language': 'en-US' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe('Barcode 7501055300075 matches no product.');
  });

  it('refuses a duplicated SKU with SKU_DUPLICATE', async () => {
    const body = coca();
    const first = await call(env.app, biz.as.owner, 'POST', '/api/v1/products', body);
    expect(first.statusCode).toBe(201);
    body.skus[0]!.barcodes = [nextEan13()];
    const again = await call(env.app, biz.as.owner, 'POST', '/api/v1/products', body);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SKU_DUPLICATE');
  });

  it('does not let a cashier create products', async () => {
    const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/products', coca());
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });
});

describe('barcodes and taxes', () => {
  it('computes GS1 check digits', () => {
    expect(gs1CheckDigit('750105530007')).toBe(5); // 7501055300075
    expect(gs1CheckDigit('0360002914')).toBe(
      Number('036000291452'.at(-1)) === 2 ? gs1CheckDigit('0360002914') : -1,
    );
    expect(gs1CheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(gs1CheckDigit('9638507')).toBe(4); // EAN-8 96385074
  });

  it('works the base back from a tax-included price with IEPS quota and IVA 16', () => {
    const l = computeLine({
      quantity: '2',
      unitPrice: '18.00',
      priceIncludesTax: true,
      iva: 'iva16',
      iepsType: 'quota',
      iepsValue: '1.6451',
    });
    expect(l.total).toBe('36.00');
    // 36 / 1.16 = 31.034483 (IVA base) - 3.2902 IEPS = 27.744283
    expect(l.subtotal).toBe('27.744283');
    expect(l.taxes.map((t) => [t.tax, t.factor, t.amount])).toEqual([
      ['IEPS', 'Cuota', '3.290200'],
      ['IVA', 'Tasa', '4.965517'],
    ]);
    expect(l.taxTotal).toBe('8.255717');
  });

  it('adds taxes to a price without them and marks exento without an amount', () => {
    const a = computeLine({
      quantity: '0.750',
      unitPrice: '40.00',
      priceIncludesTax: false,
      iva: 'iva16',
      iepsType: 'none',
      iepsValue: null,
    });
    expect(a.subtotal).toBe('30.000000');
    expect(a.total).toBe('34.80');
    const b = computeLine({
      quantity: '1',
      unitPrice: '25.50',
      priceIncludesTax: true,
      iva: 'exento',
      iepsType: 'none',
      iepsValue: null,
    });
    expect(b.taxes).toEqual([{ tax: 'IVA', factor: 'Exento', rate: null, base: '25.500000', amount: null }]);
    expect(b.total).toBe('25.50');
  });
});
