-- Group commit for counter sales: the app hands PostgreSQL the sales that queued up while its
-- previous batches ran, and this function records each one exactly as record_sale does, each in
-- its own subtransaction (a refused sale leaves nothing and does not disturb the others), then
-- the whole batch commits once. One round trip, one parse and one WAL flush for many sales.
--
-- Answers an array in input order: {"ok": <record_sale's answer>} or {"error": {code, message,
-- detail, hint, constraint}} with the PostgreSQL fields the app translates as it would a raised
-- error.
--
-- Deadlocks between batches: a batch first locks the stock rows every one of its sales will take,
-- in the order (tenant, location, SKU), the order a single sale takes its own rows
-- in. Two batches, or a batch and a single sale, therefore never hold one row each while waiting
-- for the other's. (A session closed meanwhile could send a sale to another location's rows: its
-- deadlock, if any, is answered as that sale's 40P01 and the app sends it again.)
create function record_sales(ps jsonb) returns jsonb language plpgsql as $$
declare
  v_out jsonb := '[]'::jsonb;
  v_p jsonb;
  v_location text;
  v_tenants text[] := '{}';
  v_locations text[] := '{}';
  v_skus text[] := '{}';
  r record;
  v_state text;
  v_msg text;
  v_detail text;
  v_hint text;
  v_constraint text;
begin
  -- The stock rows every sale will take: its register's open session gives the location.
  -- Looked up and locked one row at a time through the primary keys: a join of the batch's JSON
  -- to stock_levels is planned for a hundred rows per JSON array and reads the whole table.
  for v_p in select e from jsonb_array_elements(ps) as t (e) loop
    v_location := null;
    if v_p ->> 'registerId' is not null then
      select location_id into v_location from cash_sessions
       where tenant_id = v_p ->> 'tenantId' and register_id = v_p ->> 'registerId' and status = 'open';
    end if;
    v_location := coalesce(v_location, v_p ->> 'locationId');
    if v_location is not null then
      select v_tenants || array_agg(v_p ->> 'tenantId'), v_locations || array_agg(v_location),
             v_skus || array_agg(x.sku_id)
        into v_tenants, v_locations, v_skus
        from jsonb_to_recordset(v_p -> 'stock') as x (sku_id text);
    end if;
  end loop;
  for r in select distinct u.t, u.l, u.s from unnest(v_tenants, v_locations, v_skus) as u (t, l, s)
            where u.s is not null order by u.t, u.l, u.s loop
    perform 1 from stock_levels
     where tenant_id = r.t and location_id = r.l and sku_id = r.s
       for update;
  end loop;

  for v_p in select e from jsonb_array_elements(ps) as t (e) loop
    begin
      v_out := v_out || jsonb_build_array(jsonb_build_object('ok', record_sale(v_p)));
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_msg = message_text,
        v_detail = pg_exception_detail, v_hint = pg_exception_hint, v_constraint = constraint_name;
      v_out := v_out || jsonb_build_array(jsonb_build_object('error', jsonb_build_object(
        'code', v_state, 'message', v_msg, 'detail', nullif(v_detail, ''),
        'hint', nullif(v_hint, ''), 'constraint', nullif(v_constraint, ''))));
    end;
  end loop;
  return v_out;
end $$;
