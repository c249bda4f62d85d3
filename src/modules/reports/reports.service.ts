import type { z } from 'zod';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { D, type Dec, roundTo, roundToCentavos, sum, toQuantity } from '../../shared/money.js';
import { businessDayRange, DEFAULT_TIMEZONE } from '../../shared/time.js';
import { assertLocationAccess } from '../identity/identity.service.js';
import { ReportsErrors as E } from './reports.errors.js';
import * as q from './reports.queries.js';
import type {
  zCashDifferenceRow,
  zCashDifferenceTotals,
  zInventoryAccuracyRow,
  zInventoryAccuracyTotals,
  zInventoryValueRow,
  zInventoryValueTotals,
  zProductRotationRow,
  zReturnsByReasonRow,
  zReturnsByReasonTotals,
  zSalesByCashierRow,
  zSalesByChannelRow,
  zSalesByDayRow,
  zSalesByHourRow,
  zSalesByLocationRow,
  zTicketTotals,
} from './reports.schemas.js';

export const MAX_REPORT_DAYS = 366;
export const CHANNELS = ['counter', 'whatsapp', 'shopify', 'woocommerce', 'storefront'] as const;
export const RETURN_REASONS = ['defectuoso', 'no_le_quedo', 'cambio', 'error_cobro', 'otro'] as const;

export interface ReportInput {
  from: string;
  to: string;
  locationId?: string;
}

export interface Report<Row, Totals> {
  from: string;
  to: string;
  timeZone: string;
  locationId: string | null;
  rows: Row[];
  totals: Totals;
}

type TicketTotals = z.infer<typeof zTicketTotals>;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The business's zone, the range as instants and the locations the user may see. */
async function scopeOf(ctx: Ctx, input: ReportInput): Promise<q.ReportScope> {
  const span = daysBetween(input.from, input.to);
  if (span < 0) throw new AppError(E.REPORT_RANGE_INVALID, { from: input.from, to: input.to });
  if (span + 1 > MAX_REPORT_DAYS) throw new AppError(E.REPORT_RANGE_TOO_LONG, { maxDays: MAX_REPORT_DAYS });
  if (input.locationId) assertLocationAccess(ctx, input.locationId);
  const timeZone = (await q.tenantTimeZone(ctx.db, ctx.tenantId)) ?? DEFAULT_TIMEZONE;
  const [start, end] = businessDayRange(input.from, input.to, timeZone);
  return {
    tenantId: ctx.tenantId,
    timeZone,
    from: input.from,
    to: input.to,
    start,
    end,
    locationId: input.locationId ?? null,
    allowedLocationIds: ctx.locationIds,
  };
}

function envelope<Row, Totals>(scope: q.ReportScope, rows: Row[], totals: Totals): Report<Row, Totals> {
  return {
    from: scope.from,
    to: scope.to,
    timeZone: scope.timeZone,
    locationId: scope.locationId,
    rows,
    totals,
  };
}

function average(total: Dec, count: number): string {
  return count === 0 ? '0.00' : roundToCentavos(total.div(count));
}

function figures(count: number, total: string | Dec): TicketTotals {
  const t = new D(total);
  return { count, total: roundToCentavos(t), averageTicket: average(t, count) };
}

function totalsOf(groups: { count: number; total: string }[]): TicketTotals {
  const count = groups.reduce((n, g) => n + g.count, 0);
  return figures(count, sum(groups.map((g) => g.total)));
}

function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

function isoOf(at: Date | string): string {
  return new Date(at).toISOString();
}

/** Tickets (counter sales + orders from every channel) per business day, every day of the range listed. */
export async function getSalesByDay(
  ctx: Ctx,
  input: ReportInput,
): Promise<Report<z.infer<typeof zSalesByDayRow>, TicketTotals>> {
  const scope = await scopeOf(ctx, input);
  const groups = await q.ticketsByDay(ctx.db, scope);
  const byDay = new Map(groups.map((g) => [g.key, g]));
  const rows = eachDay(scope.from, scope.to).map((date) => {
    const g = byDay.get(date);
    return { date, ...figures(g?.count ?? 0, g?.total ?? '0') };
  });
  return envelope(scope, rows, totalsOf(groups));
}

/** Tickets per hour of the day (0–23, business time), summed over the range. */
export async function getSalesByHour(
  ctx: Ctx,
  input: ReportInput,
): Promise<Report<z.infer<typeof zSalesByHourRow>, TicketTotals>> {
  const scope = await scopeOf(ctx, input);
  const groups = await q.ticketsByHour(ctx.db, scope);
  const byHour = new Map(groups.map((g) => [g.key, g]));
  const rows = Array.from({ length: 24 }, (_, hour) => {
    const g = byHour.get(hour);
    return { hour, ...figures(g?.count ?? 0, g?.total ?? '0') };
  });
  return envelope(scope, rows, totalsOf(groups));
}

