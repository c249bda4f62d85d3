-- Customers: one profile per person per business, keyed by phone (E.164) and/or e-mail,
-- with fiscal data for invoicing and marketing consent (current state + history).
create table customers (
  tenant_id text not null references tenants (id),
  id text not null,
  name text not null default '',
  -- E.164 (+525512345678): every Mexican form (521…, 044/045, 10 digits) is normalised before writing
  phone text,
  -- lower case
  email text,
  rfc text,
  razon_social text,
  regimen_fiscal text,
  uso_cfdi text,
  codigo_postal text,
  marketing_consent boolean not null default false,
  marketing_consent_at timestamptz,
  marketing_consent_channel text,
  notes text,
  -- set when this profile was merged into another: lookups follow it
  merged_into text,
  merged_at timestamptz,
  -- name + phone + email, lower case without accents, for prefix search
  search_text text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, merged_into) references customers (tenant_id, id),
  check (phone is null or phone ~ '^\+[1-9][0-9]{7,14}$'),
  check (email is null or email = lower(email)),
  check (codigo_postal is null or codigo_postal ~ '^[0-9]{5}$'),
  check (merged_into is null or merged_into <> id)
);
-- One live profile per phone and per e-mail; merged profiles keep theirs so old lookups still resolve.
create unique index customers_phone_key on customers (tenant_id, phone)
  where phone is not null and merged_into is null;
create unique index customers_email_key on customers (tenant_id, email)
  where email is not null and merged_into is null;
create index customers_phone on customers (tenant_id, phone);
create index customers_email on customers (tenant_id, email);
create index customers_merged_into on customers (tenant_id, merged_into) where merged_into is not null;
create index customers_search on customers (tenant_id, search_text text_pattern_ops);

-- Every consent decision, in order: what was decided, when, where (channel) and by whom.
create table customer_consents (
  tenant_id text not null,
  id bigint generated always as identity,
  customer_id text not null,
  purpose text not null default 'marketing',
  granted boolean not null,
  channel text not null check (channel in ('counter', 'whatsapp', 'online', 'phone', 'email', 'import', 'other')),
  note text,
  recorded_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index customer_consents_customer on customer_consents (tenant_id, customer_id, id);
