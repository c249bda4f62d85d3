import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { satCatalog } from '../../sat/catalogs.js';

export const zRegimenOption = z.object({
  id: z.string(),
  texto: z.string(),
  fisica: z.boolean(),
  moral: z.boolean(),
});

export const zUsoOption = zRegimenOption.extend({
  /** The receptor's régimenes this uso may be used with (SAT's c_UsoCFDI column). */
  regimenes: z.array(z.string()),
});

export const zReceptorOptions = z.object({ regimenes: z.array(zRegimenOption), usos: z.array(zUsoOption) });
export type ReceptorOptions = z.infer<typeof zReceptorOptions>;

/** Usos that never apply to invoicing a ticket (a payment complement, a payroll receipt). */
const NOT_FOR_TICKETS = new Set(['CP01', 'CN01']);

/**
 * The receptor's régimenes fiscales and usos del CFDI in force, from SAT's catalogs
 * (src/sat/catalogos), with which persona (física: 13-character RFC, moral: 12) each applies to
 * and which régimenes each uso allows: what a self-invoicing form needs to offer only valid
 * combinations (the CFDI validation refuses the others: CFDI_REGIMEN_PERSONA, CFDI_USO_REGIMEN).
 */
export function receptorOptions(today = new Date().toISOString().slice(0, 10)): ReceptorOptions {
  const inForce = (r: Record<string, string>) => !r.vigencia_hasta || r.vigencia_hasta >= today;
  const regimenes = [...satCatalog('c_RegimenFiscal').values()].filter(inForce).map((r) => ({
    id: r.id!,
    texto: r.texto!,
    fisica: r.aplica_fisica === '1',
    moral: r.aplica_moral === '1',
  }));
  const usos = [...satCatalog('c_UsoCFDI').values()]
    .filter((r) => inForce(r) && !NOT_FOR_TICKETS.has(r.id!))
    .map((r) => ({
      id: r.id!,
      texto: r.texto!.replace(/\.$/, ''),
      fisica: r.aplica_fisica === '1',
      moral: r.aplica_moral === '1',
      regimenes: (r.regimenes_fiscales_receptores ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    }));
  return { regimenes, usos };
}

/** Public, read-only SAT catalog data for the self-invoicing page (/facturar). */
export const satCatalogsRoutes: FastifyPluginAsyncZod = async (app) => {
  let cached: { day: string; body: ReceptorOptions } | null = null;
  app.get(
    '/sat/receptor-options',
    {
      config: { access: 'public' },
      schema: {
        tags: ['self-invoicing'],
        summary: 'Régimenes fiscales and usos del CFDI for a receptor, with the combinations SAT allows',
        response: { 200: zReceptorOptions },
      },
    },
    async (_req, reply) => {
      const day = app.now().toISOString().slice(0, 10);
      if (cached?.day !== day) cached = { day, body: receptorOptions(day) };
      reply.header('cache-control', 'public, max-age=3600');
      return cached.body;
    },
  );
};
