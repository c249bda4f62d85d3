-- A return a till made offline (the refund already paid at the counter) that the server later
-- refused (another till returned the same pieces, the queued sale it was for was refused…) is
-- kept next to the refused sales for the manager, never lost. kind 'return': `return_id` is the
-- till's id for the return, `return_body` the POST /returns body as the till sent it, `sale_id`
-- the sale it returns (several returns may be refused for one sale) and `total` the refund.
alter table sale_conflicts add column kind text not null default 'sale';
alter table sale_conflicts add column return_id text;
alter table sale_conflicts add column return_body jsonb;
alter table sale_conflicts alter column sale drop not null;
alter table sale_conflicts add constraint sale_conflicts_kind check (
  case kind
    when 'sale' then sale is not null and return_id is null and return_body is null
    when 'return' then sale is null and return_id is not null and return_body is not null
    else false
  end
);
alter table sale_conflicts drop constraint sale_conflicts_sale_key;
create unique index sale_conflicts_sale_key on sale_conflicts (tenant_id, sale_id) where kind = 'sale';
create unique index sale_conflicts_return_key on sale_conflicts (tenant_id, return_id) where kind = 'return';
