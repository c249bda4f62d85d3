import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { getSkuByCode, getProduct } from '../catalog/catalog.service.js';
import { getStockLevels } from '../inventory/inventory.service.js';
import { parseDecimal, parseIeps } from './csv.js';
import { exportProducts, type ImportReport, importProducts } from './imports.service.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

let env: TestEnv;
let biz: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
});
afterAll(() => env.close());

const rowOf = (r: ImportReport, sku: string) => r.rows.find((x) => x.sku === sku)!;

async function count(table: 'products' | 'events' | 'stock_movements' | 'audit_log'): Promise<number> {
  const r = await env.db.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', biz.tenantId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('reading amounts', () => {
  const money = (v: string, sep: '.' | ',' = '.') =>
    parseDecimal(v, { places: 2, kind: 'money', decimalSeparator: sep });
  it('reads Mexican, US and European amounts without guessing', () => {
    expect(money('$1,299.00')).toEqual({ ok: true, value: '1299.00' });
    expect(money('1.299,00', ',')).toEqual({ ok: true, value: '1299.00' });
    expect(money('18,50', ',')).toEqual({ ok: true, value: '18.50' });
    expect(money('18.5')).toEqual({ ok: true, value: '18.50' });
    expect(money('$ 1 299.90 MXN')).toEqual({ ok: true, value: '1299.90' });
    expect(money('1,299,000')).toEqual({ ok: true, value: '1299000.00' });
    expect(money('1,299')).toMatchObject({ ok: false, code: 'AMOUNT_AMBIGUOUS' });
    expect(money('1.299', ',')).toMatchObject({ ok: false, code: 'AMOUNT_AMBIGUOUS' });
    expect(money('12.345')).toMatchObject({ ok: false, code: 'AMOUNT_AMBIGUOUS' });
    expect(money('1,29,9.00')).toMatchObject({ ok: false, code: 'AMOUNT_INVALID' });
    expect(money('-5')).toMatchObject({ ok: false, code: 'AMOUNT_NEGATIVE' });
    expect(money('3.14159')).toMatchObject({ ok: false, code: 'AMOUNT_TOO_MANY_DECIMALS' });
    const qty = (v: string, sep: '.' | ',') =>
      parseDecimal(v, { places: 3, kind: 'quantity', decimalSeparator: sep });
    expect(qty('1,500', ',')).toEqual({ ok: true, value: '1.5' });
    expect(qty('12,000', ',')).toEqual({ ok: true, value: '12' });
    expect(qty('1,500', '.')).toMatchObject({ ok: false, code: 'QUANTITY_AMBIGUOUS' });
  });
  it('reads IEPS rates and quotas', () => {
    expect(parseIeps('8')).toEqual({ ok: true, value: 'rate:0.080000' });
    expect(parseIeps('26.5%')).toEqual({ ok: true, value: 'rate:0.265000' });
    expect(parseIeps('0.08')).toEqual({ ok: true, value: 'rate:0.080000' });
    expect(parseIeps('cuota 1.6451')).toEqual({ ok: true, value: 'quota:1.645100' });
    expect(parseIeps('mucho')).toMatchObject({ ok: false, code: 'IEPS_INVALID' });
  });
});

