import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { inTransaction, systemCtx } from '../../shared/context.js';
import { startWorkers } from '../../workers/index.js';
import { recordEvent } from './events.service.js';
import {
  deliverDueWebhooks,
  MAX_ATTEMPTS,
  queueWebhookDeliveries,
  sealPlainWebhookSecrets,
  verifyWebhookSignature,
} from './webhooks.service.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  signatureOk: boolean;
}

/** A partner's endpoint on a real port: checks the signature and answers what the test scripts. */
class FakeReceiver {
  server!: Server;
  url = '';
  secret = '';
  received: Received[] = [];
  script: ((res: ServerResponse) => void)[] = [];
  hang = false;

  async start() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const sig = String(req.headers['x-mostrador-signature'] ?? '');
        this.received.push({
          headers: req.headers,
          body,
          signatureOk: verifyWebhookSignature(this.secret, sig, body),
        });
        if (this.hang) return;
        const next = this.script.shift();
        if (next) return next(res);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/mostrador`;
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

let env: TestEnv;
let biz: TestBusiness;
let rx: FakeReceiver;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness('Abarrotes Webhooks');
  rx = new FakeReceiver();
  await rx.start();
});
afterAll(async () => {
  await rx.stop();
  await env.close();
});
beforeEach(() => {
  rx.received = [];
  rx.script = [];
  rx.hang = false;
});

async function subscribe(events: string[], b = biz) {
  const res = await call(env.app, b.as.owner, 'POST', '/api/v1/webhooks', { url: rx.url, events });
  expect(res.statusCode, res.body).toBe(201);
  const hook = res.json();
  rx.secret = hook.secret;
  return hook as { id: string; secret: string };
}

async function emit(type: string, payload: Record<string, unknown>, b = biz) {
  await inTransaction(systemCtx(env.db.db, b.tenantId, env.clock.now), (tx) =>
    recordEvent(tx, type, payload),
  );
}

const queue = () => queueWebhookDeliveries(env.db.db, env.clock.now);
const deliver = (opts = {}) => deliverDueWebhooks(env.db.db, env.clock.now, opts);

async function unsubscribe(id: string) {
  expect((await call(env.app, biz.as.owner, 'DELETE', `/api/v1/webhooks/${id}`)).statusCode).toBe(200);
}

describe('outgoing webhooks', () => {
  it('signs the POST, retries after a 500 and shows both attempts in the delivery log', async () => {
    const hook = await subscribe(['stock.changed']);
    expect(hook.secret).toMatch(/^whsec_/);
    await emit('stock.changed', { skuId: 'sku_1', locationId: biz.storeId, onHand: '7.000' });
    await emit('sale.completed', { saleId: 'sale_not_subscribed' });
    expect((await queue()).queued).toBe(1);

    rx.script.push((res) => res.writeHead(500).end('se cayó la base'));
    const [first] = await deliver();
    expect(first!.status).toBe('failed');
    expect(first!.statusCode).toBe(500);
    const wait = first!.nextAttemptAt!.getTime() - env.clock.now.getTime();
    expect(wait).toBeGreaterThanOrEqual(10_000);
    expect(wait).toBeLessThanOrEqual(12_500);
    expect(await deliver()).toEqual([]); // not due yet

    env.clock.advance(13_000);
    const [second] = await deliver();
    expect(second!.status).toBe('delivered');
    expect(second!.attempt).toBe(2);

    expect(rx.received).toHaveLength(2);
    const got = rx.received[1]!;
    expect(got.signatureOk).toBe(true);
    expect(got.headers['x-mostrador-event']).toBe('stock.changed');
    expect(got.headers['x-mostrador-delivery']).toBe(first!.deliveryId);
    expect(got.headers['x-mostrador-timestamp']).toBe(String(Math.floor(env.clock.now.getTime() / 1000)));
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({
      type: 'stock.changed',
      tenantId: biz.tenantId,
      data: { skuId: 'sku_1', onHand: '7.000' },
    });
    expect(typeof body.id).toBe('number');
    expect(
      verifyWebhookSignature('whsec_wrong', String(got.headers['x-mostrador-signature']), got.body),
    ).toBe(false);

    const log = await call(env.app, biz.as.owner, 'GET', `/api/v1/webhooks/${hook.id}/deliveries`);
    expect(log.statusCode, log.body).toBe(200);
    const [d] = log.json().items;
    expect(d).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 200,
      eventType: 'stock.changed',
    });
    expect(d.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
    expect(d.attemptLog[0].responseExcerpt).toBe('se cayó la base');
    expect(d.attemptLog[0].error).toBe('HTTP 500');

    const list = await call(env.app, biz.as.owner, 'GET', '/api/v1/webhooks');
    expect(list.json().items.map((h: { id: string }) => h.id)).toContain(hook.id);
    expect(list.body).not.toContain(hook.secret);
    await unsubscribe(hook.id);
  });

  it('waits for Retry-After on a 429', async () => {
    const hook = await subscribe(['sale.*']);
    await emit('sale.completed', { saleId: 'sale_429' });
    await queue();
    rx.script.push((res) => res.writeHead(429, { 'retry-after': '120' }).end());
    const [r] = await deliver();
    expect(r!.status).toBe('failed');
    expect(r!.nextAttemptAt!.getTime() - env.clock.now.getTime()).toBe(120_000);
    env.clock.advance(60_000);
    expect(await deliver()).toEqual([]);
    env.clock.advance(60_000);
    expect((await deliver())[0]!.status).toBe('delivered');
    await unsubscribe(hook.id);
  });

  it('queues an event once per webhook however many readers run, and not events from before it existed', async () => {
    await emit('order.created', { orderId: 'ord_before' });
    await queue();
    const hook = await subscribe(['*']);
    await emit('order.created', { orderId: 'ord_after' });
    const runs = await Promise.all([
      queue(),
      queue(),
      queueWebhookDeliveries(env.db.db, env.clock.now, { consumer: 'webhooks-b' }),
    ]);
    expect(runs.reduce((n, r) => n + r.queued, 0)).toBe(1);
    const rows = await env.db.db
      .selectFrom('webhook_deliveries')
      .select('event_id')
      .where('subscription_id', '=', hook.id)
      .execute();
    expect(rows).toHaveLength(1);
    await unsubscribe(hook.id);
  });

  it('never sends one delivery twice when two workers claim at the same time', async () => {
    const hook = await subscribe(['test.*']);
    for (let i = 0; i < 5; i++) await emit('test.claim', { i });
    await queue();
    const [a, b] = await Promise.all([deliver(), deliver()]);
    expect(a!.length + b!.length).toBe(5);
    expect(rx.received).toHaveLength(5);
    expect(new Set(rx.received.map((r) => r.headers['x-mostrador-delivery'])).size).toBe(5);
    await unsubscribe(hook.id);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts, and a manual retry sends it again`, async () => {
    const hook = await subscribe(['test.dead']);
    await emit('test.dead', {});
    await queue();
    // The worker's clock runs ahead; the app's stays put so the owner's session stays valid.
    let t = env.clock.now;
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      rx.script.push((res) => res.writeHead(503).end());
      const [r] = await deliverDueWebhooks(env.db.db, t);
      expect(r!.status).toBe(i < MAX_ATTEMPTS - 1 ? 'failed' : 'dead');
      t = new Date(t.getTime() + 8 * 3_600_000);
    }
    expect(await deliverDueWebhooks(env.db.db, t)).toEqual([]);
    const log = (await call(env.app, biz.as.owner, 'GET', `/api/v1/webhooks/${hook.id}/deliveries`)).json();
    const d = log.items[0];
    expect(d.status).toBe('dead');
    expect(d.attemptLog).toHaveLength(MAX_ATTEMPTS);

