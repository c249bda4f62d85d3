import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { withinCreditLimit } from '../accounts/accounts.service.js';
import { z } from 'zod';
import { SELLERS } from '../../http/access.js';
import { decodeCursor, encodeCursor, page, zId } from '../../http/schemas.js';
import type { Ctx } from '../../shared/context.js';
import { findCustomerByPhone } from '../customers/customers.service.js';
import { zParkedTicket, zParkInput, zSale, zSaleInput, zSaleSummary } from './sales.schemas.js';
import {
  findSalesForReturn,
  getSale,
  listParkedTickets,
  listSales,
  parkTicket,
  recordSale,
  resumeParkedTicket,
} from './sales.service.js';

const zBusinessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Fecha AAAA-MM-DD.');

/** phone → customerId through the customers module (any accepted phone form). */
async function customerIdForPhone(ctx: Ctx, phone: string): Promise<string | null> {
  return (await findCustomerByPhone(ctx, phone))?.id ?? null;
}

export const salesRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['sales'];

  app.post(
    '/sales',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Record a counter sale (201); the same sale sent again answers the stored one (200)',
        description:
          'The terminal generates the id (`sale_` + ULID); it is the idempotency key. Same id with another body: SALE_ID_REUSED. ' +
          'A till sends, per line, the catalog version it priced with (`skuVersion`: an earlier version in force up to 48 h before the sale is honoured, and the bitácora records `sale.priced_earlier`) and, for a sale it queued offline, when it was made (`soldAt`, up to 48 h back).',
        body: zSaleInput,
        response: { 200: zSale, 201: zSale },
      },
    },
    // One statement in autocommit (record_sale): no BEGIN/COMMIT round trips on the hot path.
    async (req, reply) => {
      // A sale put on a customer's account is checked against their credit limit first.
      const { sale, replayed } = await withinCreditLimit(app.ctxFor(req), req.body, (ctx) =>
        recordSale(ctx, req.body),
      );
      return reply.status(replayed ? 200 : 201).send(sale);
    },
  );

  app.get(
    '/sales',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Sales, newest first (cursor pagination)',
        querystring: z.object({
          locationId: z.string().optional(),
          registerId: z.string().optional(),
          cashSessionId: z.string().optional(),
          customerId: z.string().optional(),
          channel: z.string().max(30).optional(),
          ticketNumber: z.coerce.number().int().min(1).optional(),
          from: zBusinessDate.optional(),
          to: zBusinessDate.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: page(zSaleSummary) },
      },
    },
    async (req) => {
      const { cursor, ...q } = req.query;
      const r = await listSales(app.ctxFor(req), { ...q, after: decodeCursor(cursor) });
      return { items: r.items, nextCursor: r.last ? encodeCursor(r.last) : null };
    },
  );

  app.get(
    '/sales/for-return',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Find the original sale for a return: by ticket number, customer phone or dates',
        description:
          'Whole sales (lines with what was returned of each, payments), newest first. A terminal keeps a copy of its location’s recent sales for returns without a connection, paging through a date range with `limit` and `cursor`.',
        querystring: z.object({
          ticketNumber: z.coerce.number().int().min(1).optional(),
          locationId: z.string().optional(),
          customerId: z.string().optional(),
          phone: z.string().max(30).optional(),
          from: zBusinessDate.optional(),
          to: zBusinessDate.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(20),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(zSale), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => {
      const ctx = app.ctxFor(req);
      const { phone, cursor, ...q } = req.query;
      if (phone) {
        const customerId = await customerIdForPhone(ctx, phone);
        if (!customerId) return { items: [], nextCursor: null };
        q.customerId = customerId;
      }
      const r = await findSalesForReturn(ctx, { ...q, after: decodeCursor(cursor) });
      return { items: r.items, nextCursor: r.last ? encodeCursor(r.last) : null };
    },
  );

  app.get(
    '/sales/:saleId',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'One sale',
        params: z.object({ saleId: z.string() }),
        response: { 200: zSale },
      },
    },
    async (req) => getSale(app.ctxFor(req), req.params.saleId),
  );

  app.post(
    '/parked-tickets',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Park a ticket (cart) to resume later',
        body: zParkInput,
        response: { 201: zParkedTicket },
      },
    },
    async (req, reply) => reply.status(201).send(await app.inTx(req, (ctx) => parkTicket(ctx, req.body))),
  );

  app.get(
    '/parked-tickets',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Parked tickets of a location',
        querystring: z.object({ locationId: z.string() }),
        response: { 200: z.object({ items: z.array(zParkedTicket) }) },
      },
    },
    async (req) => ({ items: await listParkedTickets(app.ctxFor(req), req.query) }),
  );

  app.post(
    '/parked-tickets/:parkedTicketId/resume',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Resume a parked ticket: answers its cart and removes it',
        params: z.object({ parkedTicketId: zId('park') }),
        response: { 200: zParkedTicket },
      },
    },
    async (req) => app.inTx(req, (ctx) => resumeParkedTicket(ctx, req.params.parkedTicketId)),
  );
};
