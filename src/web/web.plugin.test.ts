import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createTestEnv, type TestEnv } from '../../test/helpers/app.js';
import { registerWebApp } from './web.plugin.js';

function fakeDist(): string {
  const root = mkdtempSync(join(tmpdir(), 'mostrador-dist-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(root, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  return root;
}

describe('the web app plugin', () => {
  let env: TestEnv;
  let app: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    env = await createTestEnv();
    const root = fakeDist();
    app = await buildApp({
      database: env.db,
      now: () => env.clock.now,
      extensions: [(a) => registerWebApp(a, { root })],
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await env.close();
  });

  it('serves index.html for client-side routes, revalidated on every load', async () => {
    for (const url of ['/', '/terminal', '/admin/reportes?desde=2026-11-01']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('caches hashed assets for a year and never the service worker', async () => {
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const sw = await app.inject({ url: '/sw.js' });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['cache-control']).toBe('no-cache');
  });

  it('leaves the API, the docs and missing files to their own 404', async () => {
    for (const url of ['/api/v1/no-existe', '/assets/index-gone.js', '/favicon.png']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
    }
    expect((await app.inject({ url: '/health' })).json().ok).toBe(true);
  });

  it('answers the business data receipts print, to a signed-in user only', async () => {
    const biz = await env.givenBusiness('Abarrotes Don Pepe');
    expect((await app.inject({ url: '/api/v1/business' })).statusCode).toBe(401);
    const res = await app.inject({ url: '/api/v1/business', headers: { cookie: biz.as.cashier.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: expect.stringMatching(/^ten_/),
      name: 'Abarrotes Don Pepe',
      legalName: null,
      rfc: 'EKU9003173C9',
      regimenFiscal: null,
      timezone: 'America/Mexico_City',
      receiptFooter: null,
      privacyNotice: null,
      customerRetentionYears: null,
    });
  });

  it('sends security headers: own scripts only, never framed, no sniffing, no referrer, no HTTPS forced on the LAN', async () => {
    for (const url of ['/', '/assets/index-abc123.js', '/api/v1/errors', '/api/v1/no-existe']) {
      const res = await app.inject({ url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("img-src 'self' data: blob:");
      expect(csp, url).not.toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
    // behind HTTPS (SECURE_COOKIES): HSTS and upgrade of stray http: links
    const https = await buildApp({ database: env.db, secureCookies: true });
    const res = await https.inject({ url: '/api/v1/errors' });
    expect(res.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    await https.close();
  });

  it('says plainly when the app has not been built', async () => {
    const bare = await buildApp({
      database: env.db,
      extensions: [(a) => registerWebApp(a, { root: mkdtempSync(join(tmpdir(), 'mostrador-empty-')) })],
    });
    const res = await bare.inject({ url: '/terminal' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    expect((await bare.inject({ url: '/api/v1/nada' })).statusCode).toBe(404);
    await bare.close();
  });
});
