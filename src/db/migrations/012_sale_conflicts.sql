-- Sales a terminal made offline that the server later refused (stock gone, session closed…).
-- They are kept here, never lost, until a manager records them again ('retry') or voids them.
-- One row per terminal sale id: reporting the same sale twice answers the stored conflict.
create table sale_conflicts (
  tenant_id text not null,
  id text not null,
  -- the id the terminal generated for the sale (also the sale's id if it is recorded later)
  sale_id text not null,
  register_id text,
  -- the register's location; null when the register is unknown
  location_id text,
  cash_session_id text,
  -- the POST /sales body exactly as the terminal froze it when the cashier charged
  sale jsonb not null,
  -- what the terminal showed the customer (its own computation)
  total numeric(14, 2),
  summary text,
  error_code text not null,
  error_message text,
  error_details jsonb not null default '{}',
  -- the terminal's clock when the cashier charged
  sold_at timestamptz,
  reported_by text,
  status text not null default 'open' check (status in ('open', 'recorded', 'voided')),
  resolution_note text,
  resolved_by text,
  resolved_at timestamptz,
  -- the ticket number the sale got when a retry recorded it
  ticket_number int,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  constraint sale_conflicts_sale_key unique (tenant_id, sale_id),
  foreign key (tenant_id, location_id) references locations (tenant_id, id),
  check ((status = 'open') = (resolved_at is null))
);
create index sale_conflicts_status on sale_conflicts (tenant_id, status, id);
