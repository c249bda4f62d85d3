import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.js';
import { setupToken } from './setup.js';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const body = (over: Record<string, unknown> = {}) => ({
  token: setupToken(),
  businessName: 'Papelería Lupita',
  ownerName: 'Guadalupe Ortiz',
  ownerEmail: 'lupita@example.mx',
  ownerPassword: 'papeleria-2026',
  storeName: 'Papelería Centro',
  postalCode: '44100',
  warehouseName: 'Bodega',
  ...over,
});
const setup = (payload: Record<string, unknown>) =>
  env.app.inject({ method: 'POST', url: '/api/v1/setup', payload });
const tenants = async () => (await env.db.db.selectFrom('tenants').select(['id', 'name']).execute()).length;

describe('first-run setup (/bienvenida)', () => {
  it('creates the first business with the code the console printed, signs the owner in, then closes for good', async () => {
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ needed: true });

    // a wrong code, or a bad form: refused, nothing written
    const wrong = await setup(body({ token: 'x'.repeat(24) }));
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('SETUP_TOKEN_INVALID');
    const weak = await setup(body({ ownerPassword: 'corta' }));
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.details.issues).toEqual([
      { path: 'body.ownerPassword', message: 'La contraseña necesita 8 caracteres o más.' },
    ]);
    expect(await tenants()).toBe(0);

    // two owners at once: one business
    const [a, b] = await Promise.all([setup(body()), setup(body({ ownerEmail: 'otra@example.mx' }))]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const ok = a.statusCode === 201 ? a : b;
    const refused = a.statusCode === 201 ? b : a;
    expect(refused.json().error.code).toBe('SETUP_DONE');
    expect(await tenants()).toBe(1);

    // the owner is signed in: the session cookie opens the back office's business
    const cookie = String(ok.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/=/);
    const me = await env.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json().user).toMatchObject({ role: 'owner', name: 'Guadalupe Ortiz' });
    const locations = await env.app.inject({ method: 'GET', url: '/api/v1/locations', headers: { cookie } });
    expect(
      locations
        .json()
        .items.map((l: { name: string; kind: string; postalCode: string }) => [l.name, l.kind, l.postalCode]),
    ).toEqual([
      ['Papelería Centro', 'store', '44100'],
      ['Bodega', 'warehouse', '44100'],
    ]);

    const registers = await env.app.inject({ method: 'GET', url: '/api/v1/registers', headers: { cookie } });
    expect(registers.json().items.map((r: { name: string }) => r.name)).toEqual(['Caja 1']);

    expect((await env.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ needed: false });
    const again = await setup(body({ ownerEmail: 'tarde@example.mx' }));
    expect(again.statusCode).toBe(409);
    expect(await tenants()).toBe(1);
  });
});
