-- Orders from every channel: one model, tagged with its channel of origin. Lines hold stock
-- reservations (inventory) until the order is paid or delivered; cancelling releases them.
create table order_counters (
  tenant_id text not null references tenants (id),
  last_number bigint not null,
  primary key (tenant_id)
);

create table orders (
  tenant_id text not null references tenants (id),
  id text not null,
  -- per business, for people: "pedido 1042"
  number bigint not null,
  channel text not null check (channel in ('counter', 'whatsapp', 'shopify', 'woocommerce', 'storefront')),
  -- the order's id in the channel (Shopify order id, WhatsApp message id…): one order per (channel, id)
  external_id text,
  location_id text not null,
  customer_id text,
  status text not null default 'new' check (
    status in ('new', 'confirmed', 'preparing', 'ready', 'out_for_delivery', 'delivered', 'cancelled')
  ),
  fulfilment text not null check (fulfilment in ('pickup', 'delivery', 'dine_in')),
  delivery_address text,
  delivery_notes text,
  notes text,
  subtotal numeric(14, 2) not null,
  tax_total numeric(14, 2) not null,
  total numeric(14, 2) not null,
  paid_total numeric(14, 2) not null default 0,
  payment_status text not null default 'unpaid' check (payment_status in ('unpaid', 'paid', 'on_account')),
  hold_until timestamptz,
  status_changed_at timestamptz not null default now(),
  created_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, location_id) references locations (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check (paid_total >= 0 and paid_total <= total),
  check (fulfilment <> 'delivery' or delivery_address is not null)
);
create unique index orders_number_key on orders (tenant_id, number);
create unique index orders_external_key on orders (tenant_id, channel, external_id) where external_id is not null;
create index orders_status on orders (tenant_id, status, id);
create index orders_location on orders (tenant_id, location_id, id);
create index orders_customer on orders (tenant_id, customer_id, id);
create index orders_created on orders (tenant_id, created_at);

create table order_lines (
  tenant_id text not null,
  order_id text not null,
  line_no int not null,
  sku_id text not null,
  sku text not null,
  description text not null,
  quantity numeric(14, 3) not null check (quantity > 0),
  unit_price numeric(14, 2) not null check (unit_price >= 0),
  price_includes_tax boolean not null,
  -- where the price came from: the catalog (per channel) or the channel itself (Shopify…)
  price_source text not null check (price_source in ('catalog', 'channel')),
  discount numeric(14, 2) not null default 0,
  subtotal numeric(18, 6) not null,
  tax_total numeric(18, 6) not null,
  total numeric(14, 2) not null,
  -- [{tax, factor, rate, base, amount}] as computed by catalog/tax.ts
  taxes jsonb not null,
  -- the inventory reservation currently holding this line's stock
  reservation_id text,
  -- held: reserved; confirmed: left stock through the ledger; released: given back
  stock_status text not null default 'held' check (stock_status in ('held', 'confirmed', 'released')),
  primary key (tenant_id, order_id, line_no),
  foreign key (tenant_id, order_id) references orders (tenant_id, id),
  foreign key (tenant_id, sku_id) references skus (tenant_id, id)
);

create table order_status_history (
  tenant_id text not null,
  id bigint generated always as identity,
  order_id text not null,
  from_status text,
  to_status text not null,
  note text,
  changed_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, order_id) references orders (tenant_id, id)
);
create index order_status_history_order on order_status_history (tenant_id, order_id, id);

create table order_payments (
  tenant_id text not null,
  id bigint generated always as identity,
  order_id text not null,
  method text not null check (
    method in ('cash', 'card', 'spei', 'codi', 'voucher', 'store_credit', 'on_account', 'online', 'other')
  ),
  amount numeric(14, 2) not null check (amount > 0),
  reference text,
  recorded_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, order_id) references orders (tenant_id, id)
);
create index order_payments_order on order_payments (tenant_id, order_id);

-- sales.customer_id → customers: the sales table (005) belongs to the sales module; link it only
-- when it is there, so this file also runs on a tree without it.
do $$
begin
  if to_regclass('sales') is not null
     and exists (
       select 1 from information_schema.columns
       where table_name = 'sales' and column_name = 'customer_id' and table_schema = current_schema()
     )
     and not exists (
       select 1 from pg_constraint
       where contype = 'f' and conrelid = to_regclass('sales') and confrelid = to_regclass('customers')
     ) then
    alter table sales
      add constraint sales_customer_fkey foreign key (tenant_id, customer_id) references customers (tenant_id, id);
  end if;
end $$;
