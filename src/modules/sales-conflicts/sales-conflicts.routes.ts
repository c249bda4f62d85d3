import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS, SELLERS } from '../../http/access.js';
import { zId } from '../../http/schemas.js';
import {
  zListSaleConflictsQuery,
  zReportSaleConflictInput,
  zResolveSaleConflictInput,
  zSaleConflict,
} from './sales-conflicts.schemas.js';
import {
  getSaleConflict,
  listSaleConflicts,
  reportSaleConflict,
  resolveSaleConflict,
} from './sales-conflicts.service.js';

export const salesConflictsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['sales'];

  app.post(
    '/sale-conflicts',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary:
          'Report a queued sale or return the server refused (201); the same one again answers the stored conflict (200)',
        description:
          'The terminal sends the original POST /sales body as `sale` (or the POST /returns body, with its `ret_` id, as `return`: a return made offline whose refund was already paid) and the error it got (STOCK_INSUFFICIENT, CASH_SESSION_CLOSED, RETURN_EXCEEDS_SOLD, …). Idempotent by `sale.id` or `return.id`.',
        body: zReportSaleConflictInput,
        response: { 200: zSaleConflict, 201: zSaleConflict },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, (ctx) => reportSaleConflict(ctx, req.body));
      return reply.status(r.created ? 201 : 200).send(r.conflict);
    },
  );

  app.get(
    '/sale-conflicts',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Sale and return conflicts, open ones first, then newest first',
        querystring: zListSaleConflictsQuery,
        response: { 200: z.object({ items: z.array(zSaleConflict), openCount: z.number() }) },
      },
    },
    async (req) => listSaleConflicts(app.ctxFor(req), req.query),
  );

  app.get(
    '/sale-conflicts/:conflictId',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'One sale conflict',
        params: z.object({ conflictId: zId('scf') }),
        response: { 200: zSaleConflict },
      },
    },
    async (req) => getSaleConflict(app.ctxFor(req), req.params.conflictId),
  );

  app.post(
    '/sale-conflicts/:conflictId/resolve',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary:
          "Settle a conflict: 'retry' records the sale or return now (same id), 'void' closes it with a note",
        params: z.object({ conflictId: zId('scf') }),
        body: zResolveSaleConflictInput,
        response: { 200: zSaleConflict },
      },
    },
    async (req) =>
      app.inTx(req, (ctx) => resolveSaleConflict(ctx, { ...req.body, conflictId: req.params.conflictId })),
  );
};
