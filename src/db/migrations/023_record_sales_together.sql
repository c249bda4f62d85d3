-- Group commit, written together: a batch of counter sales (record_sales' input) recorded with a
-- fixed number of set-based statements for the whole batch instead of record_sale's statements
-- for each sale. PostgreSQL's cost per sale was mostly per statement (executor start-up, PL/pgSQL,
-- one subtransaction per sale), not per row.
--
-- Only the common batch goes this way: every sale new, on a register with its open session, the
-- prices' versions current, stock to cover every line of every sale, no lots, no store credit.
-- Anything else answers null before a row is written, and the caller records the batch sale by
-- sale (record_sales), which answers each sale's refusal. Any error on the way (a deadlock, an
-- invoice code taken) rolls this attempt back, answers null, and the same happens.
--
-- The rows written are record_sale's, one for one: sale, lines, payments, ledger rows, the
-- stock.changed events with the level after each sale (in batch order), stock.low when a sale
-- crosses the reorder point, sale.completed and the audit row. Locks: the sale ids' advisory locks
-- (in hash order), the registers' shared locks (in hash order), then the stock rows in (tenant,
-- location, SKU) order, the order every checkout takes them.
create function record_sales_together(ps jsonb) returns jsonb language plpgsql as $$
begin
  return record_sales_together_try(ps);
exception when others then
  return null;
end $$;

create function record_sales_together_try(ps jsonb) returns jsonb language plpgsql as $$
declare
  v_count int := jsonb_array_length(ps);
  v_fit boolean;
  v_n int;
  v_now timestamptz;
  v_tenants text[];
  v_ids text[];
  v_registers text[];
  v_sessions text[];
  v_locations text[];
  v_tickets bigint[];
  g record;
  g_skus text[];
  g_qtys numeric[];
  g_rows int;
  -- the stock rows taken, after the batch: tenant, location, SKU, on hand, reserved, reorder point
  a_t text[] := '{}';
  a_l text[] := '{}';
  a_s text[] := '{}';
  a_on numeric[] := '{}';
  a_res numeric[] := '{}';
  a_rop numeric[] := '{}';
