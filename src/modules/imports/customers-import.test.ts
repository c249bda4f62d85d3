import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { auditDataOf } from '../../../test/helpers/db.js';
import { getAccount, listReceivables, recordOpeningBalance } from '../accounts/accounts.service.js';
import { createCustomer, findCustomerByPhone, listConsents } from '../customers/customers.service.js';
import { type CustomerImportReport, exportCustomers, importCustomers, parseDay } from './customers-import.js';

let env: TestEnv;
let biz: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
});
afterAll(() => env.close());

const csv = (lines: string[], encoding: 'utf8' | 'latin1' = 'utf8') =>
  Buffer.from(`${lines.join('\r\n')}\r\n`, encoding);
const rowAt = (r: CustomerImportReport, row: number) => r.rows.find((x) => x.row === row)!;

/** Rows of the business in the tables an import writes to. */
async function footprint(tenantId = biz.tenantId) {
  const n = async (
    table: 'customers' | 'account_movements' | 'events' | 'audit_log' | 'customer_consents',
  ) => {
    const r = await env.db.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  };
  return {
    customers: await n('customers'),
    movements: await n('account_movements'),
    events: await n('events'),
    audit: await n('audit_log'),
    consents: await n('customer_consents'),
  };
}

describe('reading dates', () => {
  it('reads día/mes/año and ISO, and never guesses month first', () => {
    expect(parseDay('15/03/2026')).toBe('2026-03-15');
    expect(parseDay('5-3-26')).toBe('2026-03-05');
    expect(parseDay('05.03.2026')).toBe('2026-03-05');
    expect(parseDay('2026-03-15')).toBe('2026-03-15');
    expect(parseDay('03/15/2026')).toBeNull();
    expect(parseDay('31/02/2026')).toBeNull();
    expect(parseDay('ayer')).toBeNull();
  });
});

