import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { givenStocked, onHandAtStore, openRegisterViaApi, saleTraces } from '../../../test/helpers/shift.js';
import { newId } from '../../shared/ids.js';
import { checkLedger } from '../inventory/inventory.service.js';
import { AppError } from '../../shared/errors.js';
import { saleBatcherOf } from './sale-batcher.js';
import { zSaleInput } from './sales.schemas.js';
import { recordSale } from './sales.service.js';

// Group commit: sales that arrive together are recorded by one `record_sales` statement, each in
// its own subtransaction. These tests send many sales at once so batches form, and check that
// every sale is answered exactly as if it had gone alone.

let env: TestEnv;
let biz: TestBusiness;
let registerId: string;

async function leftBehind(saleId: string): Promise<number> {
  const t = await saleTraces(env, biz, saleId);
  return t.sales + t.lines + t.ledger + t.events;
}

const cashSale = (lines: { skuId: string; quantity: string }[], id = newId('sale')) => ({
  id,
  registerId,
  lines,
  payments: [{ method: 'cash', amount: '1000.00' }],
});

const sell = (body: unknown) => call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', body);

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  ({ registerId } = await openRegisterViaApi(env, biz, 'Caja rápida'));
});
afterAll(() => env.close());

describe('sales recorded in batches (group commit)', () => {
  it('answers each sale of a batch as if it went alone: sold, refused for stock, replayed, id reused', async () => {
    const scarce = await givenStocked(biz, '20.00', '6');
    const plenty = await givenStocked(biz, '12.50', '100');
    const batcher = saleBatcherOf(env.db.db)!;
    expect(batcher).toBeDefined();
    // a first sale alone puts both SKUs in the price cache, so every sale of the burst below
    // reaches the batcher before the first batch is answered (also on PGlite, which runs a
    // request's reads to its end before the next request's)
    const warm = await sell(
      cashSale([
        { skuId: scarce, quantity: '1' },
        { skuId: plenty, quantity: '1' },
      ]),
    );
    expect(warm.statusCode, warm.body).toBe(201);
    const before = { ...batcher.stats };

    const scarceSales = Array.from({ length: 12 }, () => cashSale([{ skuId: scarce, quantity: '1' }]));
    const plentySales = Array.from({ length: 12 }, () => cashSale([{ skuId: plenty, quantity: '2' }]));
    const twice = cashSale([{ skuId: plenty, quantity: '1' }]);
    const reused = cashSale([{ skuId: plenty, quantity: '3' }]);
    const reusedOther = { ...reused, lines: [{ skuId: plenty, quantity: '4' }] };
    const noRegister = { ...cashSale([{ skuId: plenty, quantity: '1' }]), registerId: newId('reg') };

    const bodies = [...scarceSales, ...plentySales, twice, twice, reused, reusedOther, noRegister];
    const ctx = { ...biz.ctx, db: env.db.db };
    const answers = await Promise.all(
      bodies.map((b) =>
        recordSale(ctx, zSaleInput.parse(b)).then(
          (r) => ({ sale: r.sale, replayed: r.replayed, code: null }),
          (err: unknown) => ({
            sale: null,
            replayed: false,
            code: err instanceof AppError ? err.code : String(err),
          }),
        ),
      ),
    );

    // batches formed: more sales than batches, some batch with several sales
    expect(batcher.stats.largestBatch).toBeGreaterThan(1);
    expect(batcher.stats.sales - before.sales).toBe(bodies.length);
    expect(batcher.stats.batches - before.batches).toBeLessThan(bodies.length / 2);

    const scarceAnswers = answers.slice(0, 12);
    expect(scarceAnswers.filter((a) => a.sale)).toHaveLength(5);
    expect(scarceAnswers.filter((a) => a.code === 'STOCK_INSUFFICIENT')).toHaveLength(7);
    for (const a of answers.slice(12, 24)) expect(a.code).toBeNull();

    // the same sale twice in one burst: recorded once, both answers are the stored sale
    const [t1, t2] = answers.slice(24, 26);
    expect([t1!.replayed, t2!.replayed].sort()).toEqual([false, true]);
    expect(t1!.sale!.ticketNumber).toBe(t2!.sale!.ticketNumber);
    const stored = await call(env.app, biz.as.cashier, 'GET', `/api/v1/sales/${twice.id}`);
    expect(stored.json()).toEqual(t1!.sale);
    expect(stored.json()).toEqual(t2!.sale);

    // one id, two bodies: one recorded, the other refused
    const [r1, r2] = answers.slice(26, 28);
    expect([r1!.code, r2!.code].sort()).toEqual(['SALE_ID_REUSED', null].sort());
    expect(answers[28]!.code).toBe('REGISTER_NOT_FOUND');

    // stock: 5 more of scarce, 12×2 + 1 + (3 or 4) of plenty
    expect(await onHandAtStore(env, biz, scarce)).toBe('0.000');
    const reusedQty = r1!.code === null ? 3 : 4;
    expect(Number(await onHandAtStore(env, biz, plenty))).toBe(100 - 1 - 24 - 1 - reusedQty);
    expect(await checkLedger(env.db.db)).toEqual([]);

    // refused sales left nothing behind and used no ticket number: tickets are consecutive
    for (const [i, a] of scarceAnswers.entries())
      if (!a.sale) expect(await leftBehind(scarceSales[i]!.id)).toBe(0);
    expect(await leftBehind(noRegister.id)).toBe(0);
    const tickets = [...new Set(answers.filter((a) => a.sale).map((a) => a.sale!.ticketNumber))].sort(
      (x, y) => x - y,
    );
    expect(tickets).toHaveLength(5 + 12 + 1 + 1);
    expect(tickets[tickets.length - 1]! - tickets[0]!).toBe(tickets.length - 1);
    expect(tickets[0]).toBe(warm.json().ticketNumber + 1);
  });

  it('sales crossing the same SKUs in opposite orders never deadlock across batches', async () => {
    const skus = await Promise.all(
      ['10.00', '11.00', '12.00', '13.00', '14.00', '15.00', '16.00', '17.00'].map((p) =>
        givenStocked(biz, p, '1000'),
      ),
    );
    const batcher = saleBatcherOf(env.db.db)!;
    const retriesBefore = batcher.stats.deadlockRetries;
    // each sale takes one or two of the eight SKUs, in a pseudo-random order, so concurrent
    // batches meet the same rows in different orders
    let seed = 42;
    const pick = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return skus[(seed >> 8) % skus.length]!;
    };
    const bodies = Array.from({ length: 160 }, () => {
      const a = pick();
      const b = pick();
      return cashSale(
        a === b ? [{ skuId: a, quantity: '1' }] : [a, b].map((skuId) => ({ skuId, quantity: '1' })),
      );
    });
    const ctx = { ...biz.ctx, db: env.db.db };
    await recordSale(ctx, zSaleInput.parse(cashSale(skus.map((skuId) => ({ skuId, quantity: '1' })))));
    const batchesBefore = batcher.stats.batches;
    const togetherBefore = batcher.stats.togetherBatches;
    const started = Date.now();
    const answers = await Promise.all(bodies.map((b) => recordSale(ctx, zSaleInput.parse(b))));
    expect(answers.every((a) => !a.replayed)).toBe(true);
    expect(batcher.stats.batches - batchesBefore).toBeLessThan(bodies.length / 4);
    // every sale fits: the batches of several sales went together (record_sales_together)
    expect(batcher.stats.togetherBatches).toBeGreaterThan(togetherBefore);
    // a deadlock costs PostgreSQL's deadlock_timeout (1 s) and a retry; none happened
    expect(batcher.stats.deadlockRetries).toBe(retriesBefore);
    expect(Date.now() - started).toBeLessThan(30_000);
    const sold = new Map<string, number>(skus.map((id) => [id, 0]));
    for (const b of bodies) for (const l of b.lines) sold.set(l.skuId, sold.get(l.skuId)! + 1);
    for (const skuId of skus)
      expect(Number(await onHandAtStore(env, biz, skuId))).toBe(999 - sold.get(skuId)!);
    expect(await checkLedger(env.db.db)).toEqual([]);
  });

  it('a corte Z taken while batches are in flight counts exactly the sales recorded in the session', async () => {
    const { registerId: reg, cashSessionId } = await openRegisterViaApi(env, biz, 'Caja cierre');
    const skuId = await givenStocked(biz, '10.00', '1000');
    const ctx = { ...biz.ctx, db: env.db.db };
    const sale = () =>
      zSaleInput.parse({
        id: newId('sale'),
        registerId: reg,
        lines: [{ skuId, quantity: '1' }],
        payments: [{ method: 'cash', amount: '20.00' }],
      });
    await recordSale(ctx, sale());
    // twenty terminals sell three times each, one sale after another; the close goes in once
    // ten sales are answered, so batches are in flight when it comes and sales keep coming after
    const answers: string[] = [];
    let tenAnswered: () => void = () => {};
    const ten = new Promise<void>((resolve) => {
      tenAnswered = resolve;
    });
    const terminals = Array.from({ length: 20 }, async () => {
      for (let i = 0; i < 3; i++) {
        answers.push(
          await recordSale(ctx, sale()).then(
            () => 'ok',
            (err: unknown) => (err instanceof AppError ? err.code : String(err)),
          ),
        );
        if (answers.length === 10) tenAnswered();
      }
    });
    await ten;
    const closed = await call(
      env.app,
      biz.as.manager,
      'POST',
      `/api/v1/cash-sessions/${cashSessionId}/close`,
      {
        countedCash: '0.00',
      },
    );
    await Promise.all(terminals);
    expect(closed.statusCode, closed.body).toBe(200);
    const corte = closed.json();
    // every sale was recorded in the session before the close, or refused after it
    expect(answers.every((a) => a === 'ok' || a === 'CASH_SESSION_REQUIRED')).toBe(true);
    const inSession = await env.db.db
      .selectFrom('sales')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', biz.tenantId)
      .where('cash_session_id', '=', cashSessionId)
      .executeTakeFirstOrThrow();
    const recorded = answers.filter((a) => a === 'ok').length;
    expect(Number(inSession.n)).toBe(recorded + 1);
    // the corte counted exactly those: 10.00 of cash kept a sale (20.00 given, 10.00 change),
    // on a float of 500.00, and the stored session says the same
    expect(corte.salesCount).toBe(recorded + 1);
    expect(corte.expectedCash).toBe((500 + 10 * (recorded + 1)).toFixed(2));
    const stored = await call(env.app, biz.as.manager, 'GET', `/api/v1/cash-sessions/${cashSessionId}`);
    expect(stored.json()).toMatchObject({ status: 'closed', expectedCash: corte.expectedCash });
    expect(Number(await onHandAtStore(env, biz, skuId))).toBe(1000 - 1 - recorded);
    expect(await checkLedger(env.db.db)).toEqual([]);
  });
});
