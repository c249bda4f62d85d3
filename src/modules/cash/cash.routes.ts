import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS, SELLERS } from '../../http/access.js';
import { zId } from '../../http/schemas.js';
import {
  zCashMovement,
  zCashMovementInput,
  zCashReport,
  zCashSession,
  zCloseCashSessionInput,
  zOpenCashSessionInput,
  zRegister,
  zRegisterInput,
} from './cash.schemas.js';
import {
  cashSessionReport,
  closeCashSession,
  createRegister,
  getCashSession,
  listCashSessions,
  listRegisters,
  recordCashSessionOpening,
  recordCashMovement,
} from './cash.service.js';

export const cashRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['cash'];
  const sessionParams = z.object({ cashSessionId: zId('cs') });

  app.post(
    '/registers',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Create a register (caja) at a location',
        body: zRegisterInput,
        response: { 201: zRegister },
      },
    },
    async (req, reply) => reply.status(201).send(await app.inTx(req, (ctx) => createRegister(ctx, req.body))),
  );

  app.get(
    '/registers',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Registers, with their open cash session',
        querystring: z.object({ locationId: z.string().optional() }),
        response: { 200: z.object({ items: z.array(zRegister) }) },
      },
    },
    async (req) => ({ items: await listRegisters(app.ctxFor(req), req.query) }),
  );

  app.get(
    '/registers/:registerId/cash-sessions',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Cash sessions of a register, newest first',
        params: z.object({ registerId: zId('reg') }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(zCashSession) }) },
      },
    },
    async (req) => ({
      items: await listCashSessions(app.ctxFor(req), {
        registerId: req.params.registerId,
        limit: req.query.limit,
      }),
    }),
  );

  app.post(
    '/cash-sessions',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary:
          'Open a cash session (apertura) with an opening float (201); the same terminal id again answers the stored session (200)',
        description:
          'A terminal sends its own `id` (`cs_` + ULID, the idempotency key) and, for an opening made offline, `openedAt`. Such an opening that finds another session open on the register is recorded as `merged` into it (its offline sales go to that session) instead of being refused.',
        body: zOpenCashSessionInput,
        response: { 200: zCashSession, 201: zCashSession },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, (ctx) => recordCashSessionOpening(ctx, req.body));
      return reply.status(r.replayed ? 200 : 201).send(r.session);
    },
  );

  app.get(
    '/cash-sessions/:cashSessionId',
    {
      config: { access: SELLERS },
      schema: { tags, summary: 'One cash session', params: sessionParams, response: { 200: zCashSession } },
    },
    async (req) => getCashSession(app.ctxFor(req), req.params.cashSessionId),
  );

  app.post(
    '/cash-sessions/:cashSessionId/movements',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary:
          'Cash in or out of the drawer, with a reason (201); the same terminal id again answers the stored movement (200)',
        params: sessionParams,
        body: zCashMovementInput,
        response: { 200: zCashMovement, 201: zCashMovement },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, (ctx) =>
        recordCashMovement(ctx, { cashSessionId: req.params.cashSessionId, ...req.body }),
      );
      return reply.status(r.replayed ? 200 : 201).send(r.movement);
    },
  );

  app.get(
    '/cash-sessions/:cashSessionId/corte-x',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary:
          'Corte X: expected per payment method so far, without closing (of a closed session: its corte Z)',
        params: sessionParams,
        response: { 200: zCashReport },
      },
    },
    async (req) => cashSessionReport(app.ctxFor(req), req.params.cashSessionId),
  );

  app.post(
    '/cash-sessions/:cashSessionId/close',
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Corte Z: close with the counted cash; expected per method and the difference',
        params: sessionParams,
        body: zCloseCashSessionInput,
        response: { 200: zCashReport },
      },
    },
    async (req) =>
      app.inTx(req, (ctx) => closeCashSession(ctx, { cashSessionId: req.params.cashSessionId, ...req.body })),
  );
};
