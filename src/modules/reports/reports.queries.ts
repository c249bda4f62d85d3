/**
 * Read-only SQL over other modules' tables (sales, orders, returns, cash, inventory, catalog,
 * identity). Reports are the one module allowed to read them directly; nothing here writes.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../shared/context.js';

export interface ReportScope {
  tenantId: string;
  timeZone: string;
  /** Business days, both inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
  /** [start, end) instants of that range in the business's zone. */
  start: Date;
  end: Date;
  /** The location asked for, if any. */
  locationId: string | null;
  /** The locations the user may see; null: all. */
  allowedLocationIds: string[] | null;
}

/** `and <column> in (…)` for the requested location and the user's allowed ones. */
function locationFilter(scope: ReportScope, column: string): RawBuilder<unknown> {
  const col = sql.ref(column);
  const parts: RawBuilder<unknown>[] = [];
  if (scope.locationId) parts.push(sql`and ${col} = ${scope.locationId}`);
  if (scope.allowedLocationIds) {
    parts.push(
      scope.allowedLocationIds.length === 0
        ? sql`and false`
        : sql`and ${col} in (${sql.join(scope.allowedLocationIds)})`,
    );
  }
  return sql.join(parts, sql` `);
}

/**
 * Every ticket of the period: completed counter sales plus orders from every channel that
 * were not cancelled (an order never becomes a sale, so nothing is counted twice).
 */
function tickets(scope: ReportScope): RawBuilder<unknown> {
  return sql`
    select s.channel, s.location_id, s.user_id, s.total, s.created_at, 'sale' as source
      from sales s
     where s.tenant_id = ${scope.tenantId} and s.status = 'completed'
       and s.created_at >= ${scope.start} and s.created_at < ${scope.end}
       ${locationFilter(scope, 's.location_id')}
    union all
    select o.channel, o.location_id, o.created_by as user_id, o.total, o.created_at, 'order' as source
      from orders o
     where o.tenant_id = ${scope.tenantId} and o.status <> 'cancelled'
       and o.created_at >= ${scope.start} and o.created_at < ${scope.end}
       ${locationFilter(scope, 'o.location_id')}`;
}

export interface TicketGroup<K> {
  key: K;
  count: number;
  total: string;
}

export async function tenantTimeZone(db: Executor, tenantId: string): Promise<string | null> {
  const r = await db.selectFrom('tenants').select('timezone').where('id', '=', tenantId).executeTakeFirst();
  return r?.timezone ?? null;
}

export async function ticketsByDay(db: Executor, scope: ReportScope): Promise<TicketGroup<string>[]> {
  const r = await sql<TicketGroup<string>>`
    with t as (${tickets(scope)})
    select to_char(t.created_at at time zone ${scope.timeZone}, 'YYYY-MM-DD') as key,
           count(*)::int as count, sum(t.total)::text as total
      from t group by 1 order by 1`.execute(db);
  return r.rows;
}

export async function ticketsByHour(db: Executor, scope: ReportScope): Promise<TicketGroup<number>[]> {
  const r = await sql<TicketGroup<number>>`
    with t as (${tickets(scope)})
    select extract(hour from t.created_at at time zone ${scope.timeZone})::int as key,
           count(*)::int as count, sum(t.total)::text as total
      from t group by 1 order by 1`.execute(db);
  return r.rows;
}

export async function ticketsByChannel(db: Executor, scope: ReportScope): Promise<TicketGroup<string>[]> {
  const r = await sql<TicketGroup<string>>`
    with t as (${tickets(scope)})
    select t.channel as key, count(*)::int as count, sum(t.total)::text as total
      from t group by 1 order by 1`.execute(db);
  return r.rows;
}

export async function ticketsByLocation(
  db: Executor,
  scope: ReportScope,
): Promise<(TicketGroup<string> & { name: string })[]> {
  const r = await sql<TicketGroup<string> & { name: string }>`
    with t as (${tickets(scope)}),
    agg as (select t.location_id, count(*)::int as count, sum(t.total) as total from t group by 1)
    select l.id as key, l.name, coalesce(agg.count, 0)::int as count, coalesce(agg.total, 0)::text as total
      from locations l
      left join agg on agg.location_id = l.id
     where l.tenant_id = ${scope.tenantId} and (l.active or agg.count is not null)
       ${locationFilter(scope, 'l.id')}
     order by l.name, l.id`.execute(db);
  return r.rows;
}

