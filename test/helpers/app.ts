import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createBusiness, createUser } from '../../src/modules/identity/identity.service.js';
import type { Role } from '../../src/modules/identity/identity.tables.js';
import { type Ctx, systemCtx } from '../../src/shared/context.js';
import { freshDatabase, type TestDatabase } from './db.js';

export interface TestClock {
  now: Date;
  advance(ms: number): void;
  set(at: Date | string): void;
}

export function testClock(start = '2026-11-23T16:00:00.000Z'): TestClock {
  const c: TestClock = {
    now: new Date(start),
    advance(ms) {
      c.now = new Date(c.now.getTime() + ms);
    },
    set(at) {
      c.now = new Date(at);
    },
  };
  return c;
}

export interface TestBusiness {
  tenantId: string;
  ownerId: string;
  storeId: string;
  warehouseId: string;
  /** A system context on this business (pinned clock). */
  ctx: Ctx;
  /** Cookie headers for users of this business by role. */
  as: Record<Role, { cookie: string; userId: string; email: string }>;
}

export interface TestEnv {
  db: TestDatabase;
  app: FastifyInstance;
  clock: TestClock;
  close(): Promise<void>;
  /** A business with a store, a warehouse and one user per role, logged in. */
  givenBusiness(name?: string): Promise<TestBusiness>;
}

const PASSWORD = 'contraseña-segura-1';

async function withDeadline(p: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.warn(`test env close: ${what} still running after ${ms} ms; going on`);
      resolve();
    }, ms);
  });
  try {
    const settled = p.then(
      () => {},
      (err: unknown) => console.warn(`test env close: ${what} failed: ${(err as Error).message}`),
    );
    await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
let seq = 0;

/** A fresh database and app for one test file. */
export async function createTestEnv(opts: { clock?: TestClock } = {}): Promise<TestEnv> {
  const db = await freshDatabase();
  const clock = opts.clock ?? testClock();
  const app = await buildApp({ database: db, now: () => clock.now });
  await app.ready();
  const env: TestEnv = {
    db,
    app,
    clock,
    async close() {
      // Never let a stuck close hang the file (a loaded CI machine once ran past the hook's
      // timeout): each step gets a deadline, then the file goes on. A database left behind is
      // dropped by the next run's global setup (its name carries this worker's pid).
      await withDeadline(app.close(), 10_000, 'app.close');
      await withDeadline(db.drop(), 30_000, 'database drop');
    },
    async givenBusiness(name = 'Abarrotes Prueba') {
      seq++;
      const tag = `${Date.now().toString(36)}${seq}`;
      const b = await createBusiness(
        db.db,
        {
          name,
          rfc: 'EKU9003173C9',
          locations: [
            { name: 'Tienda', kind: 'store', postalCode: '06600' },
            { name: 'Bodega', kind: 'warehouse', postalCode: '06600' },
          ],
          owner: { email: `owner-${tag}@example.mx`, name: 'Dueña', password: PASSWORD },
        },
        clock.now,
      );
      const ctx = { ...systemCtx(db.db, b.tenantId, clock.now), userId: b.ownerId, role: 'owner' as const };
      const as = {} as TestBusiness['as'];
      for (const role of ['owner', 'manager', 'cashier', 'agent', 'kitchen'] as Role[]) {
        const email = role === 'owner' ? `owner-${tag}@example.mx` : `${role}-${tag}@example.mx`;
        let userId = b.ownerId;
        if (role !== 'owner')
          userId = (await createUser(ctx, { email, name: role, role, password: PASSWORD })).id;
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email, password: PASSWORD },
        });
        if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
        const setCookie = res.headers['set-cookie'];
        const raw = Array.isArray(setCookie) ? setCookie[0]! : setCookie!;
        as[role] = { cookie: raw.split(';')[0]!, userId, email };
      }
      return {
        tenantId: b.tenantId,
        ownerId: b.ownerId,
        storeId: b.locationIds[0]!,
        warehouseId: b.locationIds[1]!,
        get ctx() {
          return { ...ctx, now: clock.now };
        },
        as,
      };
    },
  };
  return env;
}

/** Shorthand for an authenticated JSON request through app.inject. */
export async function call(
  app: FastifyInstance,
  who: { cookie: string },
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { cookie: who.cookie, ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

export const TEST_PASSWORD = PASSWORD;