/** Tickets and average ticket per channel of origin; every channel listed. */
export async function getSalesByChannel(
  ctx: Ctx,
  input: ReportInput,
): Promise<Report<z.infer<typeof zSalesByChannelRow>, TicketTotals>> {
  const scope = await scopeOf(ctx, input);
  const groups = await q.ticketsByChannel(ctx.db, scope);
  const byChannel = new Map(groups.map((g) => [g.key, g]));
  const rows = CHANNELS.map((channel) => {
    const g = byChannel.get(channel);
    return { channel, ...figures(g?.count ?? 0, g?.total ?? '0') };
  });
  return envelope(scope, rows, totalsOf(groups));
}

/** Tickets per location (active locations always listed). */
export async function getSalesByLocation(
  ctx: Ctx,
  input: ReportInput,
): Promise<Report<z.infer<typeof zSalesByLocationRow>, TicketTotals>> {
  const scope = await scopeOf(ctx, input);
  const groups = await q.ticketsByLocation(ctx.db, scope);
  const rows = groups.map((g) => ({ locationId: g.key, locationName: g.name, ...figures(g.count, g.total) }));
  return envelope(scope, rows, totalsOf(groups));
}

/** Counter sales per cashier (the user who rang them up), highest total first. */
export async function getSalesByCashier(
  ctx: Ctx,
  input: ReportInput,
): Promise<Report<z.infer<typeof zSalesByCashierRow>, TicketTotals>> {
  const scope = await scopeOf(ctx, input);
  const groups = await q.salesByCashier(ctx.db, scope);
  const rows = groups.map((g) => ({
    userId: g.key,
    userName: g.name ?? 'Sin usuario',
    ...figures(g.count, g.total),
  }));
  return envelope(scope, rows, totalsOf(groups));
}

type RotationRow = z.infer<typeof zProductRotationRow>;

async function rotationRows(ctx: Ctx, scope: q.ReportScope): Promise<RotationRow[]> {
  const rows = await q.skuMovements(ctx.db, scope);
  return rows.map((r) => {
    const now = new D(r.onHandNow);
    const atStart = now.minus(r.movedSinceStart);
    const atEnd = now.minus(r.movedSinceEnd);
    const avg = atStart.plus(atEnd).div(2);
    const units = new D(r.units);
    return {
      skuId: r.skuId,
      sku: r.sku,
      name: r.variantName ? `${r.productName} — ${r.variantName}` : r.productName,
      units: toQuantity(units),
      revenue: roundToCentavos(r.revenue),
      onHand: toQuantity(atEnd),
      averageOnHand: toQuantity(avg),
      rotation: avg.gt(0) ? roundTo(units.div(avg), 2) : null,
    };
  });
}

/**
 * Best sellers by units sold in the range (then revenue), with rotation = units sold / average
 * on hand, the average of what the ledger says was on hand when the period began and ended.
 */
export async function getBestSellers(
  ctx: Ctx,
  input: ReportInput & { limit: number },
): Promise<Report<RotationRow, { skus: number; units: string; revenue: string }>> {
  const scope = await scopeOf(ctx, input);
  const sold = (await rotationRows(ctx, scope)).filter((r) => new D(r.units).gt(0));
  sold.sort(
    (a, b) =>
      new D(b.units).comparedTo(a.units) ||
      new D(b.revenue).comparedTo(a.revenue) ||
      a.sku.localeCompare(b.sku),
  );
  return envelope(scope, sold.slice(0, input.limit), {
    skus: sold.length,
    units: toQuantity(sum(sold.map((r) => r.units))),
    revenue: roundToCentavos(sum(sold.map((r) => r.revenue))),
  });
}

/**
 * Slow movers: SKUs that had stock in the range, lowest rotation first (no sales at all first,
 * the most stock sitting idle first among equals).
 */
export async function getSlowMovers(
  ctx: Ctx,
  input: ReportInput & { limit: number },
): Promise<Report<RotationRow, { skus: number; units: string; revenue: string }>> {
  const scope = await scopeOf(ctx, input);
  const stocked = (await rotationRows(ctx, scope)).filter((r) => r.rotation !== null);
  stocked.sort(
    (a, b) =>
      new D(a.rotation!).comparedTo(b.rotation!) ||
      new D(b.averageOnHand).comparedTo(a.averageOnHand) ||
      a.sku.localeCompare(b.sku),
  );
  return envelope(scope, stocked.slice(0, input.limit), {
    skus: stocked.length,
    units: toQuantity(sum(stocked.map((r) => r.units))),
    revenue: roundToCentavos(sum(stocked.map((r) => r.revenue))),
  });
}

