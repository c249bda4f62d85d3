import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS } from '../../http/access.js';
import { AppError } from '../../shared/errors.js';
import {
  customersTemplate,
  exportCustomers,
  importCustomers,
  zCustomerImportReport,
} from './customers-import.js';
import { exportProducts, importProducts } from './imports.service.js';
import { zCellError, zImportFileReport } from './report.js';

export const zImportReport = zImportFileReport.extend({
  rows: z.array(
    z.object({
      row: z.number(),
      sku: z.string(),
      status: z.enum(['created', 'updated', 'error']),
      errors: z.array(zCellError),
      warnings: z.array(zCellError),
      productId: z.string().optional(),
      skuId: z.string().optional(),
    }),
  ),
});

const zImportJson = z.object({
  content: z.string().min(1, 'Envía el archivo CSV en base64 en "content".').max(28_000_000),
  dryRun: z.boolean().default(false),
  mapping: z.record(z.string(), z.string()).optional(),
  defaultLocationId: z.string().optional(),
});

const zImportQuery = z.object({
  dryRun: z.enum(['true', 'false']).optional(),
  defaultLocationId: z.string().optional(),
});

/** The JSON form is checked here: the body schema cannot say "CSV bytes or JSON" for OpenAPI. */
function parseJsonBody(body: unknown): z.infer<typeof zImportJson> {
  const r = zImportJson.safeParse(body ?? {});
  if (r.success) return r.data;
  throw new AppError('VALIDATION_FAILED', {
    issues: r.error.issues.map((i) => ({
      path: ['body', ...i.path.map(String)].join('.'),
      message: i.message,
    })),
  });
}

export const importsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['imports'];
  // A CSV body arrives as raw bytes: its encoding (UTF-8, Windows-1252) is detected later.
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );

  app.post(
    '/imports/products',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Import products from CSV (upsert by SKU, initial stock, per-row error report)',
        description:
          'Body: the CSV file as `text/csv` (query `dryRun=true`), or JSON `{ content: base64, dryRun, mapping }`. ' +
          'Each row is imported whole or listed with its errors; a dry run writes nothing.',
        querystring: zImportQuery,
        response: { 200: zImportReport },
      },
    },
    async (req) => {
      const body = Buffer.isBuffer(req.body) ? req.body : parseJsonBody(req.body);
      const input = Buffer.isBuffer(body)
        ? {
            content: body,
            dryRun: req.query.dryRun === 'true',
            defaultLocationId: req.query.defaultLocationId,
          }
        : {
            content: Buffer.from(body.content, 'base64'),
            dryRun: body.dryRun,
            mapping: body.mapping,
            defaultLocationId: body.defaultLocationId ?? req.query.defaultLocationId,
          };
      // Rows commit one by one (each its own transaction), so the route does not open one.
      return importProducts(app.ctxFor(req), input);
    },
  );

  app.post(
    '/imports/customers',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Import customers and the debts they carry over (opening balances) from CSV',
        description:
          'Body: the CSV file as `text/csv` (query `dryRun=true`), or JSON `{ content: base64, dryRun, mapping }`. ' +
          'One profile per phone or e-mail (created, or completed with the filled cells); `saldo` + `debe_desde` ' +
          'become the account’s opening balance, only on an account with nothing on it yet. Each row is ' +
          'imported whole or listed with its errors; a dry run writes nothing.',
        querystring: zImportQuery.pick({ dryRun: true }),
        response: { 200: zCustomerImportReport },
      },
    },
    async (req) => {
      const body = Buffer.isBuffer(req.body) ? req.body : parseJsonBody(req.body);
      return importCustomers(
        app.ctxFor(req),
        Buffer.isBuffer(body)
          ? { content: body, dryRun: req.query.dryRun === 'true' }
          : { content: Buffer.from(body.content, 'base64'), dryRun: body.dryRun, mapping: body.mapping },
      );
    },
  );

  app.get(
    '/imports/customers/template',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'An example customers file (CSV, UTF-8 with BOM) with every column the import reads',
      },
    },
    async (_req, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="clientes-plantilla.csv"')
        .send(customersTemplate()),
  );

  app.get(
    '/exports/customers',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'Every customer as CSV (UTF-8 with BOM) in the customers import format, with what each owes',
        description:
          '`saldo` and `debe_desde` (the oldest purchase not paid yet) carry the debts over to another Mostrador. ' +
          'Audited as `customer.list_exported`: it is a list of personal data leaving the system.',
      },
    },
    async (req, reply) => {
      const csv = await exportCustomers(app.ctxFor(req));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="clientes.csv"')
        .send(csv);
    },
  );

  app.get(
    '/exports/products',
    {
      config: { access: MANAGERS },
      schema: { tags, summary: 'The catalog as CSV (UTF-8 with BOM), in the import format' },
    },
    async (req, reply) => {
      const csv = await exportProducts(app.ctxFor(req));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="productos.csv"')
        .send(csv);
    },
  );
};