describe('product import', () => {
  it('imports a Windows-1252 file from Excel with accents, decimal commas and stock', async () => {
    const r = await importProducts(biz.ctx, { content: fixture('windows-1252.csv'), dryRun: false });
    expect(r.encoding).toBe('windows-1252');
    expect(r.delimiter).toBe(';');
    expect(r).toMatchObject({ created: 2, updated: 0, failed: 0 });
    const cafe = await getSkuByCode(biz.ctx, 'CAFE-250');
    expect(cafe.productName).toBe('Café de olla 250 g');
    expect(cafe.price).toBe('89.90');
    expect(cafe.barcodes).toEqual(['7501000000012']);
    expect(cafe.claveProdServ).toBe('50201700');
    const pina = await getSkuByCode(biz.ctx, 'PINA-KG');
    expect(pina.productName).toBe('Piña miel');
    expect(pina.price).toBe('32.50');
    expect(pina.iva).toBe('iva0');
    const levels = await getStockLevels(biz.ctx, { skuIds: [cafe.id] });
    expect(levels.map((l) => [l.locationId, l.onHand])).toEqual([[biz.storeId, '12.000']]);
  });

  it('imports a UTF-8 file with BOM and creates its categories', async () => {
    const r = await importProducts(biz.ctx, { content: fixture('bom.csv'), dryRun: false });
    expect(r.encoding).toBe('utf-8-bom');
    expect(r).toMatchObject({ created: 2, failed: 0 });
    const zote = await getSkuByCode(biz.ctx, 'JAB-ZOTE');
    expect(zote.productName).toBe('Jabón Zote 400 g');
    expect(zote.price).toBe('24.50');
    const p = await getProduct(biz.ctx, zote.productId);
    expect(p.categoryId).not.toBeNull();
  });

  it('reads ";" files with decimal commas and thousands points, and refuses an ambiguous price', async () => {
    const r = await importProducts(biz.ctx, {
      content: fixture('semicolon-decimal-comma.csv'),
      dryRun: false,
    });
    expect(r).toMatchObject({ created: 2, failed: 1 });
    const azucar = await getSkuByCode(biz.ctx, 'AZUC-KG');
    expect(azucar.price).toBe('28.90');
    expect(azucar.cost).toBe('21.3500');
    expect(azucar.soldByWeight).toBe(true);
    expect(azucar.claveUnidad).toBe('KGM');
    const [level] = await getStockLevels(biz.ctx, { skuIds: [azucar.id] });
    expect(level).toMatchObject({ locationId: biz.warehouseId, onHand: '150.250' });
    expect((await getSkuByCode(biz.ctx, 'TV-32')).price).toBe('4599.00');
    expect(rowOf(r, 'AMBIG-1')).toEqual({
      row: 4,
      sku: 'AMBIG-1',
      status: 'error',
      warnings: [],
      errors: [
        {
          column: 'precio',
          code: 'AMOUNT_AMBIGUOUS',
          message:
            'El importe "1.299" es ambiguo: no se sabe si el separador es de miles o de decimales. Escríbelo con decimales, p. ej. 1299.00 o 1.29.',
        },
      ],
    });
  });

  it('reads "$1,299.00" and lists a price with letters as a row error', async () => {
    const r = await importProducts(biz.ctx, { content: fixture('money.csv'), dryRun: false });
    expect(r).toMatchObject({ created: 2, failed: 2 });
    expect((await getSkuByCode(biz.ctx, 'LICU-1')).price).toBe('1299.00');
    expect((await getSkuByCode(biz.ctx, 'LICU-1')).cost).toBe('950.5000');
    expect((await getSkuByCode(biz.ctx, 'HORNO-1')).price).toBe('2150.50');
    expect(rowOf(r, 'MAL-1').errors).toEqual([
      {
        column: 'precio',
        code: 'AMOUNT_INVALID',
        message: 'El importe "$12.5O" no es válido: usa p. ej. 18.50, 18,50 o $1,299.00.',
      },
    ]);
    expect(rowOf(r, 'MAL-2').errors[0]!.code).toBe('AMOUNT_AMBIGUOUS');
    await expect(getSkuByCode(biz.ctx, 'MAL-1')).rejects.toMatchObject({ code: 'SKU_NOT_FOUND' });
  });

  it('refuses barcodes in scientific notation and with a bad check digit, leaving nothing behind', async () => {
    const before = { products: await count('products'), events: await count('events') };
    const r = await importProducts(biz.ctx, { content: fixture('scientific-barcode.csv'), dryRun: false });
    expect(r).toMatchObject({ created: 1, failed: 2 });
    expect(rowOf(r, 'GALL-MAR')).toMatchObject({
      row: 2,
      status: 'error',
      errors: [
        {
          column: 'codigo_barras',
          code: 'BARCODE_SCIENTIFIC_NOTATION',
          message:
            'El código de barras "7.50105E+12" está en notación científica: Excel perdió dígitos. Da formato de texto a la columna y vuelve a exportar.',
        },
      ],
    });
    expect(rowOf(r, 'GALL-BAD').errors).toEqual([
      {
        column: 'codigo_barras',
        code: 'BARCODE_CHECK_DIGIT',
        message:
          'El dígito verificador del código 7501000000030 no cuadra (debería ser 6). Revisa que esté bien escrito.',
      },
    ]);
    // Only GALL-OK was written: one product, and its product.created event.
    expect(await count('products')).toBe(before.products + 1);
    expect(await count('events')).toBe(before.events + 1);
    await expect(getSkuByCode(biz.ctx, 'GALL-BAD')).rejects.toMatchObject({ code: 'SKU_NOT_FOUND' });
  });

  it('lists the second occurrence of a SKU in the file as an error', async () => {
    const r = await importProducts(biz.ctx, { content: fixture('duplicate-sku.csv'), dryRun: false });
    expect(r).toMatchObject({ created: 2, failed: 1 });
    expect(rowOf(r, 'ref-600')).toMatchObject({
      row: 4,
      status: 'error',
      errors: [
        {
          column: 'sku',
          code: 'SKU_DUPLICATE_IN_FILE',
          message: 'El SKU ref-600 ya apareció en el renglón 2; este renglón no se importó.',
        },
      ],
    });
    expect((await getSkuByCode(biz.ctx, 'REF-600')).productName).toBe('Refresco 600 ml');
  });

  it('refuses a file missing required columns, naming them, and imports nothing', async () => {
    const before = await count('products');
    await expect(
      importProducts(biz.ctx, { content: fixture('missing-column.csv'), dryRun: false }),
    ).rejects.toMatchObject({
      code: 'IMPORT_MISSING_COLUMNS',
      details: { missing: 'sku, precio' },
    });
    expect(await count('products')).toBe(before);
  });

  it('updates an existing SKU by upsert and does not receive its stock twice', async () => {
    const csv = Buffer.from(
      'sku,nombre,precio,costo,existencia_tienda\nCAFE-250,Café de olla 250 g,95.00,61.20,5\n',
    );
    const movements = await count('stock_movements');
    const r = await importProducts(biz.ctx, { content: csv, dryRun: false });
    expect(r).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(r.rows[0]!.warnings[0]!.code).toBe('STOCK_IGNORED_FOR_EXISTING');
    const cafe = await getSkuByCode(biz.ctx, 'CAFE-250');
    expect(cafe.price).toBe('95.00');
    expect(cafe.cost).toBe('61.2000');
    expect(cafe.barcodes).toEqual(['7501000000012']);
    expect(await count('stock_movements')).toBe(movements);
  });

  it('writes nothing on a dry run but reports what would happen', async () => {
    const before = {
      products: await count('products'),
      events: await count('events'),
      movements: await count('stock_movements'),
      audit: await count('audit_log'),
    };
    const csv = Buffer.from(
      'clave,descripcion larga,pvp,existencia bodega\nNUEVO-1,Producto nuevo,10.00,4\nCAFE-250,Café de olla 250 g,99.00,\n',
    );
    const r = await importProducts(biz.ctx, {
      content: csv,
      dryRun: true,
      mapping: { clave: 'sku', 'descripcion larga': 'nombre' },
    });
    expect(r).toMatchObject({ dryRun: true, created: 1, updated: 1, failed: 0 });
    expect({
      products: await count('products'),
      events: await count('events'),
      movements: await count('stock_movements'),
      audit: await count('audit_log'),
    }).toEqual(before);
    expect((await getSkuByCode(biz.ctx, 'CAFE-250')).price).toBe('95.00');
  });

  it('exports the catalog as UTF-8 with BOM that imports back unchanged', async () => {
    const csv = await exportProducts(biz.ctx);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8');
    expect(text).toContain('Café de olla 250 g');
    expect(text).toContain('existencia:Tienda');
    const again = await importProducts(biz.ctx, { content: csv, dryRun: true });
    expect(again.failed).toBe(0);
    expect(again.created).toBe(0);
    expect(again.updated).toBe(again.total);
  });
});

