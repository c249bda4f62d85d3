import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { MANAGERS } from '../../http/access.js';
import type { Ctx } from '../../shared/context.js';
import {
  CHANNEL_LABELS,
  type Column,
  localDateTime,
  REASON_LABELS,
  sendSpreadsheet,
} from './reports.export.js';
import {
  zCashDifferenceRow,
  zCashDifferenceTotals,
  zInventoryAccuracyRow,
  zInventoryAccuracyTotals,
  zInventoryValueRow,
  zInventoryValueTotals,
  zProductRotationRow,
  zRankingQuery,
  zRankingTotals,
  zReport,
  zReportQuery,
  zReturnsByReasonRow,
  zReturnsByReasonTotals,
  zSalesByCashierRow,
  zSalesByChannelRow,
  zSalesByDayRow,
  zSalesByHourRow,
  zSalesByLocationRow,
  zTicketTotals,
} from './reports.schemas.js';
import {
  getBestSellers,
  getCashDifferences,
  getInventoryAccuracy,
  getInventoryValue,
  getReturnsByReason,
  getSalesByCashier,
  getSalesByChannel,
  getSalesByDay,
  getSalesByHour,
  getSalesByLocation,
  getSlowMovers,
  type Report,
} from './reports.service.js';

type Query = z.infer<typeof zRankingQuery>;

interface ReportDef<R extends z.ZodTypeAny, T extends z.ZodTypeAny> {
  path: string;
  /** es-MX: the file name and the worksheet's title. */
  title: string;
  summary: string;
  ranking?: boolean;
  row: R;
  totals: T;
  run: (ctx: Ctx, q: Query) => Promise<Report<z.infer<R>, z.infer<T>>>;
  columns: (timeZone: string) => Column<z.infer<R>>[];
}

function report<R extends z.ZodTypeAny, T extends z.ZodTypeAny>(def: ReportDef<R, T>): ReportDef<R, T> {
  return def;
}

type TicketRow = { count: number; total: string; averageTicket: string };
const ticketColumns: Column<TicketRow>[] = [
  { header: 'Tickets', kind: 'int', value: (r) => r.count },
  { header: 'Total', kind: 'money', value: (r) => r.total },
  { header: 'Ticket promedio', kind: 'money', value: (r) => r.averageTicket },
];
type RotationRow = z.infer<typeof zProductRotationRow>;
const rotationColumns: Column<RotationRow>[] = [
  { header: 'SKU', kind: 'text', value: (r) => r.sku },
  { header: 'Producto', kind: 'text', value: (r) => r.name },
  { header: 'Unidades vendidas', kind: 'quantity', value: (r) => r.units },
  { header: 'Ventas', kind: 'money', value: (r) => r.revenue },
  { header: 'Existencia al cierre', kind: 'quantity', value: (r) => r.onHand },
  { header: 'Existencia promedio', kind: 'quantity', value: (r) => r.averageOnHand },
  { header: 'Rotación', kind: 'percent', value: (r) => r.rotation },
];

