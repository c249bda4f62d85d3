import { loadConfig } from '../../config.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS, SELLERS } from '../../http/access.js';
import { errorBody } from '../../http/errors.js';
import { zOk } from '../../http/schemas.js';
import { localeFrom, messageFor } from '../../shared/errors.js';
import { systemCtx } from '../../shared/context.js';
import {
  createSeries,
  getFiscalSetup,
  setExpeditionPostalCode,
  setFiscalProfile,
  uploadCsd,
} from './fiscal.service.js';
import { InvoicingErrors as E } from './invoicing.errors.js';
import {
  zCancelInput,
  zCreditNoteInput,
  zCsdInfo,
  zCsdUpload,
  zFiscalProfileInput,
  zFiscalSetup,
  zGlobalInput,
  zInvoice,
  zInvoiceListQuery,
  zInvoiceReturn,
  zInvoiceSalesInput,
  zPaymentInput,
  zPaymentResult,
  zSelfInvoiceInput,
  zSelfInvoiceResult,
  zSeriesInput,
  zTicketFound,
  zTicketLookup,
  zUndocumented,
  zUndocumentedQuery,
} from './invoicing.schemas.js';
import {
  getInvoice,
  getInvoiceXml,
  type Invoice,
  invoiceSales,
  issueCreditNote,
  issueGlobalInvoice,
  listInvoiceDocuments,
  listInvoiceReturns,
  listInvoices,
  recordInvoicePayment,
  requestCancellation,
  undocumentedSales,
} from './invoicing.service.js';
import { cfdiPdf } from './pdf.js';
import { checkFileLink, findTicket, RateLimiter, selfInvoice, signedFileUrl } from './self-invoicing.js';
import { pacFor, refreshCancellations, runPacJobs } from './stamping.js';

