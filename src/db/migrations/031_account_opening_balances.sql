-- A debt a customer already had when the shop started keeping accounts here (the fiado notebook):
-- an 'opening' movement adds to what they owe, dated when that debt began; abonos and returns
-- still lower it. It has no method, register nor session: no money moved.
alter table account_movements drop constraint account_movements_kind_check;
alter table account_movements add constraint account_movements_kind_check
  check (kind in ('payment', 'return', 'opening'));
alter table account_movements add constraint account_movements_opening_no_money
  check (kind <> 'opening' or (method is null and register_id is null and cash_session_id is null));
