import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestBusiness, type TestEnv } from '../helpers/app.js';

let env: TestEnv;
let biz: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness('Abarrotes Sitio Cruzado');
});
afterAll(() => env.close());

async function categoryNames(): Promise<string[]> {
  const r = await env.app.inject({
    method: 'GET',
    url: '/api/v1/categories',
    headers: { cookie: biz.as.owner.cookie },
  });
  return (r.json() as { items: { name: string }[] }).items.map((c) => c.name);
}

function createCategory(name: string, headers: Record<string, string>) {
  return env.app.inject({
    method: 'POST',
    url: '/api/v1/categories',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify({ name }),
  });
}

describe('requests from other sites', () => {
  it('refuses a change carrying the session cookie from another site, and writes nothing', async () => {
    const cookie = biz.as.owner.cookie;
    const attempts: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      // a sibling subdomain: same site, other origin
      { 'sec-fetch-site': 'same-site' },
      // a browser without Sec-Fetch-*: the Origin decides
      { origin: 'https://tienda-falsa.example', host: 'pos.example.mx' },
      { origin: 'null', host: 'pos.example.mx' },
    ];
    for (const headers of attempts) {
      const r = await createCategory(`Intrusa ${JSON.stringify(headers)}`, { cookie, ...headers });
      expect(r.statusCode, JSON.stringify(headers)).toBe(403);
      expect(r.json().error.code).toBe('CROSS_SITE_REQUEST');
      expect(r.json().error.message).toBe(
        'Por seguridad, este cambio solo se acepta desde la propia página de Mostrador.',
      );
    }
    expect((await categoryNames()).filter((n) => n.startsWith('Intrusa'))).toEqual([]);
  });

  it("accepts the app's own pages, a reverse proxy's forwarded host, reads, and API tokens", async () => {
    const cookie = biz.as.owner.cookie;
    expect((await createCategory('Bebidas', { cookie, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(
      201,
    );
    expect(
      (await createCategory('Botanas', { cookie, origin: 'https://pos.example.mx', host: 'pos.example.mx' }))
        .statusCode,
    ).toBe(201);
    expect(
      (
        await createCategory('Lácteos', {
          cookie,
          origin: 'https://pos.example.mx',
          host: '127.0.0.1:3000',
          'x-forwarded-host': 'pos.example.mx',
        })
      ).statusCode,
    ).toBe(201);
    // no Sec-Fetch-Site and no Origin: curl, scripts, server-to-server
    expect((await createCategory('Abarrotes', { cookie })).statusCode).toBe(201);
    // a read from a link on another site is fine (SameSite=Lax sends the cookie on navigation)
    const read = await env.app.inject({
      method: 'GET',
      url: '/api/v1/categories',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    });
    expect(read.statusCode).toBe(200);
    // an API token cannot be sent by another site's page: not checked
    const issued = await env.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
      payload: { name: 'Integración' },
    });
    expect(issued.statusCode).toBe(201);
    const token = issued.json().token as string;
    expect(
      (await createCategory('Limpieza', { authorization: `Bearer ${token}`, 'sec-fetch-site': 'cross-site' }))
        .statusCode,
    ).toBe(201);
    expect(await categoryNames()).toEqual(
      expect.arrayContaining(['Bebidas', 'Botanas', 'Lácteos', 'Abarrotes', 'Limpieza']),
    );
  });

  it('refuses a text/plain body with 415 (what a form on another site can send)', async () => {
    const r = await env.app.inject({
      method: 'POST',
      url: '/api/v1/categories',
      headers: { cookie: biz.as.owner.cookie, 'content-type': 'text/plain' },
      payload: '{"name": "Texto"}',
    });
    expect(r.statusCode).toBe(415);
    expect(r.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await categoryNames()).not.toContain('Texto');
  });
});
