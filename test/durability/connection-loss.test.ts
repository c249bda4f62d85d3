/**
 * PostgreSQL drops the app's connections (a restart, a failover, an administrator's
 * pg_terminate_backend) while sales come in: the process must survive, the requests in flight
 * fail cleanly, and the next ones succeed on new connections. PostgreSQL only (PGlite has no
 * connections to lose).
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/modules/inventory/inventory.service.js';
import { newId } from '../../src/shared/ids.js';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../helpers/app.js';
import { givenStocked, openRegisterViaApi } from '../helpers/shift.js';
import { ADMIN_URL } from '../helpers/db.js';

let env: TestEnv;
let biz: TestBusiness;
let registerId: string;
let skuId: string;

const sale = () => ({
  id: newId('sale'),
  registerId,
  lines: [{ skuId, quantity: '1' }],
  payments: [{ method: 'cash', amount: '100.00' }],
});

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  skuId = await givenStocked(biz, '10.00', '1000');
  ({ registerId } = await openRegisterViaApi(env, biz));
});
afterAll(() => env.close());

describe('losing the database connections', () => {
  it('keeps the process up: sales in flight fail cleanly, later ones are recorded', async () => {
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      const dbName = new URL(env.db.url!).pathname.slice(1);
      const killed: number[] = [];
      for (let round = 0; round < 3; round++) {
        const inFlight = Array.from({ length: 30 }, () =>
          call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', sale()),
        );
        await new Promise((r) => setTimeout(r, 5));
        const r = await admin`
          select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = ${dbName} and pid <> pg_backend_pid()`;
        killed.push(r[0]!.n);
        const answers = await Promise.all(inFlight);
        // each one either recorded or refused with an error answer: none hangs, nothing crashes
        for (const a of answers) expect([201, 500, 503]).toContain(a.statusCode);
      }
      expect(killed.some((n) => n > 0)).toBe(true);

      // new connections: sales go through again (the first tries may still meet a dead socket)
      let ok = 0;
      for (let i = 0; i < 20 && ok < 5; i++) {
        const a = await call(env.app, biz.as.cashier, 'POST', '/api/v1/sales', sale());
        if (a.statusCode === 201) ok++;
      }
      expect(ok).toBe(5);
      expect(await checkLedger(env.db.db)).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});
