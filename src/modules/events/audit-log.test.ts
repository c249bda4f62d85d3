import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { openRegisterViaApi } from '../../../test/helpers/shift.js';

let env: TestEnv;
let biz: TestBusiness;
let other: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  other = await env.givenBusiness('Otra Tienda');
  // a day's worth of audited acts: a register opened, two customers with fiscal data, a cash out
  const { cashSessionId } = await openRegisterViaApi(env, biz);
  for (const [name, rfc] of [
    ['Ana', 'GOMA850101AB1'],
    ['Beto', 'EKU9003173C9'],
  ] as const) {
    const r = await call(env.app, biz.as.manager, 'POST', '/api/v1/customers', {
      name,
      email: `${name.toLowerCase()}@example.mx`,
      rfc,
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  const out = await call(
    env.app,
    biz.as.cashier,
    'POST',
    `/api/v1/cash-sessions/${cashSessionId}/movements`,
    {
      kind: 'out',
      amount: '50.00',
      reason: 'Pago de garrafones',
    },
  );
  expect(out.statusCode, out.body).toBe(201);
});
afterAll(() => env.close());

const log = (qs: string, who = biz.as.owner) => call(env.app, who, 'GET', `/api/v1/audit-log${qs}`);

describe('the audit log for the owner', () => {
  it('lists newest first and filters by area, exact action, person and subject', async () => {
    const all = (await log('')).json();
    expect(all.items.length).toBeGreaterThanOrEqual(5);
    const ids = all.items.map((i: { id: number }) => i.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    const cash = (await log('?actions=cash.')).json().items;
    expect(cash.map((i: { action: string }) => i.action).sort()).toEqual(['cash.out', 'cash.session_opened']);
    const fiscal = (await log('?actions=customer.fiscal_changed,cash.out')).json().items;
    expect(fiscal.map((i: { action: string }) => i.action).sort()).toEqual([
      'cash.out',
      'customer.fiscal_changed',
      'customer.fiscal_changed',
    ]);
    const byCashier = (await log(`?userId=${biz.as.cashier.userId}`)).json().items;
    expect(byCashier.length).toBeGreaterThan(0);
    expect(byCashier.every((i: { userId: string }) => i.userId === biz.as.cashier.userId)).toBe(true);
    const one = fiscal.find((i: { action: string }) => i.action === 'customer.fiscal_changed');
    const about = (await log(`?entityId=${one.entityId}`)).json().items;
    expect(about.every((i: { entityId: string }) => i.entityId === one.entityId)).toBe(true);
    // business dates: the test clock's day has them all, the day before none
    expect((await log('?from=2026-11-23&to=2026-11-23')).json().items.length).toBe(all.items.length);
    expect((await log('?from=2026-11-22&to=2026-11-22')).json().items).toEqual([]);
  });

  it('pages with before, and keeps other businesses and other roles out', async () => {
    const first = (await log('?limit=2')).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextBefore).toBe(first.items[1].id);
    const second = (await log(`?limit=2&before=${first.nextBefore}`)).json();
    expect(second.items[0].id).toBeLessThan(first.items[1].id);
    const everything = (await log('?limit=500')).json();
    expect(everything.nextBefore).toBeNull();

    const theirs = (await log('', other.as.owner)).json().items;
    expect(
      theirs.some((i: { entityId: string }) =>
        everything.items.some((m: { entityId: string }) => m.entityId === i.entityId),
      ),
    ).toBe(false);
    expect((await log('', biz.as.manager)).statusCode).toBe(403);
    const bad = await log('?actions=DROP TABLE');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });
});