begin
  select bool_and(e ->> 'registerId' is not null and e ->> 'storeCredit' is null
                  and jsonb_typeof(e -> 'stock') = 'array'),
         count(distinct (e ->> 'tenantId', e ->> 'saleId')),
         array_agg(e ->> 'tenantId' order by i), array_agg(e ->> 'saleId' order by i),
         array_agg(e ->> 'registerId' order by i), max((e ->> 'now')::timestamptz)
    into v_fit, v_n, v_tenants, v_ids, v_registers, v_now
    from jsonb_array_elements(ps) with ordinality as b (e, i);
  if not v_fit or v_n <> v_count then
    return null;
  end if;

  -- The sale ids (a retry racing its first try waits here), then: every one new.
  perform pg_advisory_xact_lock(727007, h)
     from (select distinct hashtext(t || '/' || id) as h from unnest(v_tenants, v_ids) as u (t, id)
            order by 1) as x;
  -- (each lookup a scalar subquery: as a semi-join it was planned as a scan of every sale)
  if exists (select 1 from unnest(v_tenants, v_ids) as u (t, id)
              where (select true from sales s where s.tenant_id = u.t and s.id = u.id)) then
    return null;
  end if;

  -- The prices' versions, one primary-key lookup per SKU of each sale.
  if exists (
    select 1
      from jsonb_array_elements(ps) as b (e),
           jsonb_to_recordset(e -> 'skus') as x (id text, version int)
     where (select k.version from skus k where k.tenant_id = e ->> 'tenantId' and k.id = x.id)
           is distinct from x.version) then
    return null;
  end if;

  -- The registers' open sessions, under the same shared lock record_sale takes.
  perform pg_advisory_xact_lock_shared(727005, h)
     from (select distinct hashtext(r) as h from unnest(v_registers) as r order by 1) as x;
  select array_agg(c.id order by b.i), array_agg(c.location_id order by b.i),
         bool_and(c.id is not null
                  and (e ->> 'cashSessionId' is null or e ->> 'cashSessionId' = c.id)
                  and (jsonb_typeof(e -> 'locationIds') is distinct from 'array'
                       or (e -> 'locationIds') ? c.location_id))
    into v_sessions, v_locations, v_fit
    from jsonb_array_elements(ps) with ordinality as b (e, i)
    left join lateral (
      select s.id, s.location_id from cash_sessions s
       where s.tenant_id = e ->> 'tenantId' and s.register_id = e ->> 'registerId' and s.status = 'open'
      offset 0 -- a lookup per sale, not a join (which was planned as a scan of every session)
    ) as c on true;
  if not v_fit then
    return null;
  end if;

  -- The stock, per tenant and location: lock the rows in SKU order, check that the batch's
  -- quantities fit (no lots, the available stock covers them), then take them in one update.
  for g in
    select x.t, x.l, array_agg(x.s order by x.s) as skus, array_agg(x.q order by x.s) as qtys
      from (select e ->> 'tenantId' as t, v_locations[b.i] as l, y.sku_id as s, sum(y.quantity) as q
              from jsonb_array_elements(ps) with ordinality as b (e, i),
                   jsonb_to_recordset(e -> 'stock') as y (sku_id text, quantity numeric)
             group by 1, 2, 3) as x
     group by x.t, x.l
     order by x.t, x.l
  loop
    g_skus := g.skus;
    g_qtys := g.qtys;
    select count(*),
           bool_and(l.on_hand - l.reserved >= g_qtys[array_position(g_skus, l.sku_id)]
                    and g_qtys[array_position(g_skus, l.sku_id)] > 0)
      into g_rows, v_fit
      from (select sku_id, on_hand, reserved from stock_levels
             where tenant_id = g.t and location_id = g.l and sku_id = any (g_skus)
             order by sku_id
               for update) as l;
    if g_rows <> cardinality(g_skus) or not v_fit then
      return null;
    end if;
    if exists (select 1 from skus k join products p on p.tenant_id = k.tenant_id and p.id = k.product_id
                where k.tenant_id = g.t and k.id = any (g_skus) and p.track_lots) then
      return null;
    end if;
    with u as (
      update stock_levels l
         set on_hand = l.on_hand - g_qtys[array_position(g_skus, l.sku_id)],
             updated_at = v_now
       where l.tenant_id = g.t and l.location_id = g.l and l.sku_id = any (g_skus)
      returning l.sku_id, l.on_hand, l.reserved
    )
    select a_t || array_agg(g.t::text), a_l || array_agg(g.l::text), a_s || array_agg(u.sku_id),
           a_on || array_agg(u.on_hand), a_res || array_agg(u.reserved),
           a_rop || array_agg((select k.reorder_point from skus k where k.tenant_id = g.t and k.id = u.sku_id))
      into a_t, a_l, a_s, a_on, a_res, a_rop
      from u;
  end loop;

  select array_agg(nextval(('ticket_seq_' || lower(v_locations[i]))::regclass) order by i)
    into v_tickets
    from generate_series(1, v_count) as i;

  with b as (
    select e, i::int as i, e ->> 'tenantId' as t, (e ->> 'now')::timestamptz as at,
           v_locations[i] as loc, v_sessions[i] as sess, v_tickets[i] as ticket
      from jsonb_array_elements(ps) with ordinality as x (e, i)
  ), bs as materialized (
    select b.i, b.t, b.loc, b.at, b.e, y.sku_id, y.quantity as q
      from b cross join jsonb_to_recordset(b.e -> 'stock') as y (sku_id text, quantity numeric)
  ), st as (
    -- each sale's stock lines with the level after it: the batch's level plus what later sales
    -- of the batch took
    select bs.*, a.res, a.rop,
           a.on_hand + sum(bs.q) over (partition by bs.t, bs.loc, bs.sku_id)
             - sum(bs.q) over (partition by bs.t, bs.loc, bs.sku_id order by bs.i) as on_after
      from bs
      join unnest(a_t, a_l, a_s, a_on, a_res, a_rop) as a (t, l, s, on_hand, res, rop)
        on a.t = bs.t and a.l = bs.loc and a.s = bs.sku_id
  ), s as (
    insert into sales (tenant_id, id, channel, location_id, register_id, cash_session_id, customer_id,
                       user_id, ticket_number, invoice_code, subtotal, discount_total, tax_total, total,
                       change_total, taxes, note, request_hash, created_at)
    select b.t, e ->> 'saleId', e ->> 'channel', b.loc, e ->> 'registerId', b.sess, e ->> 'customerId',
           e ->> 'userId', b.ticket, e ->> 'invoiceCode', (e ->> 'subtotal')::numeric,
           (e ->> 'discountTotal')::numeric, (e ->> 'taxTotal')::numeric, (e ->> 'total')::numeric,
           (e ->> 'changeTotal')::numeric, e -> 'taxes', e ->> 'note', e ->> 'requestHash', b.at
      from b
     order by b.i
  ), l as (
    insert into sale_lines (tenant_id, sale_id, line_no, sku_id, description, clave_prod_serv,
                            clave_unidad, unit_name, quantity, unit_price, price_includes_tax,
                            price_overridden, gross, discount, subtotal, tax_total, total, taxes)
    select b.t, e ->> 'saleId', x.line_no, x.sku_id, x.description, x.clave_prod_serv, x.clave_unidad,
           x.unit_name, x.quantity, x.unit_price, x.price_includes_tax, x.price_overridden, x.gross,
           x.discount, x.subtotal, x.tax_total, x.total, x.taxes
      from b, jsonb_to_recordset(e -> 'lines') as x (
        line_no int, sku_id text, description text, clave_prod_serv text, clave_unidad text,
        unit_name text, quantity numeric, unit_price numeric, price_includes_tax boolean,
        price_overridden boolean, gross numeric, discount numeric, subtotal numeric,
        tax_total numeric, total numeric, taxes jsonb)
  ), pay as (
    insert into sale_payments (tenant_id, sale_id, payment_no, method, amount, kind, reference, details)
    select b.t, e ->> 'saleId', x.payment_no, x.method, x.amount, x.kind, x.reference,
           coalesce(x.details, '{}')
      from b, jsonb_to_recordset(e -> 'payments') as x (
        payment_no int, method text, amount numeric, kind text, reference text, details jsonb)
  ), m as (
    insert into stock_movements
      (tenant_id, sku_id, location_id, quantity, reason, ref_type, ref_id, note, user_id, created_at)
    select st.t, st.sku_id, st.loc, -st.q, 'sale', 'sale', e ->> 'saleId', null, e ->> 'userId', st.at
      from st
     order by st.i, st.sku_id
  ), ev as (
    insert into events (tenant_id, type, payload, created_at)
    select t, type, payload, at
      from (
        select st.i, 1 as k, st.sku_id as o, st.t, 'stock.changed' as type,
               json_build_object('skuId', st.sku_id, 'locationId', st.loc, 'onHand', st.on_after::text,
                                 'reserved', st.res::text, 'available', (st.on_after - st.res)::text,
                                 'reason', 'sale', 'refType', 'sale', 'refId', e ->> 'saleId')::jsonb as payload,
               st.at
          from st
        union all
        select st.i, 2, st.sku_id, st.t, 'stock.low',
               json_build_object('skuId', st.sku_id, 'locationId', st.loc,
                                 'available', (st.on_after - st.res)::text, 'reorderPoint', st.rop::text)::jsonb,
               st.at
          from st
         where st.on_after - st.res <= st.rop and st.on_after + st.q - st.res > st.rop
        union all
        select b.i, 3, '', b.t, 'sale.completed',
               jsonb_build_object('saleId', e ->> 'saleId', 'channel', e ->> 'channel', 'locationId', b.loc,
                                  'registerId', e ->> 'registerId', 'cashSessionId', b.sess,
                                  'customerId', e ->> 'customerId', 'ticketNumber', b.ticket,
                                  'total', e ->> 'total', 'lines', e -> 'stock'),
               b.at
          from b
      ) as x
     order by i, k, o
  )
  insert into audit_log (tenant_id, user_id, action, entity_type, entity_id, data, created_at)
  select b.t, e ->> 'userId', 'sale.completed', 'sale', e ->> 'saleId',
         jsonb_build_object('total', e ->> 'total', 'ticketNumber', b.ticket), b.at
    from b
   order by b.i;

  return (select jsonb_agg(jsonb_build_object('ok', jsonb_build_object(
            'replayed', false, 'ticketNumber', v_tickets[i], 'locationId', v_locations[i],
            'cashSessionId', v_sessions[i], 'together', true)) order by i)
            from generate_series(1, v_count) as i);
end $$;