    const retry = await call(env.app, biz.as.owner, 'POST', `/api/v1/webhooks/deliveries/${d.id}/retry`);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json().status).toBe('pending');
    expect((await deliverDueWebhooks(env.db.db, t))[0]!.status).toBe('delivered');
    await unsubscribe(hook.id);
  });

  it('records a timeout as a failed attempt', async () => {
    const hook = await subscribe(['test.slow']);
    await emit('test.slow', {});
    await queue();
    rx.hang = true;
    const [r] = await deliver({ timeoutMs: 200 });
    expect(r!.status).toBe('failed');
    const row = await env.db.db
      .selectFrom('webhook_attempts')
      .select(['error', 'status_code'])
      .where('delivery_id', '=', r!.deliveryId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ error: 'timeout after 200 ms', status_code: null });
    await unsubscribe(hook.id);
  });

  it('keeps the signing secret encrypted at rest, seals older plain ones, and says so when one cannot be read', async () => {
    const hook = await subscribe(['test.rest']);
    const stored = () =>
      env.db.db
        .selectFrom('webhook_subscriptions')
        .select(['secret', 'secret_enc'])
        .where('tenant_id', '=', biz.tenantId)
        .where('id', '=', hook.id)
        .executeTakeFirstOrThrow();
    const row = await stored();
    expect(row.secret).toBeNull();
    expect(row.secret_enc).toMatch(/^v1:/);
    expect(row.secret_enc).not.toContain(hook.secret.slice(6));

    // a subscription written in plain text before migration 029
    await env.db.db
      .updateTable('webhook_subscriptions')
      .set({ secret: hook.secret, secret_enc: null })
      .where('tenant_id', '=', biz.tenantId)
      .where('id', '=', hook.id)
      .execute();
    await emit('test.rest', { n: 1 });
    await queue();
    const [plain] = await deliver();
    expect(plain!.status).toBe('delivered');
    expect(await sealPlainWebhookSecrets(env.db.db)).toBe(1);
    const sealed = await stored();
    expect(sealed.secret).toBeNull();
    expect(sealed.secret_enc).toMatch(/^v1:/);
    expect(await sealPlainWebhookSecrets(env.db.db)).toBe(0);
    await emit('test.rest', { n: 2 });
    await queue();
    const [after] = await deliver();
    expect(after!.status).toBe('delivered');
    expect(rx.received.map((r) => r.signatureOk)).toEqual([true, true]);

    // sealed under another key (data restored where SECRET_KEY differs): the attempt fails, saying why
    const [v, iv, , data] = sealed.secret_enc!.split(':');
    await env.db.db
      .updateTable('webhook_subscriptions')
      .set({ secret_enc: [v, iv, Buffer.alloc(16).toString('base64'), data].join(':') })
      .where('tenant_id', '=', biz.tenantId)
      .where('id', '=', hook.id)
      .execute();
    await emit('test.rest', { n: 3 });
    await queue();
    const [refused] = await deliver();
    expect(refused!.status).toBe('failed');
    expect(rx.received).toHaveLength(2);
    const attempt = await env.db.db
      .selectFrom('webhook_attempts')
      .select('error')
      .where('delivery_id', '=', refused!.deliveryId)
      .executeTakeFirstOrThrow();
    expect(attempt.error).toContain('cannot be decrypted with this SECRET_KEY');
    await unsubscribe(hook.id);
  });

  it('deleting a webhook stops its deliveries; another business cannot see or retry them', async () => {
    const hook = await subscribe(['test.del']);
    await emit('test.del', {});
    await queue();
    const other = await env.givenBusiness('Otra');
    const id = (
      await env.db.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('subscription_id', '=', hook.id)
        .executeTakeFirstOrThrow()
    ).id;
    const foreignLog = await call(env.app, other.as.owner, 'GET', `/api/v1/webhooks/${hook.id}/deliveries`);
    expect(foreignLog.statusCode).toBe(404);
    expect(foreignLog.json().error.code).toBe('WEBHOOK_NOT_FOUND');
    const foreignRetry = await call(
      env.app,
      other.as.owner,
      'POST',
      `/api/v1/webhooks/deliveries/${id}/retry`,
    );
    expect(foreignRetry.statusCode).toBe(404);
    expect((await call(env.app, other.as.owner, 'DELETE', `/api/v1/webhooks/${hook.id}`)).statusCode).toBe(
      404,
    );

    await unsubscribe(hook.id);
    expect(await deliver()).toEqual([]);
    expect(rx.received).toHaveLength(0);
    const list = await call(env.app, biz.as.owner, 'GET', '/api/v1/webhooks');
    expect(list.json().items.map((h: { id: string }) => h.id)).not.toContain(hook.id);
    const retry = await call(env.app, biz.as.owner, 'POST', `/api/v1/webhooks/deliveries/${id}/retry`);
    expect(retry.statusCode).toBe(409);
    expect(retry.json().error.code).toBe('WEBHOOK_INACTIVE');
  });

  it('runs end to end with the background workers: event recorded, webhook received', async () => {
    const workers = await startWorkers(env.app, { webhookPollMs: 100 });
    try {
      const hook = await subscribe(['test.live']);
      await emit('test.live', { n: 1 });
      const started = Date.now();
      while (rx.received.length === 0 && Date.now() - started < 5000)
        await new Promise((r) => setTimeout(r, 20));
      expect(rx.received).toHaveLength(1);
      expect(rx.received[0]!.signatureOk).toBe(true);
      await unsubscribe(hook.id);
    } finally {
      await workers.stop();
    }
  });

  it('rejects a bad URL or event pattern and only the owner manages webhooks', async () => {
    const bad = await call(env.app, biz.as.owner, 'POST', '/api/v1/webhooks', {
      url: 'ftp://example.mx/x',
      events: ['stock.changed'],
    });
    expect(bad.statusCode).toBe(400);
    const badType = await call(env.app, biz.as.owner, 'POST', '/api/v1/webhooks', {
      url: rx.url,
      events: ['Stock Changed'],
    });
    expect(badType.statusCode).toBe(400);
    const manager = await call(env.app, biz.as.manager, 'POST', '/api/v1/webhooks', {
      url: rx.url,
      events: ['*'],
    });
    expect(manager.statusCode).toBe(403);
  });
});
