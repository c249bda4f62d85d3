-- Foundation: businesses (tenants), locations, people, sessions, tokens, idempotency,
-- the event outbox and the append-only audit log. Every table carries tenant_id and its
-- primary key starts with it, so a distributed PostgreSQL can shard by business.
create extension if not exists pg_trgm;

create table tenants (
  id text primary key,
  name text not null,
  legal_name text,
  rfc text,
  regimen_fiscal text,
  timezone text not null default 'America/Mexico_City',
  settings jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table locations (
  tenant_id text not null references tenants (id),
  id text not null,
  name text not null,
  kind text not null check (kind in ('store', 'warehouse')),
  postal_code text,
  address text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table users (
  tenant_id text not null references tenants (id),
  id text not null,
  email text not null,
  name text not null,
  role text not null check (role in ('owner', 'manager', 'cashier', 'agent', 'kitchen')),
  password_hash text not null,
  -- null: every location; otherwise the locations this user may work in.
  location_ids text[],
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
-- One login name across the installation: a person signs in without naming the business.
create unique index users_email_key on users (lower(email));

create table web_sessions (
  tenant_id text not null,
  id text not null,
  user_id text not null,
  token_hash text not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create unique index web_sessions_token_key on web_sessions (token_hash);

create table api_tokens (
  tenant_id text not null,
  id text not null,
  user_id text not null,
  name text not null,
  token_hash text not null,
  token_prefix text not null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create unique index api_tokens_token_key on api_tokens (token_hash);

-- Failed logins per e-mail, for throttling across app processes.
create table login_failures (
  email text not null,
  failed_at timestamptz not null default now()
);
create index login_failures_email on login_failures (email, failed_at);

create table idempotency_keys (
  tenant_id text not null,
  key text not null,
  method text not null,
  path text not null,
  request_hash text not null,
  status_code int,
  response jsonb,
  created_at timestamptz not null default now(),
  primary key (tenant_id, key)
);

-- The outbox: every change to money, stock or orders writes one row in the same transaction.
create table events (
  tenant_id text not null,
  id bigint generated always as identity,
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index events_id on events (id);

create table audit_log (
  tenant_id text not null,
  id bigint generated always as identity,
  user_id text,
  action text not null,
  entity_type text not null,
  entity_id text not null,
  data jsonb not null default '{}',
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create function refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'table % is append-only', tg_table_name using errcode = 'P0001', hint = 'APPEND_ONLY';
end $$;

create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function refuse_change();
