import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS, ORDER_STAFF, SELLERS } from '../../http/access.js';
import {
  zAccount,
  zAccountMovement,
  zAccountPaymentInput,
  zCreditLimitInput,
  zReceivables,
} from './accounts.schemas.js';
import { getAccount, listReceivables, recordAccountPayment, setCreditLimit } from './accounts.service.js';

export const accountsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['customers'];
  const params = z.object({ customerId: z.string().max(64) });

  app.get(
    '/customers/:customerId/account',
    {
      config: { access: ORDER_STAFF },
      schema: {
        tags,
        summary: "A customer's account (fiado): what they owe and the statement, newest first",
        params,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: zAccount },
      },
    },
    async (req) => getAccount(app.ctxFor(req), req.params.customerId, req.query),
  );

  app.post(
    '/customers/:customerId/account/payments',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: "A payment on a customer's account (abono); at a register it shows on the corte",
        description:
          'Never more than the customer owes (ACCOUNT_PAYMENT_EXCEEDS_BALANCE). Cash needs `registerId`; any method with a register is a `collection` movement of its open session. With `id` (`acm_` + ULID, made by the terminal) the same body sent again answers the recorded payment and writes nothing; the id with another body is ACCOUNT_PAYMENT_ID_REUSED.',
        params,
        body: zAccountPaymentInput,
        response: { 201: z.object({ movement: zAccountMovement, balance: z.string() }) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await app.inTx(req, (ctx) => recordAccountPayment(ctx, req.params.customerId, req.body))),
  );

  app.put(
    '/customers/:customerId/account/limit',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'How much a customer may owe on account (credit limit); null removes it',
        params,
        body: zCreditLimitInput,
        response: { 200: zAccount },
      },
    },
    async (req) => app.inTx(req, (ctx) => setCreditLimit(ctx, req.params.customerId, req.body.creditLimit)),
  );

  app.get(
    '/accounts/receivable',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Customers who owe on account (cuentas por cobrar), largest debt first',
        response: { 200: zReceivables },
      },
    },
    async (req) => listReceivables(app.ctxFor(req)),
  );
};