export const invoicingRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['invoicing'];
  const base = '/invoicing';
  const deps = () => ({ db: app.database.db, pac: pacFor(app), now: () => app.now() });
  /** Right after commit, try the PAC once for this invoice; a failure leaves it pending. */
  const stampNow = async (tenantId: string, inv: Invoice): Promise<Invoice> => {
    await runPacJobs(deps(), { invoiceId: inv.id });
    return getInvoice(systemCtx(app.database.db, tenantId, app.now()), inv.id);
  };

  app.get(
    `${base}/setup`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Fiscal setup: profile, postal codes, series, CSD (with expiry warning)',
        response: { 200: zFiscalSetup },
      },
    },
    async (req) => getFiscalSetup(app.ctxFor(req)),
  );

  app.put(
    `${base}/setup/profile`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Set RFC, registered name, régimen and self-invoicing window',
        body: zFiscalProfileInput,
        response: { 200: zFiscalSetup },
      },
    },
    async (req) => {
      await app.inTx(req, (ctx) => setFiscalProfile(ctx, req.body));
      return getFiscalSetup(app.ctxFor(req));
    },
  );

  app.put(
    `${base}/setup/locations/:locationId`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Expedition postal code (LugarExpedicion) of a location',
        params: z.object({ locationId: z.string() }),
        body: z.object({ postalCode: z.string().regex(/^\d{5}$/, 'El código postal tiene 5 dígitos.') }),
        response: { 200: zOk },
      },
    },
    async (req) => {
      await app.inTx(req, (ctx) =>
        setExpeditionPostalCode(ctx, { locationId: req.params.locationId, postalCode: req.body.postalCode }),
      );
      return { ok: true as const };
    },
  );

  app.post(
    `${base}/setup/series`,
    {
      config: { access: MANAGERS },
      schema: { tags, summary: 'A series of folios', body: zSeriesInput, response: { 201: zOk } },
    },
    async (req, reply) => {
      await app.inTx(req, (ctx) => createSeries(ctx, req.body));
      return reply.status(201).send({ ok: true as const });
    },
  );

  app.post(
    `${base}/setup/csd`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Upload the CSD (.cer, .key base64 + password); checked and stored encrypted',
        body: zCsdUpload,
        response: { 201: zCsdInfo },
      },
    },
    async (req, reply) => {
      const info = await app.inTx(req, (ctx) =>
        uploadCsd(ctx, {
          cer: Buffer.from(req.body.cer, 'base64'),
          key: Buffer.from(req.body.key, 'base64'),
          password: req.body.password,
        }),
      );
      return reply.status(201).send(info);
    },
  );

  app.post(
    `${base}/invoices`,
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'Invoice one or several tickets of a customer; stamps at once when the PAC answers',
        body: zInvoiceSalesInput,
        response: { 201: zInvoice },
      },
    },
    async (req, reply) => {
      const inv = await app.inTx(req, (ctx) =>
        invoiceSales(ctx, {
          ...req.body,
          receptor: req.body.receptor && {
            rfc: req.body.receptor.rfc,
            nombre: req.body.receptor.nombre,
            domicilioFiscalReceptor: req.body.receptor.codigoPostal,
            regimenFiscalReceptor: req.body.receptor.regimenFiscal,
            usoCfdi: req.body.receptor.usoCfdi,
          },
        }),
      );
      return reply.status(201).send(await stampNow(app.ctxFor(req).tenantId, inv));
    },
  );

  app.post(
    `${base}/global-invoices`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Factura global to público en general for the uninvoiced tickets of a period',
        body: zGlobalInput,
        response: { 201: zInvoice },
      },
    },
    async (req, reply) => {
      const inv = await app.inTx(req, (ctx) => issueGlobalInvoice(ctx, req.body));
      return reply.status(201).send(await stampNow(app.ctxFor(req).tenantId, inv));
    },
  );

  app.post(
    `${base}/credit-notes`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary:
          'Credit note (egreso) for a return on an invoiced sale: to its receptor, or to público en general when the ticket is in a global invoice',
        body: zCreditNoteInput,
        response: { 201: zInvoice },
      },
    },
    async (req, reply) => {
      const inv = await app.inTx(req, (ctx) => issueCreditNote(ctx, req.body));
      return reply.status(201).send(await stampNow(app.ctxFor(req).tenantId, inv));
    },
  );

  app.post(
    `${base}/invoices/:invoiceId/payments`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Record a payment on a PPD invoice: a Pagos 2.0 CFDI',
        params: z.object({ invoiceId: z.string() }),
        body: zPaymentInput,
        response: { 201: zPaymentResult },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, (ctx) =>
        recordInvoicePayment(ctx, { invoiceId: req.params.invoiceId, ...req.body }),
      );
      return reply.status(201).send({ ...r, pago: await stampNow(app.ctxFor(req).tenantId, r.pago) });
    },
  );

  app.post(
    `${base}/invoices/:invoiceId/cancel`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: "Cancel with SAT's motive through the PAC",
        params: z.object({ invoiceId: z.string() }),
        body: zCancelInput,
        response: { 200: zInvoice },
      },
    },
    async (req) => {
      const inv = await app.inTx(req, (ctx) =>
        requestCancellation(ctx, { invoiceId: req.params.invoiceId, ...req.body }),
      );
      return stampNow(app.ctxFor(req).tenantId, inv);
    },
  );

  app.post(
    `${base}/invoices/:invoiceId/refresh`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Retry a pending stamp now and ask SAT about a cancellation in process',
        params: z.object({ invoiceId: z.string() }),
        response: { 200: zInvoice },
      },
    },
    async (req) => {
      const ctx = app.ctxFor(req);
      await getInvoice(ctx, req.params.invoiceId);
      await runPacJobs(deps(), { invoiceId: req.params.invoiceId, tenantId: ctx.tenantId });
      await refreshCancellations(deps(), { invoiceId: req.params.invoiceId, tenantId: ctx.tenantId });
      return getInvoice(ctx, req.params.invoiceId);
    },
  );

  app.get(
    `${base}/invoices`,
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary:
          'Invoices, newest first: by status, kind, customer, sale, business dates, cancellation status, or related to an invoice',
        querystring: zInvoiceListQuery,
        response: { 200: z.object({ items: z.array(zInvoice), next: z.string().nullable() }) },
      },
    },
    async (req) => {
      const r = await listInvoices(app.ctxFor(req), req.query);
      return { items: r.items, next: r.last };
    },
  );

  app.get(
    `${base}/invoices/:invoiceId`,
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'One invoice',
        params: z.object({ invoiceId: z.string() }),
        response: { 200: zInvoice },
      },
    },
    async (req) => getInvoice(app.ctxFor(req), req.params.invoiceId),
  );

  app.get(
    `${base}/invoices/:invoiceId/returns`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: "Returns on the invoice's tickets, each netted (no credit note) or not",
        params: z.object({ invoiceId: z.string() }),
        response: { 200: z.object({ items: z.array(zInvoiceReturn) }) },
      },
    },
    async (req) => ({ items: await listInvoiceReturns(app.ctxFor(req), req.params.invoiceId) }),
  );

  app.get(
    `${base}/invoices/:invoiceId/documents`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Every document kept as issued: sealed XML, stamped XML, cancellation acuses',
        params: z.object({ invoiceId: z.string() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({ id: z.number(), kind: z.string(), content: z.string(), createdAt: z.string() }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await listInvoiceDocuments(app.ctxFor(req), req.params.invoiceId) }),
  );

  app.get(
    `${base}/invoices/:invoiceId/xml`,
    {
      config: { access: SELLERS },
      schema: { tags, summary: 'The XML (stamped when it is)', params: z.object({ invoiceId: z.string() }) },
    },
    async (req, reply) => {
      const inv = await getInvoice(app.ctxFor(req), req.params.invoiceId);
      const { xml } = await getInvoiceXml(app.ctxFor(req), inv.id);
      return reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${inv.serie}-${inv.folio}.xml"`)
        .send(xml);
    },
  );

  app.get(
    `${base}/invoices/:invoiceId/pdf`,
    {
      config: { access: SELLERS },
      schema: {
        tags,
        summary: 'The PDF representation (QR, cadena del timbre, importe con letra)',
        params: z.object({ invoiceId: z.string() }),
      },
    },
    async (req, reply) => {
      const inv = await getInvoice(app.ctxFor(req), req.params.invoiceId);
      const { xml } = await getInvoiceXml(app.ctxFor(req), inv.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${inv.serie}-${inv.folio}.pdf"`)
        .send(cfdiPdf(xml));
    },
  );

  app.get(
    `${base}/reports/undocumented-sales`,
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Sales neither invoiced nor in a global invoice, by channel',
        querystring: zUndocumentedQuery,
        response: { 200: zUndocumented },
      },
    },
    async (req) => undocumentedSales(app.ctxFor(req), req.query),
  );

  // --- public self-invoicing ------------------------------------------------------------
  const limiter = new RateLimiter(loadConfig().selfInvoiceRateLimit, 60_000);
  const files = new RateLimiter(60, 60_000);
  const limited =
    (lim: RateLimiter) =>
    async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
      if (!lim.take(req.ip)) return reply.status(429).send(errorBody(req, 'RATE_LIMITED'));
    };

  app.post(
    `${base}/public/lookup`,
    {
      config: { access: 'public' },
      preHandler: limited(limiter),
      schema: {
        tags: ['self-invoicing'],
        summary: 'Find a ticket by its invoice code and total (same answer for either wrong)',
        body: zTicketLookup,
        response: { 200: zTicketFound },
      },
    },
    async (req) => {
      const t = await findTicket(app.database.db, req.body, app.now());
      return {
        business: t.business,
        ticketNumber: t.ticketNumber,
        date: t.date,
        total: t.total,
        invoiceTotal: t.invoiceTotal,
        refunded: t.refunded,
        invoiced: t.invoiced,
        deadline: t.deadline,
        canInvoice: t.canInvoice,
        privacyNoticeUrl: `/privacidad/${t.tenantId}`,
      };
    },
  );

  app.post(
    `${base}/public/invoices`,
    {
      config: { access: 'public' },
      preHandler: limited(limiter),
      schema: {
        tags: ['self-invoicing'],
        summary: 'Invoice a ticket for the receptor typed in; returns signed XML and PDF links',
        body: zSelfInvoiceInput,
        response: { 201: zSelfInvoiceResult },
      },
    },
    async (req, reply) => {
      const inv = await selfInvoice(app.database.db, req.body, app.now());
      const ten = await app.database.db
        .selectFrom('sales')
        .select('tenant_id')
        .where('id', '=', inv.saleIds[0]!)
        .executeTakeFirstOrThrow();
      const done = await stampNow(ten.tenant_id, inv);
      const row = await app.database.db
        .selectFrom('invoices')
        .select('access_secret')
        .where('tenant_id', '=', ten.tenant_id)
        .where('id', '=', inv.id)
        .executeTakeFirstOrThrow();
      const ref = { tenantId: ten.tenant_id, id: inv.id, secret: row.access_secret };
      const locale = localeFrom(req.headers['accept-language']);
      return reply.status(201).send({
        invoiceId: done.id,
        status: done.status,
        uuid: done.uuid,
        total: done.total,
        xmlUrl: signedFileUrl(ref, 'xml', app.now()),
        pdfUrl: signedFileUrl(ref, 'pdf', app.now()),
        message: done.status === 'pending' ? messageFor(E.PAC_UNAVAILABLE, locale) : null,
      });
    },
  );

  app.get(
    `${base}/public/files/:file`,
    {
      config: { access: 'public' },
      preHandler: limited(files),
      schema: {
        tags: ['self-invoicing'],
        summary: 'Download a self-invoiced XML or PDF through its signed link',
        params: z.object({ file: z.string().regex(/^inv_[0-9A-Z]{26}\.(xml|pdf)$/) }),
        querystring: z.object({ t: z.string(), exp: z.string(), sig: z.string() }),
      },
    },
    async (req, reply) => {
      const [id, kind] = req.params.file.split('.') as [string, 'xml' | 'pdf'];
      const ok = await checkFileLink(app.database.db, { id, kind, ...req.query }, app.now());
      const ctx = systemCtx(app.database.db, ok.tenantId, app.now());
      const { xml } = await getInvoiceXml(ctx, ok.invoiceId);
      if (kind === 'xml')
        return reply
          .type('application/xml; charset=utf-8')
          .header('content-disposition', `attachment; filename="${id}.xml"`)
          .send(xml);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${id}.pdf"`)
        .send(cfdiPdf(xml));
    },
  );
};
