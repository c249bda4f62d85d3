-- Personal data under Mexico's LFPDPPP. ARCO requests (acceso, rectificación, cancelación,
-- oposición) with the date the law gives to answer them, and customer profiles whose personal
-- data was erased on request (the row stays: sales and invoices still point at it).
alter table customers add column erased_at timestamptz;

create table privacy_requests (
  tenant_id text not null references tenants (id),
  id text not null,
  customer_id text not null,
  kind text not null check (kind in ('access', 'rectification', 'cancellation', 'opposition')),
  -- how the person asked
  channel text not null check (channel in ('counter', 'whatsapp', 'online', 'phone', 'email', 'other')),
  details text,
  status text not null default 'open' check (status in ('open', 'done', 'refused')),
  received_at timestamptz not null,
  -- 20 business days after it was received (LFPDPPP), in the business's calendar
  due_on date not null,
  resolution text,
  resolved_by text,
  resolved_at timestamptz,
  created_by text,
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check ((status = 'open') = (resolved_at is null)),
  check (status <> 'refused' or resolution is not null)
);
create index privacy_requests_status on privacy_requests (tenant_id, status, due_on);
create index privacy_requests_customer on privacy_requests (tenant_id, customer_id);

-- Stored answers to Idempotency-Key requests are kept 7 days (they may hold personal data):
-- the maintenance worker deletes older ones by this index.
create index idempotency_keys_created on idempotency_keys (created_at);
