import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MANAGERS, ORDER_STAFF, SELLERS } from '../../http/access.js';
import { decodeCursor, encodeCursor } from '../../http/schemas.js';
import { AppError } from '../../shared/errors.js';
import { businessDate } from '../../shared/time.js';
import { businessTimezone } from '../identity/timezone.js';
import { type Column, localDateTime, sendSpreadsheet } from '../reports/reports.export.js';
import { applyAbonoToInvoices, invoicePaymentsOfAbono } from '../invoicing/invoicing.service.js';
import { pacFor, runPacJobs } from '../invoicing/stamping.js';
import {
  zAbonoInvoicePayment,
  zAccount,
  zAccountMovement,
  zAccountPaymentInput,
  zCreditLimitInput,
  zOpeningBalanceInput,
  zReceivables,
} from './accounts.schemas.js';
import {
  getAccount,
  listReceivables,
  type ReceivablesPosition,
  recordAccountPayment,
  recordOpeningBalance,
  setCreditLimit,
} from './accounts.service.js';

type ReceivableRow = z.infer<typeof zReceivables>['items'][number];

const receivablesCursor = (p: ReceivablesPosition) => encodeCursor(`${p.balance}|${p.customerId}`);

function receivablesPosition(cursor: string | undefined): ReceivablesPosition | undefined {
  const text = decodeCursor(cursor);
  if (text === undefined) return undefined;
  const m = /^(\d{1,14}\.\d{2})\|(cus_[0-9A-Za-z]+)$/.exec(text);
  if (!m) throw new AppError('CURSOR_INVALID');
  return { balance: m[1]!, customerId: m[2]! };
}

/** The columns of Cuentas por cobrar as a spreadsheet, dates in the business's time zone. */
function receivableColumns(timeZone: string): Column<ReceivableRow>[] {
  const at = (v: string | null) => (v ? localDateTime(v, timeZone) : null);
  return [
    { header: 'Cliente', kind: 'text', value: (r) => r.name },
    { header: 'Teléfono', kind: 'text', value: (r) => r.phone },
    { header: 'Debe desde', kind: 'datetime', value: (r) => at(r.oldestUnpaidAt) },
    { header: 'Última compra a cuenta', kind: 'datetime', value: (r) => at(r.lastChargeAt) },
    { header: 'Último abono', kind: 'datetime', value: (r) => at(r.lastPaymentAt) },
    { header: 'Hasta 30 días', kind: 'money', value: (r) => r.aging.upTo30 },
    { header: 'De 31 a 60 días', kind: 'money', value: (r) => r.aging.from31To60 },
    { header: 'De 61 a 90 días', kind: 'money', value: (r) => r.aging.from61To90 },
    { header: 'Más de 90 días', kind: 'money', value: (r) => r.aging.over90 },
    { header: 'Debe', kind: 'money', value: (r) => r.balance },
  ];
}

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
          "Never more than the customer owes (ACCOUNT_PAYMENT_EXCEEDS_BALANCE). Cash needs `registerId`; any method with a register is a `collection` movement of its open session. With `id` (`acm_` + ULID, made by the terminal) the same body sent again answers the recorded payment and writes nothing; the id with another body is ACCOUNT_PAYMENT_ID_REUSED. The abono also pays the customer's open credit (PPD) invoices, oldest first, each with its CFDI de pago (`invoicePayments`; stamped by the PAC right after); one that cannot be issued is listed with its `errorCode` and the abono is recorded all the same.",
        params,
        body: zAccountPaymentInput,
        response: {
          201: z.object({
            movement: zAccountMovement,
            balance: z.string(),
            invoicePayments: z.array(zAbonoInvoicePayment),
          }),
        },
      },
    },
    async (req, reply) => {
      const r = await app.inTx(req, async (ctx) => {
        const paid = await recordAccountPayment(ctx, req.params.customerId, req.body);
        const invoicePayments = paid.replayed
          ? await invoicePaymentsOfAbono(ctx, paid.movement.id)
          : await applyAbonoToInvoices(ctx, {
              movementId: paid.movement.id,
              customerId: paid.movement.customerId,
              amount: paid.movement.amount,
              method: req.body.method,
              reference: req.body.reference,
            });
        return { movement: paid.movement, balance: paid.balance, invoicePayments };
      });
      // Stamped after the commit, outside the request: the PAC worker retries what fails.
      const deps = { db: app.database.db, pac: pacFor(app), now: () => app.now() };
      for (const p of r.invoicePayments)
        if (p.pagoInvoiceId && !p.errorCode)
          void runPacJobs(deps, { invoiceId: p.pagoInvoiceId }).catch((err) =>
            req.log.warn(
              { err, invoiceId: p.pagoInvoiceId },
              'stamping an abono’s CFDI de pago failed; the PAC worker retries',
            ),
          );
      return reply.status(201).send(r);
    },
  );

  app.post(
    '/customers/:customerId/account/opening',
    {
      config: { access: MANAGERS },
      schema: {
        tags,
        summary: 'A debt from before the shop kept accounts here (saldo anterior: the fiado notebook)',
        description:
          'Adds `amount` to what the customer owes, dated the business day `since` (today or earlier, within 10 years: ACCOUNT_OPENING_DATE_INVALID), so the account ages from then. No money moves; audited as `account.opening_recorded`.',
        params,
        body: zOpeningBalanceInput,
        response: { 201: z.object({ movement: zAccountMovement, balance: z.string() }) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await app.inTx(req, (ctx) => recordOpeningBalance(ctx, req.params.customerId, req.body))),
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
        summary: 'Customers who owe on account (cuentas por cobrar), largest debt first, by age',
        description:
          '`format=csv` (UTF-8 with BOM) or `format=xlsx` downloads the list for the accountant: one row per customer with since when they owe and their debt by age.',
        querystring: z.object({
          format: z.enum(['json', 'csv', 'xlsx']).default('json'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: z.string().max(200).optional(),
          customerIds: z
            .string()
            .max(8000)
            .optional()
            .describe('comma-separated customer ids: only these (what each of them owes), at most 200'),
        }),
        response: { 200: zReceivables.extend({ nextCursor: z.string().nullable() }) },
      },
    },
    async (req, reply) => {
      const ctx = app.ctxFor(req);
      // an empty customerIds is no filter
      const picked = (req.query.customerIds ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      const customerIds = picked.length > 0 ? picked : undefined;
      if (customerIds && customerIds.length > 200)
        throw new AppError('VALIDATION_FAILED', {
          issues: [{ path: 'querystring.customerIds', message: 'Hasta 200 clientes por consulta.' }],
        });
      if (req.query.format === 'json') {
        const r = await listReceivables(ctx, {
          limit: req.query.limit,
          after: receivablesPosition(req.query.cursor),
          customerIds,
        });
        const { next, ...body } = r;
        return reply.send({ ...body, nextCursor: next ? receivablesCursor(next) : null });
      }
      // the download is the whole list, page after page
      const items: ReceivableRow[] = [];
      let after: ReceivablesPosition | undefined;
      do {
        const r = await listReceivables(ctx, { limit: 1000, after, customerIds });
        items.push(...r.items);
        after = r.next ?? undefined;
      } while (after);
      const timeZone = await businessTimezone(ctx);
      const name = `cuentas-por-cobrar_${businessDate(ctx.now, timeZone)}.${req.query.format}`;
      return sendSpreadsheet(
        reply,
        req.query.format,
        { name, title: 'Cuentas por cobrar' },
        receivableColumns(timeZone),
        items,
      );
    },
  );
};
