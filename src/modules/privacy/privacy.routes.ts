import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS, OWNER } from '../../http/access.js';
import { zId } from '../../http/schemas.js';
import {
  zErasure,
  zEraseInput,
  zListPrivacyRequestsQuery,
  zPersonalData,
  zPrivacyRequest,
  zPrivacyRequestInput,
  zPrivacyRequestList,
  zResolvePrivacyRequestInput,
} from './privacy.schemas.js';
import {
  eraseCustomer,
  exportPersonalData,
  getPrivacyNotice,
  getPrivacyRequest,
  listPrivacyRequests,
  recordPrivacyRequest,
  resolvePrivacyRequest,
} from './privacy.service.js';

export const privacyRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['privacy'];
  const customerParams = z.object({ customerId: z.string().max(64) });
  const requestParams = z.object({ requestId: zId('prq') });

  app.get(
    '/privacy-notice/:businessId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          "A business's privacy notice (aviso de privacidad), public: the owner's text or the default one",
        params: z.object({ businessId: zId('ten') }),
        response: { 200: z.object({ business: z.string(), text: z.string(), custom: z.boolean() }) },
      },
    },
    async (req) => getPrivacyNotice(app.database.db, req.params.businessId),
  );

  app.post(
    '/privacy-requests',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Record an ARCO request (access, rectification, cancellation, opposition)',
        description:
          'The due date is 20 business days after `receivedAt` (default now) in the business calendar, skipping weekends and the LFT rest days.',
        body: zPrivacyRequestInput,
        response: { 201: zPrivacyRequest },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, (ctx) => recordPrivacyRequest(ctx, req.body));
      return reply.status(201).send(r);
    },
  );

  app.get(
    '/privacy-requests',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'ARCO requests: open ones first by due date, then the rest newest first',
        querystring: zListPrivacyRequestsQuery,
        response: { 200: zPrivacyRequestList },
      },
    },
    async (req) => listPrivacyRequests(app.ctxFor(req), req.query),
  );

  app.get(
    '/privacy-requests/:requestId',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'One ARCO request',
        params: requestParams,
        response: { 200: zPrivacyRequest },
      },
    },
    async (req) => getPrivacyRequest(app.ctxFor(req), req.params.requestId),
  );

  app.post(
    '/privacy-requests/:requestId/resolve',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: "Close an ARCO request: 'done' (answered) or 'refused' (with the reason)",
        description:
          'A cancellation request is answered by POST /customers/{customerId}/erase with its requestId.',
        params: requestParams,
        body: zResolvePrivacyRequestInput,
        response: { 200: zPrivacyRequest },
      },
    },
    async (req) => app.inTx(req, (ctx) => resolvePrivacyRequest(ctx, req.params.requestId, req.body)),
  );

  app.get(
    '/customers/:customerId/personal-data',
    {
      config: { access: OWNER },
      schema: {
        tags,
        summary: 'Everything held about a customer (ARCO access), as JSON; the export is audited',
        params: customerParams,
        response: { 200: zPersonalData },
      },
    },
    async (req) => app.inTx(req, (ctx) => exportPersonalData(ctx, req.params.customerId)),
  );

  app.post(
    '/customers/:customerId/erase',
    {
      config: { access: OWNER },
      schema: {
        tags,
        summary: "Erase a customer's personal data (ARCO cancellation); sales and invoices stay",
        description:
          'Refused while the person has orders in progress, store credit or credit invoices with a balance. With `requestId`, that open cancellation request is marked done.',
        params: customerParams,
        body: zEraseInput,
        response: { 200: zErasure },
      },
    },
    async (req) => app.inTx(req, (ctx) => eraseCustomer(ctx, req.params.customerId, req.body)),
  );
};
