import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ORDER_STAFF, OWNER } from '../../http/access.js';
import { decodeCursor, encodeCursor, page, zOk } from '../../http/schemas.js';
import {
  matchesType,
  type OutboxEvent,
  sharedDispatcher,
  stopSharedDispatcher,
  toOutboxEvent,
} from './dispatcher.js';
import { zDelivery, zEventPattern, zWebhook, zWebhookCreated, zWebhookInput } from './events.schemas.js';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
} from './webhooks.service.js';

/** A comment line keeps proxies and terminals from dropping an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;
/** A reconnecting terminal gets at most this many missed events; older ones it reloads. */
const SSE_REPLAY_LIMIT = 1000;

/** Who may see an event: its business, and its location when the user is limited to some. */
function visibleTo(e: OutboxEvent, tenantId: string, locationIds: string[] | null): boolean {
  if (e.tenantId !== tenantId) return false;
  const loc = e.payload.locationId;
  return locationIds === null || typeof loc !== 'string' || locationIds.includes(loc);
}

/**
 * One event as a server-sent frame. `withContacts` false (the kitchen: it makes orders, it does
 * not call customers) leaves the customer's phone out of order events.
 */
function sseFrame(e: OutboxEvent, withContacts = true): string {
  let payload = e.payload;
  if (!withContacts && payload && typeof payload === 'object' && 'customerPhone' in payload) {
    const { customerPhone: _omitted, ...rest } = payload as Record<string, unknown>;
    payload = rest;
  }
  const data = { id: e.id, type: e.type, createdAt: e.createdAt.toISOString(), data: payload };
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const eventsRoutes: FastifyPluginAsyncZod = async (app) => {
  const streams = new Set<ServerResponse>();
  let dispatcherUsed = false;
  // Open streams never go idle: end them first, or closing the server would wait for them.
  app.addHook('preClose', async () => {
    for (const s of streams) s.end();
  });
  app.addHook('onClose', async () => {
    if (dispatcherUsed) await stopSharedDispatcher(app.database);
  });

  app.get(
    '/events/stream',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['events'],
        summary: 'Server-sent events of this business (text/event-stream)',
        description:
          'Each event is `id: <n>`, `event: <type>`, `data: {id, type, createdAt, data}`. Reconnect with ' +
          '`Last-Event-ID` (or `?lastEventId=`, for a client that opens a new EventSource and cannot set ' +
          'the header) to get what was missed. Only events of locations the user may access. ' +
          `A comment line arrives every ${SSE_HEARTBEAT_MS / 1000} s.`,
        querystring: z.object({
          types: z
            .string()
            .max(1000)
            .optional()
            .refine((v) => !v || v.split(',').every((t) => zEventPattern.safeParse(t.trim()).success), {
              message: 'Tipos de evento inválidos: usa p. ej. "stock.changed,sale.completed" o "stock.*".',
            })
            .describe('Comma-separated: `stock.changed,sale.completed`, `stock.*`'),
          lastEventId: z
            .string()
            .regex(/^\d{1,18}$/, 'lastEventId debe ser un número de evento.')
            .optional()
            .describe('Like the Last-Event-ID header, which wins when both are sent'),
        }),
        headers: z.looseObject({
          'last-event-id': z
            .string()
            .regex(/^\d{1,18}$/, 'Last-Event-ID debe ser un número de evento.')
            .optional(),
        }),
      },
    },
    async (req, reply) => {
      const principal = req.principal!;
      const patterns = req.query.types
        ? req.query.types
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
        : ['*'];
      const lastEventId = req.headers['last-event-id'] ?? req.query.lastEventId;
      dispatcherUsed = true;
      const dispatcher = await sharedDispatcher(app.database);
      const wanted = (e: OutboxEvent) =>
        matchesType(patterns, e.type) && visibleTo(e, principal.tenantId, principal.locationIds);
      const withContacts = ORDER_STAFF.includes(principal.role);
      const frame = (e: OutboxEvent) => sseFrame(e, withContacts);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n: conectado\n\n');
      streams.add(res);

      let replaying = lastEventId !== undefined;
      const buffered: OutboxEvent[] = [];
      const replayed = new Set<number>();
      // The client already has everything up to Last-Event-ID; the dispatcher may still be
      // delivering older events it had not polled yet.
      const seenUpTo = lastEventId !== undefined ? Number(lastEventId) : 0;
      const fresh = (e: OutboxEvent) => e.id > seenUpTo && !replayed.has(e.id);
      const unsubscribe = dispatcher.subscribe('*', (e) => {
        if (!wanted(e)) return;
        if (replaying) buffered.push(e);
        else if (fresh(e)) res.write(frame(e));
      });
      const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
      heartbeat.unref();
      res.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(res);
      });

      if (lastEventId !== undefined) {
        const rows = await app.database.db
          .selectFrom('events')
          .select(['tenant_id', 'id', 'type', 'payload', 'created_at'])
          .where('tenant_id', '=', principal.tenantId)
          .where('id', '>', Number(lastEventId))
          .orderBy('id')
          .limit(SSE_REPLAY_LIMIT)
          .execute();
        for (const r of rows) {
          const e = toOutboxEvent(r);
          replayed.add(e.id);
          if (wanted(e)) res.write(frame(e));
        }
        replaying = false;
        for (const e of buffered) if (fresh(e)) res.write(frame(e));
        buffered.length = 0;
      }
    },
  );

  const tags = ['webhooks'];
  app.post(
    '/webhooks',
    {
      config: { access: OWNER },
      schema: {
        tags,
        summary: 'Subscribe a URL to events (the signing secret is shown only in this answer)',
        body: zWebhookInput,
        response: { 201: zWebhookCreated },
      },
    },
    async (req, reply) => reply.status(201).send(await app.inTx(req, (ctx) => createWebhook(ctx, req.body))),
  );

  app.get(
    '/webhooks',
    {
      config: { access: OWNER },
      schema: { tags, summary: 'Webhooks of this business', response: { 200: page(zWebhook) } },
    },
    async (req) => ({ items: await listWebhooks(app.ctxFor(req)), nextCursor: null }),
  );

  app.delete(
    '/webhooks/:webhookId',
    {
      config: { access: OWNER },
      schema: {
        tags,
        summary: 'Delete a webhook (its delivery log stays)',
        params: z.object({ webhookId: z.string().max(100) }),
        response: { 200: zOk },
      },
    },
    async (req) => {
      await app.inTx(req, (ctx) => deleteWebhook(ctx, req.params.webhookId));
      return { ok: true as const };
    },
  );

  app.get(
    '/webhooks/:webhookId/deliveries',
    {
      config: { access: OWNER },
      schema: {
        tags,
        summary: 'Delivery log of a webhook, newest first, with every attempt',
        params: z.object({ webhookId: z.string().max(100) }),
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: page(zDelivery) },
      },
    },
    async (req) => {
      const r = await listDeliveries(app.ctxFor(req), {
        webhookId: req.params.webhookId,
        limit: req.query.limit,
        before: decodeCursor(req.query.cursor),
      });
      return { items: r.items, nextCursor: r.last ? encodeCursor(r.last) : null };
    },
  );

  app.post(
    '/webhooks/deliveries/:deliveryId/retry',
    {
      config: { access: OWNER },
      schema: {
        tags,
        summary: 'Send a delivery again now',
        params: z.object({ deliveryId: z.string().max(100) }),
        response: { 200: zDelivery },
      },
    },
    async (req) => app.inTx(req, (ctx) => retryDelivery(ctx, req.params.deliveryId)),
  );
};