describe('customer import', () => {
  it('carries the notebook over from an Excel file: profiles, debts with their age, limits and consent', async () => {
    const file = csv(
      [
        'Nombre;Celular;Correo;Debe;Desde;Límite de crédito;Acepta promociones;Observaciones',
        'Doña Toña Pérez;044 55 1111 2222;;1.250,50;15/03/2026;2.000,00;sí;Paga los viernes',
        'José Ñúñez;5215533334444;;380;2026-10-01;;no;',
        'Tienda La Güera;;gueRA@example.mx;0;;;;',
      ],
      'latin1',
    );
    const r = await importCustomers(biz.ctx, { content: file, dryRun: false });
    expect(r).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ';',
      created: 3,
      failed: 0,
      openingBalances: 2,
      openingTotal: '1630.50',
    });
    expect(r.rows.every((x) => x.errors.length === 0 && x.warnings.length === 0)).toBe(true);

    const tona = (await findCustomerByPhone(biz.ctx, '5511112222'))!;
    expect(tona).toMatchObject({
      name: 'Doña Toña Pérez',
      phone: '+525511112222',
      notes: 'Paga los viernes',
    });
    expect(tona.marketingConsent).toMatchObject({ granted: true, channel: 'import' });
    const account = await getAccount(biz.ctx, tona.id);
    expect(account).toMatchObject({ balance: '1250.50', creditLimit: '2000.00' });
    expect(account.oldestUnpaidAt?.slice(0, 10)).toBe('2026-03-15');
    expect(account.aging.over90).toBe('1250.50');
    expect(await auditDataOf(env.db, biz.tenantId, 'account.opening_recorded')).toContainEqual(
      expect.objectContaining({ amount: '1250.50', since: '2026-03-15' }),
    );

    const jose = (await findCustomerByPhone(biz.ctx, '55 3333 4444'))!;
    expect(jose.name).toBe('José Ñúñez');
    expect((await listConsents(biz.ctx, jose.id)).map((c) => [c.granted, c.channel])).toEqual([
      [false, 'import'],
    ]);
    expect((await getAccount(biz.ctx, jose.id)).balance).toBe('380.00');
    expect(rowAt(r, 4)).toMatchObject({ status: 'created', phone: '' });
    expect(rowAt(r, 4).openingBalance).toBeUndefined();
  });

  it('imports the same file twice without doubling a debt, and completes a profile with the filled cells', async () => {
    const file = csv([
      'nombre,telefono,saldo,debe_desde,rfc,regimen_fiscal,uso_cfdi,codigo_postal',
      'Memo Ríos,55 2222 0001,500.00,01/09/2026,,,,',
    ]);
    const first = await importCustomers(biz.ctx, { content: file, dryRun: false });
    expect(first).toMatchObject({ created: 1, openingBalances: 1 });
    const before = await footprint();
    const again = await importCustomers(biz.ctx, { content: file, dryRun: false });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1, failed: 0, openingBalances: 0 });
    expect(again.rows[0]!.warnings.map((w) => w.code)).toEqual(['OPENING_SKIPPED_ACCOUNT_IN_USE']);
    expect(again.rows[0]!.warnings[0]!.message).toContain('debe $500.00');
    expect(await footprint()).toEqual(before);

    // A later file adds fiscal data (Excel dropped the zero of 06600) and leaves the rest alone.
    const later = await importCustomers(biz.ctx, {
      content: csv([
        'nombre,telefono,saldo,rfc,regimen_fiscal,uso_cfdi,codigo_postal',
        ',+52 55 2222 0001,,ROMM800101AB1,612 - Personas Físicas con Actividades Empresariales,G03,6600',
      ]),
      dryRun: false,
    });
    expect(later).toMatchObject({ updated: 1, failed: 0 });
    const memo = (await findCustomerByPhone(biz.ctx, '5522220001'))!;
    expect(memo).toMatchObject({
      name: 'Memo Ríos',
      rfc: 'ROMM800101AB1',
      regimenFiscal: '612',
      usoCfdi: 'G03',
      codigoPostal: '06600',
    });
    expect((await getAccount(biz.ctx, memo.id)).balance).toBe('500.00');
  });

  it('never loads an opening balance onto an account already in use', async () => {
    const c = await createCustomer(biz.ctx, { name: 'Lupita', phone: '5522220002' });
    await recordOpeningBalance(biz.ctx, c.id, { amount: '90.00', since: '2026-11-01' });
    const r = await importCustomers(biz.ctx, {
      content: csv(['nombre,telefono,saldo,debe_desde', 'Lupita Sánchez,5522220002,250,01/10/2026']),
      dryRun: false,
    });
    expect(r.rows[0]).toMatchObject({ status: 'updated', customerId: c.id });
    expect(r.rows[0]!.warnings.map((w) => w.code)).toEqual(['OPENING_SKIPPED_ACCOUNT_IN_USE']);
    expect(r.openingBalances).toBe(0);
    expect((await getAccount(biz.ctx, c.id)).balance).toBe('90.00');
  });

  it('lists every bad row with its reason and leaves nothing of it behind', async () => {
    const before = await footprint();
    const r = await importCustomers(biz.ctx, {
      content: csv([
        'nombre,telefono,correo,saldo,debe_desde,rfc',
        'Teléfono corto,12345,,,,',
        'Excel,5.51234E+09,,,,',
        'Correo malo,,no-es-correo,,,',
        'Fecha al revés,5522220010,,100,03/15/2026,',
        'Saldo negativo,5522220011,,-50,,',
        'Ambiguo,5522220012,,"1,299",,',
        'Sin contacto,,,100,,',
        'RFC malo,5522220013,,,,ABC123',
        'Futuro,5522220014,,100,01/01/2099,',
        'Primera,55 2222 0015,,,,',
        'Repetida,+52 1 55 2222 0015,,,,',
      ]),
      dryRun: false,
    });
    expect(r).toMatchObject({ total: 11, created: 1, failed: 10, openingBalances: 0 });
    const codes = Object.fromEntries(
      r.rows.map((x) => [x.name, x.errors.map((e) => `${e.column}:${e.code}`)]),
    );
    expect(codes).toEqual({
      'Teléfono corto': ['telefono:CUSTOMER_PHONE_INVALID'],
      Excel: ['telefono:PHONE_SCIENTIFIC_NOTATION'],
      'Correo malo': ['correo:EMAIL_INVALID'],
      'Fecha al revés': ['debe_desde:DATE_INVALID'],
      'Saldo negativo': ['saldo:AMOUNT_NEGATIVE'],
      Ambiguo: ['saldo:AMOUNT_AMBIGUOUS'],
      'Sin contacto': ['telefono:CUSTOMER_CONTACT_REQUIRED'],
      'RFC malo': ['rfc:CUSTOMER_RFC_INVALID'],
      Futuro: ['debe_desde:ACCOUNT_OPENING_DATE_INVALID'],
      Primera: [],
      Repetida: ['telefono:CUSTOMER_DUPLICATE_IN_FILE'],
    });
    expect(rowAt(r, 12).errors[0]!.message).toBe(
      '+525522220015 ya apareció en el renglón 11; este renglón no se importó (junta los dos en uno).',
    );
    // Only "Primera" was written: one customer and its creation event, nothing else.
    const after = await footprint();
    expect(after).toEqual({ ...before, customers: before.customers + 1, events: before.events + 1 });
    // The row whose database step failed (the future date) left no customer either.
    expect(await findCustomerByPhone(biz.ctx, '5522220014')).toBeNull();
  });

  it('takes today for a debt with no date, and says so', async () => {
    const r = await importCustomers(biz.ctx, {
      content: csv(['nombre,telefono,saldo', 'Sin fecha,5522220020,75.5']),
      dryRun: false,
    });
    expect(r.rows[0]).toMatchObject({ status: 'created', openingBalance: '75.50' });
    expect(r.rows[0]!.warnings.map((w) => `${w.column}:${w.code}`)).toEqual([
      'debe_desde:OPENING_SINCE_TODAY',
    ]);
  });

  it('checks a file without writing anything on a dry run', async () => {
    const before = await footprint();
    const r = await importCustomers(biz.ctx, {
      content: csv([
        'nombre,telefono,saldo,debe_desde',
        'Prueba,5522220030,100,01/11/2026',
        'Otra,5522220031,50,02/11/2026',
      ]),
      dryRun: true,
    });
    expect(r).toMatchObject({
      dryRun: true,
      created: 2,
      failed: 0,
      openingBalances: 2,
      openingTotal: '150.00',
    });
    expect(await footprint()).toEqual(before);
  });

  it('stops a file with no phone or e-mail column, or a mapping to nothing, before any row', async () => {
    await expect(
      importCustomers(biz.ctx, { content: csv(['nombre,saldo', 'Ana,10']), dryRun: false }),
    ).rejects.toMatchObject({ code: 'IMPORT_MISSING_COLUMNS' });
    await expect(
      importCustomers(biz.ctx, {
        content: csv(['Cliente,Cel.', 'Ana,5522220040']),
        mapping: { 'Cel.': 'telefono', Cliente: 'apodo' },
        dryRun: false,
      }),
    ).rejects.toMatchObject({ code: 'IMPORT_UNKNOWN_FIELD' });
    const mapped = await importCustomers(biz.ctx, {
      content: csv(['Cliente,Cel.,Lo que debe', 'Ana,5522220040,10']),
      mapping: { 'Cel.': 'telefono', 'Lo que debe': 'saldo' },
      dryRun: true,
    });
    expect(mapped).toMatchObject({ created: 1, openingBalances: 1, ignoredColumns: [] });
  });
});

