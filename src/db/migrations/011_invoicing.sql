-- CFDI 4.0 invoicing: the business's fiscal profile, CSDs (encrypted), series and folios,
-- invoices (I, global, E, P), the sales each one documents, stamp/cancel jobs (the PAC
-- outbox), the documents as issued (append-only) and payments on PPD invoices.
--
-- A ticket is documented once: invoice_sales has a unique (tenant, sale) among rows that
-- are not released; an invoice the PAC rejected or that was cancelled releases its tickets.

create table fiscal_profiles (
  tenant_id text not null references tenants (id),
  rfc text not null,
  -- the name exactly as registered with SAT (no "SA DE CV")
  nombre text not null,
  regimen_fiscal text not null,
  -- self-invoicing window: 'days' (self_invoice_days after the sale) or 'month' (same calendar month)
  self_invoice_mode text not null default 'days' check (self_invoice_mode in ('days', 'month')),
  self_invoice_days int not null default 30 check (self_invoice_days between 0 and 365),
  updated_at timestamptz not null,
  primary key (tenant_id)
);

create table fiscal_locations (
  tenant_id text not null,
  location_id text not null,
  -- LugarExpedicion of the invoices issued for this location
  postal_code text not null check (postal_code ~ '^[0-9]{5}$'),
  primary key (tenant_id, location_id),
  foreign key (tenant_id, location_id) references locations (tenant_id, id)
);

create table csd_certificates (
  tenant_id text not null,
  no_certificado text not null,
  rfc text not null,
  valid_from timestamptz not null,
  valid_to timestamptz not null,
  -- DER certificate, base64 (public)
  cer text not null,
  -- AES-256-GCM (v1:iv:tag:ciphertext, base64) of the .key and of its password
  key_enc text not null,
  password_enc text not null,
  active boolean not null default true,
  uploaded_by text,
  created_at timestamptz not null,
  primary key (tenant_id, no_certificado)
);
create unique index csd_one_active on csd_certificates (tenant_id) where active;

create table invoice_series (
  tenant_id text not null,
  serie text not null check (serie ~ '^[A-Za-z0-9]{1,25}$'),
  -- what the series numbers: I ingreso (also global), E egreso, P pago
  tipo text not null check (tipo in ('I', 'E', 'P')),
  next_folio bigint not null default 1 check (next_folio > 0),
  is_default boolean not null default false,
  primary key (tenant_id, serie)
);
create unique index invoice_series_default on invoice_series (tenant_id, tipo) where is_default;

create table invoices (
  tenant_id text not null,
  id text not null,
  -- ingreso (from tickets), global (público en general), egreso (credit note), pago (Pagos 2.0)
  kind text not null check (kind in ('ingreso', 'global', 'egreso', 'pago')),
  tipo_comprobante text not null check (tipo_comprobante in ('I', 'E', 'P')),
  serie text not null,
  folio bigint not null,
  -- pending: sealed, waiting for the PAC; stamped; rejected: the PAC refused it (tickets released)
  status text not null check (status in ('pending', 'stamped', 'rejected')),
  -- null, or requested (job queued), in_process (the receiver must accept), cancelled, rejected
  cancel_status text check (cancel_status in ('requested', 'in_process', 'cancelled', 'rejected')),
  cancel_motivo text,
  cancel_replacement_uuid text,
  location_id text,
  customer_id text,
  receptor_rfc text not null,
  receptor_nombre text not null,
  fecha text not null,
  subtotal numeric(14, 2) not null,
  descuento numeric(14, 2),
  total numeric(14, 2) not null,
  metodo_pago text,
  forma_pago text,
  uuid text,
  stamped_at timestamptz,
  -- the Impuestos summary and what Pagos / credit notes need (receptor, taxes per rate)
  summary jsonb not null default '{}',
  related_invoice_id text,
  tipo_relacion text,
  return_id text,
  pac_error jsonb,
  -- signs the public download links of this invoice
  access_secret text not null,
  self_invoiced boolean not null default false,
  created_by text,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, related_invoice_id) references invoices (tenant_id, id)
);
create unique index invoices_folio_key on invoices (tenant_id, serie, folio);
create unique index invoices_uuid_key on invoices (tenant_id, uuid) where uuid is not null;
create unique index invoices_return_key on invoices (tenant_id, return_id) where return_id is not null;
create index invoices_created on invoices (tenant_id, created_at);
create index invoices_customer on invoices (tenant_id, customer_id) where customer_id is not null;

create table invoice_sales (
  tenant_id text not null,
  invoice_id text not null,
  sale_id text not null,
  released_at timestamptz,
  primary key (tenant_id, invoice_id, sale_id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
  foreign key (tenant_id, sale_id) references sales (tenant_id, id)
);
-- A ticket is in at most one live invoice, individual or global.
create unique index invoice_sales_once on invoice_sales (tenant_id, sale_id) where released_at is null;

-- The PAC outbox: the route writes a job in its transaction; a worker calls the PAC outside
-- any transaction, retries with backoff and records the outcome.
create table pac_jobs (
  tenant_id text not null,
  id bigint generated always as identity,
  invoice_id text not null,
  kind text not null check (kind in ('stamp', 'cancel')),
  status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null,
  locked_until timestamptz,
  last_error jsonb,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create unique index pac_jobs_one_pending on pac_jobs (tenant_id, invoice_id, kind) where status = 'pending';
create index pac_jobs_due on pac_jobs (next_attempt_at) where status = 'pending';

-- XML and acuses exactly as issued or received; never rewritten.
create table invoice_documents (
  tenant_id text not null,
  id bigint generated always as identity,
  invoice_id text not null,
  kind text not null check (kind in ('sealed', 'stamped', 'cancel_acuse')),
  content text not null,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create unique index invoice_documents_once on invoice_documents (tenant_id, invoice_id, kind)
  where kind in ('sealed', 'stamped');
create trigger invoice_documents_append_only before update or delete on invoice_documents
  for each row execute function refuse_change();

-- Money received later against a PPD invoice; each becomes a CFDI de pago (kind 'pago').
create table invoice_payments (
  tenant_id text not null,
  id text not null,
  invoice_id text not null,
  num_parcialidad int not null,
  amount numeric(14, 2) not null check (amount > 0),
  saldo_anterior numeric(14, 2) not null,
  saldo_insoluto numeric(14, 2) not null check (saldo_insoluto >= 0),
  forma_pago text not null,
  paid_at timestamptz not null,
  pago_invoice_id text not null,
  created_by text,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
  foreign key (tenant_id, pago_invoice_id) references invoices (tenant_id, id)
);
create unique index invoice_payments_parcialidad on invoice_payments (tenant_id, invoice_id, num_parcialidad);
