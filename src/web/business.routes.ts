import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const zBusinessInfo = z.object({
  name: z.string(),
  legalName: z.string().nullable(),
  rfc: z.string().nullable(),
  regimenFiscal: z.string().nullable(),
  timezone: z.string(),
  receiptFooter: z.string().nullable(),
});

/**
 * GET /business: what a terminal prints on receipts (name, fiscal data, the receipt's closing
 * line) and the business's time zone. Read-only; registered by the web app only when no module
 * serves the route yet.
 */
export const businessRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/business',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['business'],
        summary: 'The business as receipts show it: name, RFC, régimen, time zone, receipt footer',
        response: { 200: zBusinessInfo },
      },
    },
    async (req) => {
      const ctx = app.ctxFor(req);
      const t = await ctx.db
        .selectFrom('tenants')
        .select(['name', 'legal_name', 'rfc', 'regimen_fiscal', 'timezone', 'settings'])
        .where('id', '=', ctx.tenantId)
        .executeTakeFirstOrThrow();
      const footer = (t.settings as Record<string, unknown> | null)?.receiptFooter;
      return {
        name: t.name,
        legalName: t.legal_name,
        rfc: t.rfc,
        regimenFiscal: t.regimen_fiscal,
        timezone: t.timezone,
        receiptFooter: typeof footer === 'string' ? footer : null,
      };
    },
  );
};
