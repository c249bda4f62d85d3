/**
 * Test support for the invoicing suites: a business with fiscal data and the EKU test CSD,
 * a register with an open session, ticket helpers, and collecting every XML the tests emit to
 * run SAT's checks on them (cfdi-check) at the end of each file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { call, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { givenProduct, type GivenProductInput } from '../../../test/helpers/factories.js';
import { newId } from '../../shared/ids.js';
import { receiveStock } from '../inventory/inventory.service.js';
import { cfdiCheckAll } from './cfdi/testing.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const CSD_PASSWORD = '12345678a';

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** A test emisor with its CSD in fixtures/ (`<rfc>.cer`, `<rfc>.key`). */
export interface FiscalProfile {
  rfc: 'EKU9003173C9' | 'CACX7605101P8';
  nombre: string;
  regimenFiscal: string;
}

export const EKU_PROFILE: FiscalProfile = {
  rfc: 'EKU9003173C9',
  nombre: 'ESCUELA KEMPER URGATE',
  regimenFiscal: '601',
};

export async function givenFiscalBusiness(
  env: TestEnv,
  profile: FiscalProfile = EKU_PROFILE,
): Promise<TestBusiness & { registerId: string }> {
  const biz = await env.givenBusiness();
  const owner = biz.as.owner;
  let r = await call(env.app, owner, 'PUT', '/api/v1/invoicing/setup/profile', profile);
  expect(r.statusCode, r.body).toBe(200);
  r = await call(env.app, owner, 'PUT', `/api/v1/invoicing/setup/locations/${biz.storeId}`, {
    postalCode: '42501',
  });
  expect(r.statusCode, r.body).toBe(200);
  r = await call(env.app, owner, 'POST', '/api/v1/invoicing/setup/csd', {
    cer: fixture(`${profile.rfc}.cer`).toString('base64'),
    key: fixture(`${profile.rfc}.key`).toString('base64'),
    password: CSD_PASSWORD,
  });
  expect(r.statusCode, r.body).toBe(201);
  const reg = await call(env.app, owner, 'POST', '/api/v1/registers', {
    locationId: biz.storeId,
    name: `Caja ${Math.random()}`,
  });
  expect(reg.statusCode, reg.body).toBe(201);
  const registerId = reg.json().id as string;
  const open = await call(env.app, biz.as.cashier, 'POST', '/api/v1/cash-sessions', {
    registerId,
    openingFloat: '500.00',
  });
  expect(open.statusCode, open.body).toBe(201);
  return Object.assign(biz, { registerId });
}

export async function stocked(
  biz: TestBusiness,
  input: GivenProductInput & { qty?: string } = {},
): Promise<string> {
  const p = await givenProduct(biz.ctx, input);
  const skuId = p.skus[0]!.id;
  await receiveStock(biz.ctx, { locationId: biz.storeId, lines: [{ skuId, quantity: input.qty ?? '1000' }] });
  return skuId;
}

export interface SaleOut {
  id: string;
  total: string;
  invoiceCode: string;
  ticketNumber: number;
  lines: Array<{ lineNo: number }>;
}

export async function sell(
  env: TestEnv,
  biz: TestBusiness & { registerId: string },
  lines: Array<{ skuId: string; quantity: string; discount?: string }>,
  extra: Record<string, unknown> = {},
): Promise<SaleOut> {
  const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', {
    id: newId('sale'),
    registerId: biz.registerId,
    lines,
    payments: [{ method: 'cash', amount: '99999.00' }],
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Collects XML documents and checks them all with cfdi-check. */
export class XmlCollector {
  readonly dir = mkdtempSync(join(tmpdir(), 'mostrador-cfdi-'));
  readonly files: string[] = [];
  add(name: string, xml: string): void {
    const f = join(this.dir, `${String(this.files.length).padStart(3, '0')}-${name}.xml`);
    writeFileSync(f, xml);
    this.files.push(f);
  }
  async expectAllPass(): Promise<number> {
    const results = await cfdiCheckAll(this.files, 2);
    const failed = results.filter((r) => !r.pass);
    expect(failed.map((f) => `${f.file}\n${f.output}`)).toEqual([]);
    return results.length;
  }
}

export async function stampedXml(env: TestEnv, who: { cookie: string }, invoiceId: string): Promise<string> {
  const r = await call(env.app, who, 'GET', `/api/v1/invoicing/invoices/${invoiceId}/xml`);
  expect(r.statusCode, r.body).toBe(200);
  return r.body;
}
