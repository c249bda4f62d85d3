import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { announceEvents } from './announce.js';
import { openDatabase } from '../../db/database.js';
import { type Ctx, inTransaction, systemCtx } from '../../shared/context.js';
import { updateUser } from '../identity/identity.service.js';
import { advanceCursor, lowWatermark, newCursor } from './cursor.js';
import { type OutboxEvent, sharedDispatcher, startDispatcher } from './dispatcher.js';
import { recordEvent } from './events.service.js';

let env: TestEnv;
let biz: TestBusiness;
let other: TestBusiness;
let baseUrl: string;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness('Abarrotes Eventos');
  other = await env.givenBusiness('Otra Tienda');
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  // fetch keeps a spare idle connection open; the server would wait for its keep-alive to end.
  env.app.server.closeAllConnections();
  await env.close();
});

/** Records one event in its own committed transaction, as a module's service would. */
async function emit(b: TestBusiness, type: string, payload: Record<string, unknown>, db = env.db.db) {
  const ctx: Ctx = systemCtx(db, b.tenantId, env.clock.now);
  await inTransaction(ctx, (tx) => recordEvent(tx, type, payload));
}

function waitFor<T>(check: () => T | undefined, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const v = check();
      if (v !== undefined) return resolve(v);
      if (Date.now() - started > ms) return reject(new Error('timed out waiting'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

interface SseFrame {
  id?: string;
  event?: string;
  data?: { id: number; type: string; createdAt: string; data: Record<string, unknown> };
  at: number;
}

/** A terminal: opens the stream over the real port and collects frames as they arrive. */
async function openStream(who: { cookie: string }, query = '', headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/events/stream${query}`, {
    headers: { cookie: who.cookie, ...headers },
    signal: abort.signal,
  });
  const frames: SseFrame[] = [];
  const comments: string[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let end = buf.indexOf('\n\n');
        while (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const frame: SseFrame = { at: performance.now() };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) frame.id = line.slice(4);
            else if (line.startsWith('event: ')) frame.event = line.slice(7);
            else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
          }
          if (frame.event) frames.push(frame);
          end = buf.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  await waitFor(() => (comments.includes('conectado') ? true : undefined));
  return { res, frames, comments, close: () => abort.abort() };
}

describe('event cursor', () => {
  it('re-reads an id that committed after a higher one and never hands out an id twice', () => {
    const c = newCursor(9);
    expect(advanceCursor(c, [11], 0, 1000)).toEqual([11]);
    expect(lowWatermark(c)).toBe(9);
    expect(advanceCursor(c, [10, 12], 100, 1000)).toEqual([10, 12]);
    expect(advanceCursor(c, [10, 11, 12], 200, 1000)).toEqual([]);
    expect(lowWatermark(c)).toBe(12);
  });

  it('gives up on a gap left by a rolled-back transaction after the wait', () => {
    const c = newCursor(0);
    advanceCursor(c, [1, 3], 0, 1000);
    expect(lowWatermark(c)).toBe(1);
    advanceCursor(c, [], 999, 1000);
    expect(c.gaps).toHaveProperty('2');
    advanceCursor(c, [], 1000, 1000);
    expect(lowWatermark(c)).toBe(3);
  });
});

describe('dispatcher', () => {
  it('hands committed events to subscribers by type, prefix and *, and nothing from a rollback', async () => {
    const d = await startDispatcher({ database: env.db });
    try {
      const exact: OutboxEvent[] = [];
      const prefix: OutboxEvent[] = [];
      const all: OutboxEvent[] = [];
      d.subscribe('sale.completed', (e) => void exact.push(e));
      d.subscribe('stock.*', (e) => void prefix.push(e));
      d.subscribe((e) => void all.push(e));
      await emit(biz, 'stock.changed', { skuId: 'sku_x', onHand: '3' });
      await emit(biz, 'sale.completed', { saleId: 'sale_x', total: '18.00' });
      await expect(
        inTransaction(systemCtx(env.db.db, biz.tenantId, env.clock.now), async (tx) => {
          await recordEvent(tx, 'sale.completed', { saleId: 'sale_rolled_back' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await waitFor(() => (all.length >= 2 ? true : undefined));
      await d.poll();
      expect(all.map((e) => e.type)).toEqual(['stock.changed', 'sale.completed']);
      expect(exact.map((e) => e.payload.saleId)).toEqual(['sale_x']);
      expect(prefix.map((e) => e.payload.onHand)).toEqual(['3']);
      expect(all[0]!.tenantId).toBe(biz.tenantId);
    } finally {
      await d.stop();
    }
  });

  it('delivers an event whose id committed after a higher one (out-of-order commit)', async () => {
    const d = await startDispatcher({ database: env.db, pollMs: 50 });
    const seen: string[] = [];
    d.subscribe((e) => void seen.push(String(e.payload.n)));
    try {
      if (env.db.kind === 'postgres') {
        // Transaction A takes its id first but commits after B.
        let releaseA!: () => void;
        const aHolds = new Promise<void>((r) => {
          releaseA = r;
        });
        let aRecorded!: () => void;
        const aHasId = new Promise<void>((r) => {
          aRecorded = r;
        });
        const a = env.db.db.transaction().execute(async (trx) => {
          await recordEvent(systemCtx(trx, biz.tenantId, env.clock.now), 'test.order', { n: 'A' });
          aRecorded();
          await aHolds;
        });
        await aHasId;
        await emit(biz, 'test.order', { n: 'B' });
        await waitFor(() => (seen.includes('B') ? true : undefined));
        releaseA();
        await a;
        await waitFor(() => (seen.includes('A') ? true : undefined));
        expect(seen).toEqual(['B', 'A']);
      } else {
        // PGlite runs one transaction at a time: ids always commit in order there.
        await emit(biz, 'test.order', { n: 'A' });
        await emit(biz, 'test.order', { n: 'B' });
        await waitFor(() => (seen.length === 2 ? true : undefined));
        expect(seen).toEqual(['A', 'B']);
      }
    } finally {
      await d.stop();
    }
  });

  it('reaches every app process: two database handles each get the event (LISTEN/NOTIFY)', async () => {
    // On PostgreSQL the second handle is another pool and LISTEN connection, as a second app
    // process has; PGlite lives inside one process, so there the two dispatchers share it.
    const second =
      env.db.kind === 'postgres' ? await openDatabase({ url: env.db.url!, poolSize: 2 }) : env.db;
    const one = await startDispatcher({ database: env.db, pollMs: 60_000 });
    const two = await startDispatcher({ database: second, pollMs: 60_000 });
    try {
      const got1: number[] = [];
      const got2: number[] = [];
      one.subscribe('test.fanout', (e) => void got1.push(e.id));
      two.subscribe('test.fanout', (e) => void got2.push(e.id));
      const started = performance.now();
      await emit(biz, 'test.fanout', {}, second.db);
      // What the writing process does after its commit (the app's onResponse hook).
      announceEvents(second);
      await waitFor(() => (got1.length && got2.length ? true : undefined), 2000);
      // With polling set to a minute, only NOTIFY can have woken them this fast.
      expect(performance.now() - started).toBeLessThan(1000);
      expect(got1).toEqual(got2);
    } finally {
      await one.stop();
      await two.stop();
      if (second !== env.db) await second.close();
    }
  });
});

describe('GET /events/stream', () => {
  it('brings a stock change to a connected terminal within one second, and only its business', async () => {
    const s = await openStream(biz.as.cashier);
    try {
      expect(s.res.headers.get('content-type')).toContain('text/event-stream');
      await emit(other, 'stock.changed', { skuId: 'sku_other', locationId: other.storeId });
      const started = performance.now();
      await emit(biz, 'stock.changed', { skuId: 'sku_mine', locationId: biz.storeId, onHand: '5' });
      const f = await waitFor(() => s.frames.find((x) => x.data?.data.skuId === 'sku_mine'));
      expect(f.at - started).toBeLessThan(1000);
      expect(f.event).toBe('stock.changed');
      expect(f.data!.data.onHand).toBe('5');
      expect(Number(f.id)).toBe(f.data!.id);
      expect(s.frames.some((x) => x.data?.data.skuId === 'sku_other')).toBe(false);
    } finally {
      s.close();
    }
  });

  it('filters by types and by the locations the user may access', async () => {
    await updateUser(biz.ctx, biz.as.kitchen.userId, { locationIds: [biz.storeId] });
    const s = await openStream(biz.as.kitchen, '?types=stock.changed,sale.*');
    try {
      await emit(biz, 'order.created', { orderId: 'ord_1', locationId: biz.storeId });
      await emit(biz, 'stock.changed', { skuId: 'sku_wh', locationId: biz.warehouseId });
      await emit(biz, 'sale.completed', { saleId: 'sale_store', locationId: biz.storeId });
      await emit(biz, 'stock.changed', { skuId: 'sku_store', locationId: biz.storeId });
      await waitFor(() => (s.frames.length >= 2 ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      expect(s.frames.map((f) => f.data!.data.saleId ?? f.data!.data.skuId)).toEqual([
        'sale_store',
        'sku_store',
      ]);
    } finally {
      s.close();
      await updateUser(biz.ctx, biz.as.kitchen.userId, { locationIds: null });
    }
  });

  it('leaves the customer’s phone out of the kitchen’s order events', async () => {
    const kitchen = await openStream(biz.as.kitchen, '?types=order.*');
    const desk = await openStream(biz.as.agent, '?types=order.*');
    try {
      await emit(biz, 'order.status_changed', {
        orderId: 'ord_kitchen',
        locationId: biz.storeId,
        customerPhone: '+525512345678',
        to: 'confirmed',
      });
      const k = await waitFor(() => kitchen.frames.find((x) => x.data?.data.orderId === 'ord_kitchen'));
      const d = await waitFor(() => desk.frames.find((x) => x.data?.data.orderId === 'ord_kitchen'));
      expect(k.data!.data).toEqual({ orderId: 'ord_kitchen', locationId: biz.storeId, to: 'confirmed' });
      expect(d.data!.data.customerPhone).toBe('+525512345678');
    } finally {
      kitchen.close();
      desk.close();
    }
  });

  it('replays what was missed after Last-Event-ID, then goes on live without repeats', async () => {
    await emit(biz, 'test.replay', { n: 1 });
    const mark = await env.db.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirstOrThrow();
    await emit(biz, 'test.replay', { n: 2 });
    await emit(other, 'test.replay', { n: 'other' });
    await emit(biz, 'test.replay', { n: 3 });
    const s = await openStream(biz.as.owner, '?types=test.replay', { 'last-event-id': String(mark.max) });
    try {
      await emit(biz, 'test.replay', { n: 4 });
      await waitFor(() => (s.frames.length >= 3 ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      expect(s.frames.map((f) => f.data!.data.n)).toEqual([2, 3, 4]);
    } finally {
      s.close();
    }
    // a browser's new EventSource cannot set the header: the same through ?lastEventId=
    const q = await openStream(biz.as.owner, `?types=test.replay&lastEventId=${mark.max}`);
    try {
      await waitFor(() => (q.frames.length >= 3 ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      expect(q.frames.map((f) => f.data!.data.n)).toEqual([2, 3, 4]);
    } finally {
      q.close();
    }
  });

  it('refuses a stream without credentials and a malformed types filter', async () => {
    const anon = await env.app.inject({ method: 'GET', url: '/api/v1/events/stream' });
    expect(anon.statusCode).toBe(401);
    const bad = await call(env.app, biz.as.owner, 'GET', '/api/v1/events/stream?types=DROP%20TABLE');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const badId = await call(env.app, biz.as.owner, 'GET', '/api/v1/events/stream?lastEventId=ayer');
    expect(badId.statusCode).toBe(400);
    expect(badId.body).toContain('lastEventId debe ser un número de evento.');
  });

  it('drops the subscriber when the terminal disconnects', async () => {
    const d = await sharedDispatcher(env.db);
    // Earlier tests' terminals may still be hanging up.
    await waitFor(() => (d.subscriberCount() === 0 ? true : undefined));
    const before = d.subscriberCount();
    const s = await openStream(biz.as.owner);
    expect(d.subscriberCount()).toBe(before + 1);
    s.close();
    await waitFor(() => (d.subscriberCount() === before ? true : undefined));
  });
});
