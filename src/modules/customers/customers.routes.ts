import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS, ORDER_STAFF } from '../../http/access.js';
import { decodeCursor, encodeCursor, page } from '../../http/schemas.js';
import { AppError } from '../../shared/errors.js';
import {
  zConsentInput,
  zConsentRecord,
  zCustomer,
  zCustomerHistory,
  zCustomerInput,
  zCustomerPatch,
  zMergeInput,
} from './customers.schemas.js';
import {
  createCustomer,
  findCustomerByPhone,
  getCustomer,
  getCustomerHistory,
  listConsents,
  mergeCustomers,
  recordConsent,
  searchCustomers,
  updateCustomer,
} from './customers.service.js';

export const customersRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['customers'];
  const params = z.object({ customerId: z.string().max(64) });

  app.get(
    '/customers',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Search customers by name, phone or e-mail prefix (cursor pagination)',
        querystring: z.object({
          q: z.string().trim().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: page(zCustomer) },
      },
    },
    async (req) => {
      const r = await searchCustomers(app.ctxFor(req), {
        q: req.query.q,
        limit: req.query.limit,
        after: decodeCursor(req.query.cursor),
      });
      return { items: r.items, nextCursor: r.last ? encodeCursor(r.last) : null };
    },
  );

  app.post(
    '/customers',
    {
      config: { access: ORDER_STAFF },
      schema: { tags, summary: 'Create a customer', body: zCustomerInput, response: { 201: zCustomer } },
    },
    async (req, reply) => reply.status(201).send(await app.inTx(req, (ctx) => createCustomer(ctx, req.body))),
  );

  app.get(
    '/customers/lookup',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'The customer with this phone, in any form (521…, +52 1…, 044…, 10 digits)',
        querystring: z.object({ phone: z.string().trim().min(1).max(40) }),
        response: { 200: zCustomer },
      },
    },
    async (req) => {
      const c = await findCustomerByPhone(app.ctxFor(req), req.query.phone);
      if (!c) throw new AppError('CUSTOMER_NOT_FOUND', { phone: req.query.phone });
      return c;
    },
  );

  app.post(
    '/customers/merge',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Merge a duplicate profile (mergeId) into another (keepId)',
        body: zMergeInput,
        response: { 200: zCustomer },
      },
    },
    async (req) => app.inTx(req, (ctx) => mergeCustomers(ctx, req.body)),
  );

  app.get(
    '/customers/:customerId',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'One customer (a merged one says where it went in mergedInto)',
        params,
        response: { 200: zCustomer },
      },
    },
    async (req) => getCustomer(app.ctxFor(req), req.params.customerId),
  );

  app.patch(
    '/customers/:customerId',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Change a customer: contact, fiscal data, notes',
        params,
        body: zCustomerPatch,
        response: { 200: zCustomer },
      },
    },
    async (req) => app.inTx(req, (ctx) => updateCustomer(ctx, req.params.customerId, req.body)),
  );

  app.get(
    '/customers/:customerId/history',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Purchases across channels: orders and counter sales, newest first',
        params,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) }),
        response: { 200: zCustomerHistory },
      },
    },
    async (req) => getCustomerHistory(app.ctxFor(req), req.params.customerId, { limit: req.query.limit }),
  );

  app.get(
    '/customers/:customerId/consent',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Marketing-consent history, oldest first',
        params,
        response: { 200: z.object({ items: z.array(zConsentRecord) }) },
      },
    },
    async (req) => ({ items: await listConsents(app.ctxFor(req), req.params.customerId) }),
  );

  app.post(
    '/customers/:customerId/consent',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: 'Record a marketing-consent decision with where it was given',
        params,
        body: zConsentInput,
        response: { 200: zCustomer },
      },
    },
    async (req) => app.inTx(req, (ctx) => recordConsent(ctx, req.params.customerId, req.body)),
  );
};
