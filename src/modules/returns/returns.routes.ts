import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SELLERS } from '../../http/access.js';
import { zReturn, zReturnInput } from './returns.schemas.js';
import { getReturn, listReturns, recordReturn } from './returns.service.js';

export const returnsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['returns'];

  app.post(
    '/returns',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Return lines of a sale (restock or write off) and refund them; optionally an exchange',
        body: zReturnInput,
        response: { 201: zReturn },
      },
    },
    async (req, reply) => reply.status(201).send(await app.inTx(req, (ctx) => recordReturn(ctx, req.body))),
  );

  app.get(
    '/returns',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Returns of a sale',
        querystring: z.object({ saleId: z.string().min(1) }),
        response: { 200: z.object({ items: z.array(zReturn) }) },
      },
    },
    async (req) => ({ items: await listReturns(app.ctxFor(req), req.query) }),
  );

  app.get(
    '/returns/:returnId',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'One return',
        params: z.object({ returnId: z.string() }),
        response: { 200: zReturn },
      },
    },
    async (req) => getReturn(app.ctxFor(req), req.params.returnId),
  );
};