describe('import over HTTP', () => {
  it('takes text/csv from a manager and refuses a cashier', async () => {
    const csv = 'sku,nombre,precio\nHTTP-1,Chicles Trident,12.00\n';
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/imports/products?dryRun=false',
      headers: { cookie: biz.as.manager.cookie, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, failed: 0 });
    const denied = await env.app.inject({
      method: 'POST',
      url: '/api/v1/imports/products',
      headers: { cookie: biz.as.cashier.cookie, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(denied.statusCode).toBe(403);
  });

  it('takes JSON with base64 content and answers whole-file errors with their code', async () => {
    const res = await call(env.app, biz.as.owner, 'POST', '/api/v1/imports/products', {
      content: fixture('missing-column.csv').toString('base64'),
      dryRun: true,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'IMPORT_MISSING_COLUMNS',
      message: 'Faltan columnas obligatorias en el archivo: sku, precio.',
    });
    const ok = await call(env.app, biz.as.owner, 'POST', '/api/v1/imports/products', {
      content: Buffer.from('sku,nombre,precio\nHTTP-2,Paleta Payaso,14.00\n').toString('base64'),
      dryRun: true,
    });
    expect(ok.json()).toMatchObject({ dryRun: true, created: 1 });
    const exp = await call(env.app, biz.as.owner, 'GET', '/api/v1/exports/products');
    expect(exp.statusCode).toBe(200);
    expect(exp.headers['content-type']).toContain('text/csv');
    expect(exp.body).toContain('HTTP-1');
  });
});
