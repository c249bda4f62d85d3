import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createTestEnv,
  TEST_PASSWORD,
  type TestBusiness,
  type TestEnv,
} from '../../../test/helpers/app.js';
import { clearPrincipalCache, resolveCredential } from './identity.service.js';

let env: TestEnv;
let biz: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
});
afterAll(() => env.close());

const login = (email: string, password: string) =>
  env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

describe('identity', () => {
  it('refuses a wrong password and throttles the e-mail after five failures', async () => {
    const email = biz.as.agent.email;
    for (let i = 0; i < 5; i++) {
      const r = await login(email, 'no-es-la-contraseña');
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('LOGIN_FAILED');
      expect(r.json().error.message).toBe('Correo o contraseña incorrectos.');
    }
    const blocked = await login(email, TEST_PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('LOGIN_THROTTLED');
    env.clock.advance(16 * 60 * 1000);
    expect((await login(email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('stores passwords as argon2id hashes, never in clear', async () => {
    const row = await env.db.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', biz.ownerId)
      .executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(row.password_hash).not.toContain(TEST_PASSWORD);
  });

  it('issues an API token shown once, stored hashed, and revocable', async () => {
    const created = await call(env.app, biz.as.owner, 'POST', '/api/v1/api-tokens', {
      name: 'tienda en línea',
    });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^mst_/);
    const stored = await env.db.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    const me = await env.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.role).toBe('owner');
    const listed = await call(env.app, biz.as.owner, 'GET', '/api/v1/api-tokens');
    expect(JSON.stringify(listed.json())).not.toContain(token);
    expect((await call(env.app, biz.as.owner, 'DELETE', `/api/v1/api-tokens/${id}`)).statusCode).toBe(200);
    const after = await env.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.statusCode).toBe(401);
  });

  it('resolves a token that many requests present at once with one read and one last-use update', async () => {
    const created = await call(env.app, biz.as.owner, 'POST', '/api/v1/api-tokens', { name: 'caja rápida' });
    const { token } = created.json();
    clearPrincipalCache();
    let queries = 0;
    const counted = env.db.db.withPlugin({
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const all = await Promise.all(
      Array.from({ length: 20 }, () => resolveCredential(counted, 'token', token, env.clock.now)),
    );
    expect(all.every((p) => p?.role === 'owner')).toBe(true);
    // the select joined to the user, then the last_used_at update
    expect(queries).toBe(2);
    // cached now: no query at all
    await resolveCredential(counted, 'token', token, env.clock.now);
    expect(queries).toBe(2);
  });

  it('ends the web session on logout', async () => {
    const r = await login(biz.as.kitchen.email, TEST_PASSWORD);
    const cookie = String(r.headers['set-cookie']).split(';')[0]!;
    expect((await call(env.app, { cookie }, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect((await call(env.app, { cookie }, 'POST', '/api/v1/auth/logout')).statusCode).toBe(200);
    expect((await call(env.app, { cookie }, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('lets a user change their own password: the current one checked, other sessions end, this one stays', async () => {
    const shop = await env.givenBusiness('Tienda Contraseñas');
    const me = shop.as.cashier;
    const other = String((await login(me.email, TEST_PASSWORD)).headers['set-cookie']).split(';')[0]!;
    const change = (body: Record<string, unknown>, who: { cookie: string } = me) =>
      call(env.app, who, 'POST', '/api/v1/auth/password', body);
    const wrong = await change({ currentPassword: 'no-es', newPassword: 'NuevaClave2026' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error).toMatchObject({
      code: 'PASSWORD_CURRENT_WRONG',
      message: 'La contraseña actual no es correcta.',
    });
    expect((await change({ currentPassword: TEST_PASSWORD, newPassword: 'corta' })).json().error.code).toBe(
      'PASSWORD_TOO_WEAK',
    );
    expect(
      (await change({ currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD })).json().error.code,
    ).toBe('PASSWORD_UNCHANGED');
    const ok = await change({ currentPassword: TEST_PASSWORD, newPassword: 'NuevaClave2026' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await call(env.app, me, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect((await call(env.app, { cookie: other }, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login(me.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login(me.email, 'NuevaClave2026')).statusCode).toBe(200);
    const audit = await env.db.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('tenant_id', '=', shop.tenantId)
      .where('entity_id', '=', me.userId)
      .where('action', 'like', 'user.password%')
      .execute();
    expect(audit).toEqual([{ action: 'user.password_changed', data: { by: 'self' } }]);

    // guessing the current password counts toward the same throttle as the login
    const guesser = shop.as.manager;
    for (let i = 0; i < 5; i++) {
      expect(
        (await change({ currentPassword: `intento-${i}`, newPassword: 'OtraClave2026' }, guesser)).statusCode,
      ).toBe(422);
    }
    const blocked = await change({ currentPassword: TEST_PASSWORD, newPassword: 'OtraClave2026' }, guesser);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('LOGIN_THROTTLED');
  });

  it('sets the session cookie HTTP-only', async () => {
    const r = await login(biz.as.manager.email, TEST_PASSWORD);
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly/i);
  });

  it('limits a user to the locations given', async () => {
    const u = await call(env.app, biz.as.owner, 'POST', '/api/v1/users', {
      email: `solo-tienda-${Date.now()}@example.mx`,
      name: 'Cajera de tienda',
      role: 'cashier',
      password: TEST_PASSWORD,
      locationIds: [biz.storeId],
    });
    expect(u.statusCode).toBe(201);
    const r = await login(u.json().email, TEST_PASSWORD);
    const cookie = String(r.headers['set-cookie']).split(';')[0]!;
    const locs = await call(env.app, { cookie }, 'GET', '/api/v1/locations');
    expect(locs.json().items.map((l: { id: string }) => l.id)).toEqual([biz.storeId]);
  });

  it('refuses an empty list of locations (a person who could work nowhere) and changes them later', async () => {
    const email = `sin-sucursal-${Date.now()}@example.mx`;
    const body = { email, name: 'Nadie', role: 'cashier', password: TEST_PASSWORD, locationIds: [] };
    const none = await call(env.app, biz.as.owner, 'POST', '/api/v1/users', body);
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('VALIDATION_FAILED');
    expect(none.body).toContain('Elige al menos una sucursal, o todas.');
    const users = await env.db.db.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(users).toEqual([]);
    const u = await call(env.app, biz.as.owner, 'POST', '/api/v1/users', {
      ...body,
      locationIds: [biz.warehouseId],
    });
    expect(u.statusCode, u.body).toBe(201);
    const emptied = await call(env.app, biz.as.owner, 'PATCH', `/api/v1/users/${u.json().id}`, {
      locationIds: [],
    });
    expect(emptied.statusCode).toBe(400);
    const all = await call(env.app, biz.as.owner, 'PATCH', `/api/v1/users/${u.json().id}`, {
      locationIds: null,
    });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().locationIds).toBeNull();
  });

  it('keeps the last owner', async () => {
    const r = await call(env.app, biz.as.owner, 'PATCH', `/api/v1/users/${biz.ownerId}`, { role: 'manager' });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('LAST_OWNER');
  });

  it('changes the business fiscal data and refuses a malformed RFC', async () => {
    const ok = await call(env.app, biz.as.owner, 'PATCH', '/api/v1/business', {
      rfc: 'eku9003173c9',
      regimenFiscal: '601',
      receiptFooter: '¡Gracias por su compra!',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().rfc).toBe('EKU9003173C9');
    const bad = await call(env.app, biz.as.owner, 'PATCH', '/api/v1/business', { rfc: 'EKU90031' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('BUSINESS_RFC_INVALID');
    // régimen 605 (sueldos y salarios) applies only to personas físicas; EKU… is a company
    const wrong = await call(env.app, biz.as.owner, 'PATCH', '/api/v1/business', { regimenFiscal: '605' });
    expect(wrong.json().error.code).toBe('BUSINESS_REGIMEN_INVALID');
    const still = await call(env.app, biz.as.cashier, 'GET', '/api/v1/business');
    expect(still.json().regimenFiscal).toBe('601');
    expect((await call(env.app, biz.as.cashier, 'PATCH', '/api/v1/business', { name: 'x' })).statusCode).toBe(
      403,
    );
  });
});

describe('idempotency and audit', () => {
  it('answers a repeated POST with the same Idempotency-Key once, and refuses the key with another body', async () => {
    const key = `k-${Date.now()}`;
    const first = await call(
      env.app,
      biz.as.owner,
      'POST',
      '/api/v1/categories',
      { name: 'Lácteos' },
      { 'idempotency-key': key },
    );
    expect(first.statusCode).toBe(201);
    const again = await call(
      env.app,
      biz.as.owner,
      'POST',
      '/api/v1/categories',
      { name: 'Lácteos' },
      { 'idempotency-key': key },
    );
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    const rows = await env.db.db
      .selectFrom('categories')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    expect(rows).toHaveLength(1);
    const other = await call(
      env.app,
      biz.as.owner,
      'POST',
      '/api/v1/categories',
      { name: 'Bebidas' },
      { 'idempotency-key': key },
    );
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('frees the key when the first attempt failed', async () => {
    const key = `f-${Date.now()}`;
    const bad = await call(
      env.app,
      biz.as.owner,
      'POST',
      '/api/v1/categories',
      { name: 'Lácteos' },
      { 'idempotency-key': key },
    );
    expect(bad.statusCode).toBe(409);
    const row = await env.db.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', key)
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('refuses updates and deletes on the audit log at the database', async () => {
    const n = await env.db.db
      .selectFrom('audit_log')
      .select('id')
      .where('tenant_id', '=', biz.tenantId)
      .execute();
    expect(n.length).toBeGreaterThan(0);
    await expect(
      sql`update audit_log set action = 'x' where tenant_id = ${biz.tenantId}`.execute(env.db.db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from audit_log where tenant_id = ${biz.tenantId}`.execute(env.db.db),
    ).rejects.toThrow(/append-only/);
  });

  it('lists every error code with both messages in the API docs', async () => {
    const codes = (await env.app.inject({ method: 'GET', url: '/api/v1/errors' })).json() as {
      code: string;
      es: string;
      en: string;
    }[];
    expect(codes.length).toBeGreaterThan(50);
    for (const c of codes) {
      expect(c.es.length, c.code).toBeGreaterThan(5);
      expect(c.en.length, c.code).toBeGreaterThan(5);
    }
    const doc = (await env.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const c of codes) expect(doc.info.description, c.code).toContain(`\`${c.code}\``);
  });
});