describe('customer import over HTTP', () => {
  it('takes the CSV as the body, and the template imports back clean', async () => {
    const template = await call(env.app, biz.as.manager, 'GET', '/api/v1/imports/customers/template');
    expect(template.statusCode).toBe(200);
    expect(template.headers['content-type']).toContain('text/csv');
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/imports/customers?dryRun=true',
      headers: { cookie: biz.as.manager.cookie, 'content-type': 'text/csv' },
      payload: template.rawPayload,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      encoding: 'utf-8-bom',
      created: 2,
      failed: 0,
      openingBalances: 1,
      openingTotal: '380.00',
    });

    const cashier = await env.app.inject({
      method: 'POST',
      url: '/api/v1/imports/customers',
      headers: { cookie: biz.as.cashier.cookie, 'content-type': 'text/csv' },
      payload: template.rawPayload,
    });
    expect(cashier.statusCode).toBe(403);
  });

  it('keeps one business’s import out of another', async () => {
    const other = await env.givenBusiness('Otra tienda');
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/imports/customers',
      headers: { cookie: other.as.owner.cookie, 'content-type': 'text/csv' },
      // Doña Toña exists in the first business: here she is new, with her own account.
      payload: csv(['nombre,telefono,saldo,debe_desde', 'Toña,5511112222,10,01/11/2026']),
    });
    expect(res.json()).toMatchObject({ created: 1, openingBalances: 1 });
    expect((await getAccount(biz.ctx, (await findCustomerByPhone(biz.ctx, '5511112222'))!.id)).balance).toBe(
      '1250.50',
    );
  });
});

describe('customer export', () => {
  it('takes every customer and what each owes to another Mostrador, and changes nothing imported back', async () => {
    const file = await exportCustomers(biz.ctx);
    expect(file.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const text = file.toString('utf8');
    expect(text).toContain(
      '\r\nDoña Toña Pérez,+525511112222,,,,,,,Paga los viernes,2000.00,1250.50,15/03/2026,si\r\n',
    );
    expect(await auditDataOf(env.db, biz.tenantId, 'customer.list_exported')).toEqual([
      { customers: text.trim().split('\r\n').length - 1 },
    ]);

    // into this same business: every row known, no debt added
    const back = await importCustomers(biz.ctx, { content: file, dryRun: false });
    expect(back).toMatchObject({ created: 0, updated: 0, failed: 0, openingBalances: 0 });

    // into a new one: the same people, owing the same
    const other = await env.givenBusiness('Sucursal nueva');
    const moved = await importCustomers(other.ctx, { content: file, dryRun: false });
    expect(moved).toMatchObject({ created: back.total, failed: 0 });
    const owed = async (ctx: typeof biz.ctx) =>
      (await listReceivables(ctx, { limit: 1000 })).items.map((r) => [r.phone, r.balance]).sort();
    expect(await owed(other.ctx)).toEqual(await owed(biz.ctx));
    expect((await listReceivables(other.ctx)).total).toBe((await listReceivables(biz.ctx)).total);
  });
});
