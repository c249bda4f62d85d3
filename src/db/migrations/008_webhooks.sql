-- Outgoing webhooks: subscriptions, one delivery per (subscription, event), every attempt kept.
-- Durable outbox readers keep their cursor in event_consumers.

create table webhook_subscriptions (
  tenant_id text not null references tenants (id),
  id text not null,
  url text not null,
  -- 'sale.completed', 'stock.*' (a prefix) or '*' (everything).
  event_types text[] not null,
  description text,
  -- Signs every delivery (HMAC-SHA256). Kept readable because signing needs it; the API shows
  -- it only in the answer to the creation.
  secret text not null,
  -- Only events after this id are delivered: a new subscription does not replay history.
  from_event_id bigint not null,
  active boolean not null default true,
  created_by text,
  created_at timestamptz not null default now(),
  deleted_at timestamptz,
  primary key (tenant_id, id)
);

create table webhook_deliveries (
  tenant_id text not null,
  id text not null,
  subscription_id text not null,
  event_id bigint not null,
  event_type text not null,
  -- pending: not tried yet; failed: last try failed, retried at next_attempt_at;
  -- delivered: a 2xx answer; dead: gave up (attempts exhausted or subscription deleted).
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed', 'dead')),
  attempts int not null default 0,
  next_attempt_at timestamptz,
  last_status_code int,
  last_error text,
  response_excerpt text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, subscription_id) references webhook_subscriptions (tenant_id, id),
  foreign key (tenant_id, event_id) references events (tenant_id, id),
  -- An event is queued once per subscription, however many readers see it.
  constraint webhook_deliveries_once unique (tenant_id, subscription_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at)
  where status in ('pending', 'failed');
create index webhook_deliveries_log on webhook_deliveries (tenant_id, subscription_id, id);

create table webhook_attempts (
  tenant_id text not null,
  delivery_id text not null,
  attempt int not null,
  attempted_at timestamptz not null,
  duration_ms int not null,
  status_code int,
  error text,
  response_excerpt text,
  primary key (tenant_id, delivery_id, attempt),
  foreign key (tenant_id, delivery_id) references webhook_deliveries (tenant_id, id)
);

-- A durable reader of the outbox across every business (the webhook queue), hence no tenant_id:
-- the highest event id it read and the ids it skipped and still waits for (see events/cursor.ts).
create table event_consumers (
  name text primary key,
  high bigint not null,
  gaps jsonb not null default '{}',
  updated_at timestamptz not null default now()
);
