import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { countTenantRows } from '../../../test/helpers/db.js';
import { givenProduct, nextEan13 } from '../../../test/helpers/factories.js';
import { gs1CheckDigit } from './barcode.js';
import { createProducts, getProduct } from './catalog.service.js';
import { searchTerms } from './search-text.js';
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

  it('creates several products in one go as one would read them back, or none when one is refused', async () => {
    const count = (table: string) => countTenantRows(env.db, biz.tenantId, table);
    const tables = ['products', 'skus', 'barcodes', 'events', 'audit_log'] as const;
    const before = await Promise.all(tables.map(count));
    const inputs = [
      coca(),
      { ...coca(), name: 'Agua Ciel 1 l' },
      { ...coca(), name: 'Sin código', skus: [] },
    ].map((p) => ({ ...p, iva: 'iva16' as const, ieps: null }));
    const made = await createProducts(biz.ctx, inputs);
    expect(made.map((p) => p.name)).toEqual(['Coca-Cola 600 ml', 'Agua Ciel 1 l', 'Sin código']);
    for (const p of made) expect(await getProduct(biz.ctx, p.id)).toEqual(p);
    expect(await Promise.all(tables.map(count))).toEqual(before.map((n, i) => n + [3, 2, 2, 3, 3][i]!));
    // the second one's barcode is the first one's: nothing of the three is written
    const clash = [coca(), coca(), coca()].map((p) => ({ ...p, iva: 'iva16' as const, ieps: null }));
    clash[1]!.skus[0]!.barcodes = [...clash[0]!.skus[0]!.barcodes];
    const after = await Promise.all(tables.map(count));
    // (the API answers BARCODE_DUPLICATE from the unique constraint, as for one product)
    await expect(createProducts(biz.ctx, clash)).rejects.toThrow(/duplicate key/);
    expect(await Promise.all(tables.map(count))).toEqual(after);
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

describe('catalog search', () => {
  let shop: TestBusiness;
  let rival: TestBusiness;

  beforeAll(async () => {
    shop = await env.givenBusiness('Abarrotes La Búsqueda');
    rival = await env.givenBusiness('Abarrotes Enfrente');
  });

  type Hit = { id: string; sku: string; productName: string; barcodes: string[] };
  async function search(who: TestBusiness, q: string, limit?: number): Promise<Hit[]> {
    const qs = `q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`;
    const res = await call(env.app, who.as.cashier, 'GET', `/api/v1/catalog/search?${qs}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  }
  const names = (hits: Hit[]) => hits.map((h) => h.productName);
  // Fixed SKU codes and barcodes where a random digit or letter could match a query inside a word.
  const ean = (body: string) => body + gs1CheckDigit(body);

  it('ranks the whole word before longer ones, the name start first, inside-word matches last', async () => {
    // Created in an order that matches none of the expected ones.
    await givenProduct(shop.ctx, { name: 'Electrolit suero 625 ml', sku: 'ELE-1' });
    await givenProduct(shop.ctx, { name: 'Lechera Nestlé 387 g', sku: 'LCH-1' });
    await givenProduct(shop.ctx, { name: 'Chocolate para leche', sku: 'CPL-1' });
    await givenProduct(shop.ctx, { name: 'Leche Lala 1 L', sku: 'LLA-1' });
    const hits = await search(shop, 'lec');
    expect(names(hits)).toEqual([
      'Leche Lala 1 L', // "leche", first word
      'Chocolate para leche', // "leche", third word
      'Lechera Nestlé 387 g', // "lechera" sorts after "leche"
      'Electrolit suero 625 ml', // only inside a word: fills the page last
    ]);
    expect(names(await search(shop, 'LEC'))).toEqual(names(hits));
  });

  it('orders equal names by SKU code, the same on every call', async () => {
    await givenProduct(shop.ctx, { name: 'Tostadas Charras 400 g', sku: 'TOS-2' });
    await givenProduct(shop.ctx, { name: 'Tostadas Charras 400 g', sku: 'TOS-1' });
    await givenProduct(shop.ctx, { name: 'Tostadas Sanissimo 250 g', sku: 'TOS-3' });
    await givenProduct(shop.ctx, { name: 'Totopos Tostados', sku: 'TOT-1' });
    const first = await search(shop, 'tostad');
    expect(first.map((h) => h.sku)).toEqual(['TOS-1', 'TOS-2', 'TOS-3', 'TOT-1']);
    for (let i = 0; i < 3; i++) expect(await search(shop, 'tostad')).toEqual(first);
  });

  it('ignores accents and case in names and in the query', async () => {
    await givenProduct(shop.ctx, { name: 'Jabón Zote rosa 400 g', sku: 'JZ-1' });
    await givenProduct(shop.ctx, { name: 'JABON ROMA 250 G', sku: 'JR-1' });
    await givenProduct(shop.ctx, { name: 'Café de olla Garat 250 g', sku: 'CG-1' });
    expect(names(await search(shop, 'jabon'))).toEqual(['JABON ROMA 250 G', 'Jabón Zote rosa 400 g']);
    expect(names(await search(shop, 'JABÓN'))).toEqual(['JABON ROMA 250 G', 'Jabón Zote rosa 400 g']);
    expect(names(await search(shop, 'cafe de'))).toEqual(['Café de olla Garat 250 g']);
    expect(names(await search(shop, 'Olla café'))).toEqual(['Café de olla Garat 250 g']);
  });

  it('needs every word of the query, in any order', async () => {
    await givenProduct(shop.ctx, { name: 'Coca-Cola 600 ml', sku: 'CC-A', barcode: ean('759131313131') });
    await givenProduct(shop.ctx, { name: 'Coca-Cola 2 L', sku: 'CC-B', barcode: ean('759131313135') });
    await givenProduct(shop.ctx, { name: 'Agua Ciel 600 ml', sku: 'AC-A', barcode: ean('759131313137') });
    expect(names(await search(shop, 'coca 600'))).toEqual(['Coca-Cola 600 ml']);
    expect(names(await search(shop, '600 coca'))).toEqual(['Coca-Cola 600 ml']);
    expect(names(await search(shop, 'coc-col 60'))).toEqual(['Coca-Cola 600 ml']);
    expect(names(await search(shop, 'cola 600 ml'))).toEqual(['Coca-Cola 600 ml']);
    expect(names(await search(shop, 'coca'))).toEqual(['Coca-Cola 2 L', 'Coca-Cola 600 ml']);
    expect(await search(shop, 'coca 601')).toEqual([]);
  });

  it('puts the SKU whose code is the query first, then finds by SKU and barcode prefixes', async () => {
    await givenProduct(shop.ctx, { name: 'Refresco cola', sku: 'REF-22' });
    const orange = await givenProduct(shop.ctx, {
      name: 'Refresco naranja',
      sku: 'REF-2',
      barcode: ean('759131313139'),
    });
    expect((await search(shop, 'REF-2')).map((h) => h.sku)).toEqual(['REF-2', 'REF-22']);
    expect((await search(shop, 'ref-22')).map((h) => h.sku)).toEqual(['REF-22']);
    const code = orange.skus[0]!.barcodes[0]!;
    const byCode = await search(shop, code);
    expect(byCode.map((h) => h.sku)).toEqual(['REF-2']);
    expect(byCode[0]!.barcodes).toEqual([code]);
    expect((await search(shop, code.slice(0, 12))).map((h) => h.sku)).toContain('REF-2');
  });

  it('reads further when one SKU has several words with the query as their start', async () => {
    await givenProduct(shop.ctx, { name: 'Zarza Zarzamora Zarzaparrilla', sku: 'ZZ-1' });
    await givenProduct(shop.ctx, { name: 'Zarzaparrilla Kids', sku: 'ZK-1' });
    await givenProduct(shop.ctx, { name: 'Zarzo', sku: 'ZO-1' });
    expect(names(await search(shop, 'zar', 2))).toEqual([
      'Zarza Zarzamora Zarzaparrilla',
      'Zarzaparrilla Kids',
    ]);
    expect(names(await search(shop, 'zar'))).toEqual([
      'Zarza Zarzamora Zarzaparrilla',
      'Zarzaparrilla Kids',
      'Zarzo',
    ]);
  });

  it("never shows another business's products, even with the same barcode", async () => {
    const code = nextEan13();
    const mine = await givenProduct(shop.ctx, { name: 'Mazapán De la Rosa', barcode: code });
    const theirs = await givenProduct(rival.ctx, { name: 'Mazapán De la Rosa gigante', barcode: code });
    for (const q of ['mazapan', 'maz', code, theirs.skus[0]!.sku, 'apa']) {
      const hits = await search(shop, q);
      expect(hits.map((h) => h.id)).not.toContain(theirs.skus[0]!.id);
    }
    expect((await search(shop, code)).map((h) => h.id)).toEqual([mine.skus[0]!.id]);
    expect((await search(rival, 'maz')).map((h) => h.id)).toEqual([theirs.skus[0]!.id]);
    expect(await search(rival, mine.skus[0]!.sku)).toEqual([]);
  });

  it('finds a product by its new name, variant and barcode after an update, not by the old', async () => {
    const p = await givenProduct(shop.ctx, { name: 'Galletas Marías Gamesa', sku: 'GM-1' });
    const skuId = p.skus[0]!.id;
    const oldCode = p.skus[0]!.barcodes[0]!;
    expect(names(await search(shop, 'mar'))).toEqual(['Galletas Marías Gamesa']);

    const renamed = await call(env.app, shop.as.manager, 'PATCH', `/api/v1/products/${p.id}`, {
      name: 'Galletas Emperador Gamesa',
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await search(shop, 'mar')).toEqual([]);
    expect(names(await search(shop, 'emp'))).toEqual(['Galletas Emperador Gamesa']);

    const newCode = nextEan13();
    const patched = await call(env.app, shop.as.manager, 'PATCH', `/api/v1/skus/${skuId}`, {
      barcodes: [newCode],
      variantName: 'Vainilla',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await search(shop, newCode)).map((h) => h.id)).toEqual([skuId]);
    expect(await search(shop, oldCode)).toEqual([]);
    expect(names(await search(shop, 'emperador vai'))).toEqual(['Galletas Emperador Gamesa Vainilla']);

    const added = await call(env.app, shop.as.manager, 'POST', `/api/v1/products/${p.id}/skus`, {
      sku: 'EMP-CHOCO',
      variantName: 'Chocolate',
      price: '22.00',
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(names(await search(shop, 'emperador choc'))).toEqual(['Galletas Emperador Gamesa Chocolate']);

    const off = await call(env.app, shop.as.manager, 'PATCH', `/api/v1/skus/${skuId}`, { active: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(names(await search(shop, 'emperador'))).toEqual(['Galletas Emperador Gamesa Chocolate']);
  });

  it('keeps in the index the same words the query is split into', async () => {
    const p = await givenProduct(shop.ctx, { name: 'Pan-Dulce® (½ kg) Ñandú/7UP "Extra"_fino', sku: 'PD.1' });
    const row = await env.db.db
      .selectFrom('skus')
      .select('search_text')
      .where('id', '=', p.skus[0]!.id)
      .executeTakeFirstOrThrow();
    const stored = await env.db.db
      .selectFrom('sku_search_terms')
      .select('term')
      .where('sku_id', '=', p.skus[0]!.id)
      .orderBy('ordinal')
      .execute();
    expect(stored.map((t) => t.term)).toEqual(searchTerms(row.search_text));
    expect(searchTerms('Pan-Dulce® (½ kg) Ñandú/7UP "Extra"_fino PD.1')).toEqual([
      'pan',
      'dulce®',
      '½',
      'kg',
      'nandu',
      '7up',
      'extra',
      'fino',
      'pd',
      '1',
    ]);
    expect(names(await search(shop, 'ñandu 7u'))).toEqual([p.name]);
  });
});