/**
 * Inventory value per location at the end of the range: on hand then (levels minus later
 * ledger rows) × the SKU's current cost; SKUs without a cost count as zero and are counted.
 */
export async function getInventoryValue(
  ctx: Ctx,
  input: ReportInput,
): Promise<Report<z.infer<typeof zInventoryValueRow>, z.infer<typeof zInventoryValueTotals>>> {
  const scope = await scopeOf(ctx, input);
  const groups = await q.inventoryValueByLocation(ctx.db, scope);
  const rows = groups.map((g) => ({
    ...g,
    units: toQuantity(g.units),
    value: roundToCentavos(g.value),
  }));
  return envelope(scope, rows, {
    skus: rows.reduce((n, r) => n + r.skus, 0),
    units: toQuantity(sum(rows.map((r) => r.units))),
    value: roundToCentavos(sum(groups.map((g) => g.value))),
    skusWithoutCost: rows.reduce((n, r) => n + r.skusWithoutCost, 0),
  });
}

/** Cycle counts posted in the range; overall accuracy = exact lines / counted lines × 100. */
export async function getInventoryAccuracy(
  ctx: Ctx,
  input: ReportInput,
): Promise<Report<z.infer<typeof zInventoryAccuracyRow>, z.infer<typeof zInventoryAccuracyTotals>>> {
  const scope = await scopeOf(ctx, input);
  const counts = await q.postedCounts(ctx.db, scope);
  const rows = counts.map((c) => ({
    ...c,
    postedAt: isoOf(c.postedAt),
    accuracy: c.accuracy === null ? null : roundTo(c.accuracy, 2),
  }));
  const linesCounted = rows.reduce((n, r) => n + r.linesCounted, 0);
  const linesExact = rows.reduce((n, r) => n + r.linesExact, 0);
  return envelope(scope, rows, {
    counts: rows.length,
    linesCounted,
    linesExact,
    accuracy: linesCounted === 0 ? null : roundTo(new D(linesExact).times(100).div(linesCounted), 2),
  });
}

/** Returns recorded in the range per reason: how many, units back and money refunded. */
export async function getReturnsByReason(
  ctx: Ctx,
  input: ReportInput,
): Promise<Report<z.infer<typeof zReturnsByReasonRow>, z.infer<typeof zReturnsByReasonTotals>>> {
  const scope = await scopeOf(ctx, input);
  const groups = new Map((await q.returnsByReason(ctx.db, scope)).map((g) => [g.reason, g]));
  const rows = RETURN_REASONS.map((reason) => {
    const g = groups.get(reason);
    return {
      reason,
      count: g?.count ?? 0,
      units: toQuantity(g?.units ?? '0'),
      amount: roundToCentavos(g?.amount ?? '0'),
    };
  });
  return envelope(scope, rows, {
    count: rows.reduce((n, r) => n + r.count, 0),
    units: toQuantity(sum(rows.map((r) => r.units))),
    amount: roundToCentavos(sum(rows.map((r) => r.amount))),
  });
}

/** Cash sessions closed (corte Z) in the range: expected vs counted cash and the difference. */
export async function getCashDifferences(
  ctx: Ctx,
  input: ReportInput,
): Promise<Report<z.infer<typeof zCashDifferenceRow>, z.infer<typeof zCashDifferenceTotals>>> {
  const scope = await scopeOf(ctx, input);
  const sessions = await q.closedSessions(ctx.db, scope);
  const rows = sessions.map((s) => ({
    ...s,
    openedAt: isoOf(s.openedAt),
    closedAt: isoOf(s.closedAt),
    expectedCash: roundToCentavos(s.expectedCash),
    countedCash: roundToCentavos(s.countedCash),
    difference: roundToCentavos(s.difference),
  }));
  const diffs = rows.map((r) => new D(r.difference));
  return envelope(scope, rows, {
    sessions: rows.length,
    expectedCash: roundToCentavos(sum(rows.map((r) => r.expectedCash))),
    countedCash: roundToCentavos(sum(rows.map((r) => r.countedCash))),
    difference: roundToCentavos(sum(diffs)),
    shortage: roundToCentavos(sum(diffs.filter((d) => d.lt(0)))),
    overage: roundToCentavos(sum(diffs.filter((d) => d.gt(0)))),
  });
}
