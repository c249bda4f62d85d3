-- Returns and exchanges: some lines of a sale come back with a reason, are restocked or
-- written off, and are refunded by a method. What was returned per sale line is guarded in
-- sale_lines.returned_quantity (005), so several returns never exceed what was sold.
create table returns (
  tenant_id text not null,
  id text not null,
  sale_id text not null,
  -- where restocked lines went back to
  location_id text not null,
  customer_id text,
  reason text not null check (reason in ('defectuoso', 'no_le_quedo', 'cambio', 'error_cobro', 'otro')),
  note text,
  refund_method text not null check (refund_method in ('cash', 'card', 'store_credit')),
  refund_amount numeric(14, 2) not null check (refund_amount >= 0),
  refund_reference text,
  -- the register whose drawer paid a cash refund (its open session then)
  register_id text,
  cash_session_id text,
  -- an exchange: the new sale made with this return
  exchange_sale_id text,
  user_id text,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, sale_id) references sales (tenant_id, id),
  foreign key (tenant_id, exchange_sale_id) references sales (tenant_id, id)
);
create index returns_sale on returns (tenant_id, sale_id);
create index returns_created on returns (tenant_id, created_at);

create table return_lines (
  tenant_id text not null,
  return_id text not null,
  line_no int not null,
  sale_line_no int not null,
  sku_id text not null,
  description text not null,
  quantity numeric(14, 3) not null check (quantity > 0),
  -- the share of the sale line total refunded for this quantity
  amount numeric(14, 2) not null,
  -- restock: back on the shelf (ledger reason 'return'); write_off: damaged, no stock change
  disposition text not null check (disposition in ('restock', 'write_off')),
  primary key (tenant_id, return_id, line_no),
  foreign key (tenant_id, return_id) references returns (tenant_id, id)
);
