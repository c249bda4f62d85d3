import { z } from 'zod';

const zDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Fecha inválida: usa el formato AAAA-MM-DD, p. ej. 2026-11-23.')
  .refine(
    (v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    {
      message: 'Esa fecha no existe en el calendario.',
    },
  );

/** Every report: a range of business days (both inclusive), an optional location, a format. */
export const zReportQuery = z.object({
  from: zDate,
  to: zDate,
  locationId: z.string().min(1).max(64).optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

export const zRankingQuery = zReportQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(20),
});

const zTicketFigures = {
  count: z.number(),
  total: z.string(),
  averageTicket: z.string(),
};

export const zTicketTotals = z.object(zTicketFigures);

export const zSalesByDayRow = z.object({ date: z.string(), ...zTicketFigures });
export const zSalesByHourRow = z.object({ hour: z.number(), ...zTicketFigures });
export const zSalesByChannelRow = z.object({
  channel: z.enum(['counter', 'whatsapp', 'shopify', 'woocommerce', 'storefront']),
  ...zTicketFigures,
});
export const zSalesByLocationRow = z.object({
  locationId: z.string(),
  locationName: z.string(),
  ...zTicketFigures,
});
export const zSalesByCashierRow = z.object({
  userId: z.string().nullable(),
  userName: z.string(),
  ...zTicketFigures,
});

export const zProductRotationRow = z.object({
  skuId: z.string(),
  sku: z.string(),
  name: z.string(),
  units: z.string(),
  revenue: z.string(),
  onHand: z.string(),
  averageOnHand: z.string(),
  /** units sold / average on hand over the period; null when nothing was on hand. */
  rotation: z.string().nullable(),
});

export const zRankingTotals = z.object({ skus: z.number(), units: z.string(), revenue: z.string() });

export const zInventoryValueRow = z.object({
  locationId: z.string(),
  locationName: z.string(),
  skus: z.number(),
  units: z.string(),
  value: z.string(),
  skusWithoutCost: z.number(),
});
export const zInventoryValueTotals = zInventoryValueRow.omit({ locationId: true, locationName: true });

export const zInventoryAccuracyRow = z.object({
  countId: z.string(),
  locationId: z.string(),
  locationName: z.string(),
  postedAt: z.string(),
  linesCounted: z.number(),
  linesExact: z.number(),
  accuracy: z.string().nullable(),
});
export const zInventoryAccuracyTotals = z.object({
  counts: z.number(),
  linesCounted: z.number(),
  linesExact: z.number(),
  accuracy: z.string().nullable(),
});

export const zReturnsByReasonRow = z.object({
  reason: z.enum(['defectuoso', 'no_le_quedo', 'cambio', 'error_cobro', 'otro']),
  count: z.number(),
  units: z.string(),
  amount: z.string(),
});
export const zReturnsByReasonTotals = zReturnsByReasonRow.omit({ reason: true });

export const zCashDifferenceRow = z.object({
  cashSessionId: z.string(),
  registerId: z.string(),
  registerName: z.string(),
  locationId: z.string(),
  locationName: z.string(),
  openedAt: z.string(),
  closedAt: z.string(),
  closedBy: z.string().nullable(),
  expectedCash: z.string(),
  countedCash: z.string(),
  difference: z.string(),
});
export const zCashDifferenceTotals = z.object({
  sessions: z.number(),
  expectedCash: z.string(),
  countedCash: z.string(),
  difference: z.string(),
  /** Sum of the negative differences (missing cash). */
  shortage: z.string(),
  /** Sum of the positive differences (extra cash). */
  overage: z.string(),
});

/** The envelope every report answers with. */
export function zReport<R extends z.ZodTypeAny, T extends z.ZodTypeAny>(row: R, totals: T) {
  return z.object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    locationId: z.string().nullable(),
    rows: z.array(row),
    totals,
  });
}