const REPORTS = [
  report({
    path: 'sales-by-day',
    title: 'Ventas por día',
    summary: 'Tickets, total and average ticket per business day',
    row: zSalesByDayRow,
    totals: zTicketTotals,
    run: getSalesByDay,
    columns: () => [
      { header: 'Fecha', kind: 'text', value: (r) => r.date.split('-').reverse().join('/') },
      ...ticketColumns,
    ],
  }),
  report({
    path: 'sales-by-hour',
    title: 'Ventas por hora',
    summary: 'Tickets, total and average ticket per hour of the day (business time)',
    row: zSalesByHourRow,
    totals: zTicketTotals,
    run: getSalesByHour,
    columns: () => [
      { header: 'Hora', kind: 'text', value: (r) => `${String(r.hour).padStart(2, '0')}:00` },
      ...ticketColumns,
    ],
  }),
  report({
    path: 'sales-by-channel',
    title: 'Ventas por canal',
    summary: 'Tickets, total and average ticket per channel of origin',
    row: zSalesByChannelRow,
    totals: zTicketTotals,
    run: getSalesByChannel,
    columns: () => [
      { header: 'Canal', kind: 'text', value: (r) => CHANNEL_LABELS[r.channel] ?? r.channel },
      ...ticketColumns,
    ],
  }),
  report({
    path: 'sales-by-location',
    title: 'Ventas por sucursal',
    summary: 'Tickets, total and average ticket per location',
    row: zSalesByLocationRow,
    totals: zTicketTotals,
    run: getSalesByLocation,
    columns: () => [{ header: 'Sucursal', kind: 'text', value: (r) => r.locationName }, ...ticketColumns],
  }),
  report({
    path: 'sales-by-cashier',
    title: 'Ventas por cajero',
    summary: 'Counter sales per cashier',
    row: zSalesByCashierRow,
    totals: zTicketTotals,
    run: getSalesByCashier,
    columns: () => [{ header: 'Cajero', kind: 'text', value: (r) => r.userName }, ...ticketColumns],
  }),
  report({
    path: 'best-sellers',
    title: 'Más vendidos',
    summary: 'Best sellers by units, with revenue and rotation (units sold / average on hand)',
    ranking: true,
    row: zProductRotationRow,
    totals: zRankingTotals,
    run: getBestSellers,
    columns: () => rotationColumns,
  }),
  report({
    path: 'slow-movers',
    title: 'Lento movimiento',
    summary: 'SKUs with stock and the lowest rotation',
    ranking: true,
    row: zProductRotationRow,
    totals: zRankingTotals,
    run: getSlowMovers,
    columns: () => rotationColumns,
  }),
  report({
    path: 'inventory-value',
    title: 'Valor del inventario',
    summary: 'On hand × cost per location at the end of the range',
    row: zInventoryValueRow,
    totals: zInventoryValueTotals,
    run: getInventoryValue,
    columns: () => [
      { header: 'Sucursal', kind: 'text', value: (r) => r.locationName },
      { header: 'Productos con existencia', kind: 'int', value: (r) => r.skus },
      { header: 'Unidades', kind: 'quantity', value: (r) => r.units },
      { header: 'Valor a costo', kind: 'money', value: (r) => r.value },
      { header: 'Productos sin costo', kind: 'int', value: (r) => r.skusWithoutCost },
    ],
  }),
  report({
    path: 'inventory-accuracy',
    title: 'Exactitud de inventario',
    summary: 'Posted cycle counts and their accuracy (exact lines / counted lines)',
    row: zInventoryAccuracyRow,
    totals: zInventoryAccuracyTotals,
    run: getInventoryAccuracy,
    columns: (tz) => [
      { header: 'Conteo', kind: 'text', value: (r) => r.countId },
      { header: 'Sucursal', kind: 'text', value: (r) => r.locationName },
      { header: 'Aplicado', kind: 'datetime', value: (r) => localDateTime(r.postedAt, tz) },
      { header: 'Líneas contadas', kind: 'int', value: (r) => r.linesCounted },
      { header: 'Líneas exactas', kind: 'int', value: (r) => r.linesExact },
      { header: 'Exactitud %', kind: 'percent', value: (r) => r.accuracy },
    ],
  }),
  report({
    path: 'returns-by-reason',
    title: 'Devoluciones por motivo',
    summary: 'Returns per reason: count, units and money refunded',
    row: zReturnsByReasonRow,
    totals: zReturnsByReasonTotals,
    run: getReturnsByReason,
    columns: () => [
      { header: 'Motivo', kind: 'text', value: (r) => REASON_LABELS[r.reason] ?? r.reason },
      { header: 'Devoluciones', kind: 'int', value: (r) => r.count },
      { header: 'Unidades', kind: 'quantity', value: (r) => r.units },
      { header: 'Reembolsado', kind: 'money', value: (r) => r.amount },
    ],
  }),
  report({
    path: 'cash-differences',
    title: 'Diferencias de caja',
    summary: 'Closed cash sessions: expected vs counted cash',
    row: zCashDifferenceRow,
    totals: zCashDifferenceTotals,
    run: getCashDifferences,
    columns: (tz) => [
      { header: 'Caja', kind: 'text', value: (r) => r.registerName },
      { header: 'Sucursal', kind: 'text', value: (r) => r.locationName },
      { header: 'Apertura', kind: 'datetime', value: (r) => localDateTime(r.openedAt, tz) },
      { header: 'Corte Z', kind: 'datetime', value: (r) => localDateTime(r.closedAt, tz) },
      { header: 'Cerró', kind: 'text', value: (r) => r.closedBy ?? '' },
      { header: 'Esperado', kind: 'money', value: (r) => r.expectedCash },
      { header: 'Contado', kind: 'money', value: (r) => r.countedCash },
      { header: 'Diferencia', kind: 'money', value: (r) => r.difference },
    ],
  }),
];

function slug(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
}

export const reportsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['reports'];
  for (const def of REPORTS) {
    app.get(
      `/reports/${def.path}`,
      {
        config: { access: MANAGERS },
        schema: {
          tags,
          summary: `${def.summary}. \`format=csv\` (UTF-8 with BOM) or \`format=xlsx\` downloads it.`,
          querystring: def.ranking ? zRankingQuery : zReportQuery,
          response: { 200: zReport(def.row, def.totals) },
        },
      },
      async (req, reply) => {
        const query = req.query as Query;
        const r = await (def.run as (ctx: Ctx, q: Query) => Promise<Report<unknown, unknown>>)(
          app.ctxFor(req),
          query,
        );
        // the response schema validates the JSON shape; the cast only joins the report types
        if (query.format === 'json') return reply.send(r as never);
        const columns = (def.columns as (tz: string) => Column<unknown>[])(r.timeZone);
        const name = `${slug(def.title)}_${r.from}_${r.to}.${query.format}`;
        return sendSpreadsheet(reply, query.format, { name, title: def.title }, columns, r.rows);
      },
    );
  }
};
