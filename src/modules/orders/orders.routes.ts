import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ORDER_STAFF, STAFF } from '../../http/access.js';
import { decodeCursor, encodeCursor, page } from '../../http/schemas.js';
import {
  zBoard,
  zOrder,
  zOrderChannel,
  zOrderInput,
  zOrderListQuery,
  zOrderPaymentInput,
  zStatusInput,
} from './orders.schemas.js';
import {
  cancelOrder,
  changeOrderStatus,
  createOrder,
  getOrder,
  getOrderBoard,
  listKitchenTickets,
  listOrders,
  recordOrderPayment,
} from './orders.service.js';

export const ordersRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['orders'];
  const params = z.object({ orderId: z.string().max(64) });

  app.get(
    '/orders',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Orders newest first, filtered by channel, status, location, customer and business dates',
        querystring: zOrderListQuery,
        response: { 200: page(zOrder) },
      },
    },
    async (req) => {
      const { cursor, ...filters } = req.query;
      const r = await listOrders(app.ctxFor(req), { ...filters, after: decodeCursor(cursor) });
      return { items: r.items, nextCursor: r.last ? encodeCursor(r.last) : null };
    },
  );

  app.post(
    '/orders',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary:
          'Record an order from any channel; the same channel + externalId answers the existing one (200)',
        body: zOrderInput,
        response: { 200: zOrder, 201: zOrder },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, (ctx) => createOrder(ctx, req.body));
      return reply.status(r.created ? 201 : 200).send(r.order);
    },
  );

  app.get(
    '/orders/board',
    {
      config: { access: STAFF },
      schema: {
        tags,
        summary: 'Counts per status: open orders, and delivered/cancelled today',
        querystring: z.object({
          locationId: z.string().max(64).optional(),
          channel: zOrderChannel.optional(),
        }),
        response: { 200: zBoard },
      },
    },
    async (req) => getOrderBoard(app.ctxFor(req), req.query),
  );

  app.get(
    '/orders/kitchen',
    {
      config: { access: STAFF },
      schema: {
        tags,
        summary:
          'Orders to make (confirmed, preparing), oldest first, with lines and notes, without customer data',
        querystring: z.object({ locationId: z.string().max(64).optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                number: z.number(),
                channel: zOrderChannel,
                status: z.enum(['confirmed', 'preparing']),
                fulfilment: z.string(),
                locationId: z.string(),
                notes: z.string().nullable(),
                lines: z.array(z.object({ description: z.string(), quantity: z.string() })),
                statusChangedAt: z.string(),
                createdAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await listKitchenTickets(app.ctxFor(req), req.query) }),
  );

  app.get(
    '/orders/:orderId',
    {
      config: { access: STAFF },
      schema: {
        tags,
        summary: 'One order with lines, payments and status history',
        params,
        response: { 200: zOrder },
      },
    },
    async (req) => getOrder(app.ctxFor(req), req.params.orderId),
  );

  app.post(
    '/orders/:orderId/status',
    {
      config: { access: STAFF },
      schema: {
        tags,
        summary: 'Move the order to its next status (validated; recorded with who, when and a note)',
        params,
        body: zStatusInput,
        response: { 200: zOrder },
      },
    },
    async (req) =>
      app.inTx(req, (ctx) =>
        changeOrderStatus(ctx, { orderId: req.params.orderId, status: req.body.status, note: req.body.note }),
      ),
  );

  app.post(
    '/orders/:orderId/payments',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Record a payment; covering the total settles the order and takes its stock',
        params,
        body: zOrderPaymentInput,
        response: { 200: zOrder },
      },
    },
    async (req) =>
      app.inTx(req, (ctx) => recordOrderPayment(ctx, { orderId: req.params.orderId, ...req.body })),
  );

  app.post(
    '/orders/:orderId/cancel',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Cancel an unpaid order before delivery; its reservations are released',
        params,
        body: z.object({ note: z.string().trim().max(500).optional() }).optional(),
        response: { 200: zOrder },
      },
    },
    async (req) =>
      app.inTx(req, (ctx) => cancelOrder(ctx, { orderId: req.params.orderId, note: req.body?.note })),
  );
};