/** Counter sales per cashier (sales.user_id); orders are not rung up by a cashier. */
export async function salesByCashier(
  db: Executor,
  scope: ReportScope,
): Promise<(TicketGroup<string | null> & { name: string | null })[]> {
  const r = await sql<TicketGroup<string | null> & { name: string | null }>`
    select s.user_id as key, u.name, count(*)::int as count, sum(s.total)::text as total
      from sales s
      left join users u on u.tenant_id = s.tenant_id and u.id = s.user_id
     where s.tenant_id = ${scope.tenantId} and s.status = 'completed'
       and s.created_at >= ${scope.start} and s.created_at < ${scope.end}
       ${locationFilter(scope, 's.location_id')}
     group by s.user_id, u.name
     order by sum(s.total) desc, u.name`.execute(db);
  return r.rows;
}

export interface SkuMovementRow {
  skuId: string;
  sku: string;
  productName: string;
  variantName: string;
  active: boolean;
  units: string;
  revenue: string;
  onHandNow: string;
  /** Σ ledger quantities since the period started / since it ended (to walk back from now). */
  movedSinceStart: string;
  movedSinceEnd: string;
}

/** Units and revenue sold per SKU in the period, with what the ledger says was on hand. */
export async function skuMovements(db: Executor, scope: ReportScope): Promise<SkuMovementRow[]> {
  const r = await sql<SkuMovementRow>`
    with sold as (
      select l.sku_id, l.quantity, l.total
        from sale_lines l
        join sales s on s.tenant_id = l.tenant_id and s.id = l.sale_id
       where s.tenant_id = ${scope.tenantId} and s.status = 'completed'
         and s.created_at >= ${scope.start} and s.created_at < ${scope.end}
         ${locationFilter(scope, 's.location_id')}
      union all
      select l.sku_id, l.quantity, l.total
        from order_lines l
        join orders o on o.tenant_id = l.tenant_id and o.id = l.order_id
       where o.tenant_id = ${scope.tenantId} and o.status <> 'cancelled'
         and o.created_at >= ${scope.start} and o.created_at < ${scope.end}
         ${locationFilter(scope, 'o.location_id')}
    ),
    agg as (select sku_id, sum(quantity) as units, sum(total) as revenue from sold group by sku_id),
    lv as (
      select sl.sku_id, sum(sl.on_hand) as on_hand
        from stock_levels sl
       where sl.tenant_id = ${scope.tenantId} ${locationFilter(scope, 'sl.location_id')}
       group by sl.sku_id
    ),
    mv as (
      select m.sku_id,
             sum(m.quantity) as since_start,
             coalesce(sum(m.quantity) filter (where m.created_at >= ${scope.end}), 0) as since_end
        from stock_movements m
       where m.tenant_id = ${scope.tenantId} and m.created_at >= ${scope.start}
         ${locationFilter(scope, 'm.location_id')}
       group by m.sku_id
    )
    select k.id as "skuId", k.sku, p.name as "productName", k.variant_name as "variantName", k.active,
           coalesce(agg.units, 0)::text as units, coalesce(agg.revenue, 0)::text as revenue,
           coalesce(lv.on_hand, 0)::text as "onHandNow",
           coalesce(mv.since_start, 0)::text as "movedSinceStart",
           coalesce(mv.since_end, 0)::text as "movedSinceEnd"
      from skus k
      join products p on p.tenant_id = k.tenant_id and p.id = k.product_id
      left join agg on agg.sku_id = k.id
      left join lv on lv.sku_id = k.id
      left join mv on mv.sku_id = k.id
     where k.tenant_id = ${scope.tenantId}
       and (agg.sku_id is not null or lv.sku_id is not null or mv.sku_id is not null)`.execute(db);
  return r.rows;
}

export interface InventoryValueGroup {
  locationId: string;
  locationName: string;
  skus: number;
  units: string;
  value: string;
  skusWithoutCost: number;
}

