-- Besides sales, the other money a till moves offline can be refused when its queue reaches the
-- server: a return (its refund already paid at the counter; another till returned the same pieces,
-- the queued sale it was for was refused…), cash in/out (the session was closed meanwhile) and a
-- payment on a customer's account (the debt was paid elsewhere meanwhile). They are kept here with
-- the refused sales, for the manager, never lost.
--   kind 'sale':            sale_id is the till's sale id, `sale` its POST /sales body
--   kind 'return':          operation_id the till's ret_ id, `operation` the POST /returns body,
--                           sale_id the sale it returns (a sale may have several), total the refund
--   kind 'cash_movement':   operation_id the till's cmv_ id, `operation` the movement body,
--                           target_id the cash session it was made in, total the amount
--   kind 'account_payment': operation_id the till's acm_ id, `operation` the payment body,
--                           target_id the customer, total the amount
alter table sale_conflicts add column kind text not null default 'sale';
alter table sale_conflicts add column operation_id text;
alter table sale_conflicts add column operation jsonb;
alter table sale_conflicts add column target_id text;
alter table sale_conflicts alter column sale drop not null;
alter table sale_conflicts alter column sale_id drop not null;
alter table sale_conflicts add constraint sale_conflicts_kind check (
  case kind
    when 'sale' then sale is not null and sale_id is not null and operation_id is null and operation is null
    when 'return' then sale is null and sale_id is not null and operation_id is not null and operation is not null
    when 'cash_movement' then sale is null and operation_id is not null and operation is not null and target_id is not null
    when 'account_payment' then sale is null and operation_id is not null and operation is not null and target_id is not null
    else false
  end
);
alter table sale_conflicts drop constraint sale_conflicts_sale_key;
create unique index sale_conflicts_sale_key on sale_conflicts (tenant_id, sale_id) where kind = 'sale';
create unique index sale_conflicts_operation_key on sale_conflicts (tenant_id, operation_id) where kind <> 'sale';
