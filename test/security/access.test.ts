import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/app.js';
import type { Role } from '../../src/modules/identity/identity.tables.js';
import { createTestEnv, type TestBusiness, type TestEnv } from '../helpers/app.js';

let env: TestEnv;
let biz: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness('Abarrotes Acceso');
});
afterAll(() => env.close());

/** A well-formed id for any `:param`: access is decided before params are even validated. */
const DUMMY_ID = 'zzz_01JAAAAAAAAAAAAAAAAAAAAAAA';

function fill(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, DUMMY_ID).replace(/\*$/, 'x');
}

function apiRoutes(): RouteInfo[] {
  return env.app.routeTable.filter((r) => r.url.startsWith('/api/'));
}

async function request(r: RouteInfo, headers: Record<string, string>) {
  const method = r.method as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  const withBody = ['POST', 'PATCH', 'PUT'].includes(method);
  return env.app.inject({ method, url: fill(r.url), headers, ...(withBody ? { payload: {} } : {}) });
}

describe('every route declares who may call it', () => {
  it('has a sizeable route table to walk', () => {
    expect(apiRoutes().length).toBeGreaterThan(10);
  });

  it('refuses every non-public route without credentials (401)', async () => {
    const failures: string[] = [];
    const routes = apiRoutes().filter((r) => r.access !== 'public');
    for (const r of routes) {
      const res = await request(r, {});
      if (res.statusCode !== 401 || res.json().error.code !== 'UNAUTHENTICATED')
        failures.push(`${r.method} ${r.url} → ${res.statusCode}`);
    }
    console.log(`401 walk: ${routes.length} routes without credentials`);
    expect(failures).toEqual([]);
  });

  it('refuses a bad bearer token like no credentials', async () => {
    const r = apiRoutes().find((x) => x.access !== 'public')!;
    const res = await request(r, { authorization: 'Bearer mst_not-a-real-token' });
    expect(res.statusCode).toBe(401);
  });

  for (const role of ['cashier', 'kitchen', 'agent', 'manager'] as Role[]) {
    it(`refuses a ${role} every route whose access list leaves ${role}s out (403)`, async () => {
      const routes = apiRoutes().filter((r) => Array.isArray(r.access) && !r.access.includes(role));
      const failures: string[] = [];
      for (const r of routes) {
        const res = await request(r, { cookie: biz.as[role].cookie });
        if (res.statusCode !== 403 || res.json().error.code !== 'FORBIDDEN')
          failures.push(`${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
      console.log(`403 walk (${role}): ${routes.length} routes`);
      if (role === 'cashier') expect(routes.length).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    });
  }
});
