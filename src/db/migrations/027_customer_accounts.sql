-- Customers' accounts (fiado): what a customer bought "a cuenta" (sale payments with method
-- on_account, 005) and what reduces that debt: payments received later (abonos), at a register
-- or not, and returns credited to the account. The balance is charges minus these movements;
-- nothing else holds it.
create table account_movements (
  tenant_id text not null,
  id text not null,
  customer_id text not null,
  kind text not null check (kind in ('payment', 'return')),
  amount numeric(14, 2) not null check (amount > 0),
  -- a payment: how it was paid; a return: null
  method text check (method in ('cash', 'card', 'spei', 'codi', 'dimo', 'cheque', 'voucher')),
  reference text,
  -- the register whose session received it (cash always has one)
  register_id text,
  cash_session_id text,
  ref_type text,
  ref_id text,
  note text,
  user_id text,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index account_movements_customer on account_movements (tenant_id, customer_id, created_at);

-- What customers owe, per business, without reading every payment: only on-account payments
-- are in this index, so a cash or card checkout pays nothing for it.
create index sale_payments_on_account on sale_payments (tenant_id, sale_id) where method = 'on_account';

-- Money received against an account at a register shows on its corte, per method.
alter table cash_movements drop constraint cash_movements_kind_check;
alter table cash_movements add constraint cash_movements_kind_check
  check (kind in ('in', 'out', 'refund', 'collection'));

-- A return of something bought on account lowers the debt instead of paying money back.
alter table returns drop constraint returns_refund_method_check;
alter table returns add constraint returns_refund_method_check check (
  refund_method in ('cash', 'card', 'spei', 'store_credit', 'on_account')
);
