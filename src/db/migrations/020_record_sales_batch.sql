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
-- in one statement ordered by (tenant, location, SKU), the order a single sale takes its own rows
-- in. Two batches, or a batch and a single sale, therefore never hold one row each while waiting
-- for the other's. (A session closed meanwhile could send a sale to another location's rows: its
-- deadlock, if any, is answered as that sale's 40P01 and the app sends it again.)
create function record_sales(ps jsonb) returns jsonb language plpgsql as $$
declare
  v_out jsonb := '[]'::jsonb;
  v_p jsonb;
  v_state text;
  v_msg text;
  v_detail text;
  v_hint text;
  v_constraint text;
begin
  perform 1
    from stock_levels l
    join (select distinct x.p ->> 'tenantId' as tenant_id,
                 coalesce(cs.location_id, x.p ->> 'locationId') as location_id,
                 s.sku_id
            from jsonb_array_elements(ps) as x (p)
            cross join lateral jsonb_to_recordset(x.p -> 'stock') as s (sku_id text)
            left join cash_sessions cs
              on cs.tenant_id = x.p ->> 'tenantId' and cs.register_id = x.p ->> 'registerId'
             and cs.status = 'open') k
      on l.tenant_id = k.tenant_id and l.location_id = k.location_id and l.sku_id = k.sku_id
   order by l.tenant_id, l.location_id, l.sku_id
     for update of l;

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