/** On hand at the end of the period (levels minus later ledger rows) × the SKU's cost, per location. */
export async function inventoryValueByLocation(
  db: Executor,
  scope: ReportScope,
): Promise<InventoryValueGroup[]> {
  const r = await sql<InventoryValueGroup>`
    with later as (
      select m.sku_id, m.location_id, sum(m.quantity) as qty
        from stock_movements m
       where m.tenant_id = ${scope.tenantId} and m.created_at >= ${scope.end}
         ${locationFilter(scope, 'm.location_id')}
       group by m.sku_id, m.location_id
    ),
    lv as (
      select sl.location_id, sl.sku_id, sl.on_hand - coalesce(later.qty, 0) as qty
        from stock_levels sl
        left join later on later.sku_id = sl.sku_id and later.location_id = sl.location_id
       where sl.tenant_id = ${scope.tenantId} ${locationFilter(scope, 'sl.location_id')}
    )
    select l.id as "locationId", l.name as "locationName",
           count(lv.sku_id) filter (where lv.qty > 0)::int as skus,
           coalesce(sum(lv.qty) filter (where lv.qty > 0), 0)::text as units,
           coalesce(sum(lv.qty * coalesce(k.cost, 0)) filter (where lv.qty > 0), 0)::text as value,
           count(lv.sku_id) filter (where lv.qty > 0 and k.cost is null)::int as "skusWithoutCost"
      from locations l
      left join lv on lv.location_id = l.id
      left join skus k on k.tenant_id = l.tenant_id and k.id = lv.sku_id
     where l.tenant_id = ${scope.tenantId} ${locationFilter(scope, 'l.id')}
     group by l.id, l.name
     order by l.name, l.id`.execute(db);
  return r.rows;
}

export interface PostedCountRow {
  countId: string;
  locationId: string;
  locationName: string;
  postedAt: Date | string;
  linesCounted: number;
  linesExact: number;
  accuracy: string | null;
}

export async function postedCounts(db: Executor, scope: ReportScope): Promise<PostedCountRow[]> {
  const r = await sql<PostedCountRow>`
    select c.id as "countId", c.location_id as "locationId", l.name as "locationName",
           c.posted_at as "postedAt", coalesce(c.lines_counted, 0)::int as "linesCounted",
           coalesce(c.lines_exact, 0)::int as "linesExact", c.accuracy::text as accuracy
      from stock_counts c
      join locations l on l.tenant_id = c.tenant_id and l.id = c.location_id
     where c.tenant_id = ${scope.tenantId} and c.status = 'posted'
       and c.posted_at >= ${scope.start} and c.posted_at < ${scope.end}
       ${locationFilter(scope, 'c.location_id')}
     order by c.posted_at, c.id`.execute(db);
  return r.rows;
}

export interface ReturnReasonGroup {
  reason: string;
  count: number;
  units: string;
  amount: string;
}

export async function returnsByReason(db: Executor, scope: ReportScope): Promise<ReturnReasonGroup[]> {
  const r = await sql<ReturnReasonGroup>`
    with q as (
      select rl.return_id, sum(rl.quantity) as units
        from return_lines rl
        join returns r on r.tenant_id = rl.tenant_id and r.id = rl.return_id
       where r.tenant_id = ${scope.tenantId}
         and r.created_at >= ${scope.start} and r.created_at < ${scope.end}
       group by rl.return_id
    )
    select r.reason, count(*)::int as count, coalesce(sum(q.units), 0)::text as units,
           sum(r.refund_amount)::text as amount
      from returns r
      left join q on q.return_id = r.id
     where r.tenant_id = ${scope.tenantId}
       and r.created_at >= ${scope.start} and r.created_at < ${scope.end}
       ${locationFilter(scope, 'r.location_id')}
     group by r.reason`.execute(db);
  return r.rows;
}

export interface ClosedSessionRow {
  cashSessionId: string;
  registerId: string;
  registerName: string;
  locationId: string;
  locationName: string;
  openedAt: Date | string;
  closedAt: Date | string;
  closedBy: string | null;
  expectedCash: string;
  countedCash: string;
  difference: string;
}

/** Cash sessions closed (corte Z) in the period, with expected vs counted cash. */
export async function closedSessions(db: Executor, scope: ReportScope): Promise<ClosedSessionRow[]> {
  const r = await sql<ClosedSessionRow>`
    select cs.id as "cashSessionId", cs.register_id as "registerId", rg.name as "registerName",
           cs.location_id as "locationId", l.name as "locationName", cs.opened_at as "openedAt",
           cs.closed_at as "closedAt", u.name as "closedBy",
           coalesce(cs.expected_cash, 0)::text as "expectedCash",
           coalesce(cs.counted_cash, 0)::text as "countedCash",
           coalesce(cs.difference, 0)::text as difference
      from cash_sessions cs
      join registers rg on rg.tenant_id = cs.tenant_id and rg.id = cs.register_id
      join locations l on l.tenant_id = cs.tenant_id and l.id = cs.location_id
      left join users u on u.tenant_id = cs.tenant_id and u.id = cs.closed_by
     where cs.tenant_id = ${scope.tenantId} and cs.status = 'closed'
       and cs.closed_at >= ${scope.start} and cs.closed_at < ${scope.end}
       ${locationFilter(scope, 'cs.location_id')}
     order by cs.closed_at, cs.id`.execute(db);
  return r.rows;
}
