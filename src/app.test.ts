import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../test/helpers/app.js';
import { freshDatabase } from '../test/helpers/db.js';
import { buildApp } from './app.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env.close();
});

describe('API reference', () => {
  it('serves the Scalar page at /docs, loaded on the first visit, pointing at /openapi.json', async () => {
    const redirect = await env.app.inject({ method: 'GET', url: '/docs' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/docs/');
    const page = await env.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('/openapi.json');
    // Scalar's inline scripts: no content policy here, the other security headers still
    expect(page.headers['content-security-policy']).toBeUndefined();
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const script = await env.app.inject({ method: 'GET', url: '/docs/js/scalar.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(Number(script.headers['content-length'])).toBe(script.rawPayload.length);
    expect(script.rawPayload.length).toBeGreaterThan(1_000_000);
  });

  it('builds the OpenAPI document with every API route', async () => {
    const doc = (await env.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/sales');
    expect(Object.keys(doc.paths)).not.toContain('/docs/');
  });
});

describe('/health', () => {
  it('answers 200 while the database answers, 503 with the reason once it does not', async () => {
    const db = await freshDatabase();
    const app = await buildApp({ database: db });
    try {
      const up = await app.inject({ url: '/health' });
      expect(up.statusCode).toBe(200);
      expect(up.json()).toEqual({ ok: true, database: db.kind });
      await db.close();
      const down = await app.inject({ url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ ok: false, database: db.kind });
      expect(down.json().error).toEqual(expect.any(String));
    } finally {
      await app.close();
      // closed above: only the PostgreSQL database itself is left to drop
      await db.drop().catch(() => {});
    }
  });
});
