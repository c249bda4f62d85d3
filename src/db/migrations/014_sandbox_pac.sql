-- The sandbox PAC's own records (src/modules/invoicing/pac/sandbox.ts): what a real PAC keeps
-- on its side, so a restart forgets neither a stamp (a re-sent document gets its first UUID
-- back, 307) nor a cancellation (its status and acuse). Not tenant data: the PAC knows
-- documents by UUID and issuer RFC, as SAT does; no route reads these tables.

create table sandbox_pac_stamps (
  -- sha256 (hex) of the CFDI's Sello: the same sealed document is the same stamp
  sello_hash text primary key,
  uuid text not null unique,
  rfc_emisor text not null,
  rfc_receptor text not null,
  -- the CFDI Total: SAT cancels up to $1,000 without the receiver's acceptance
  total numeric(14, 2) not null,
  fecha_timbrado text not null,
  -- the stamped CFDI as returned
  xml text not null,
  created_at timestamptz not null
);

create table sandbox_pac_cancellations (
  uuid text primary key references sandbox_pac_stamps (uuid),
  rfc_emisor text not null,
  motivo text not null check (motivo in ('01', '02', '03', '04')),
  folio_sustitucion text,
  -- SAT's answer to a status query: Estado (Vigente, Cancelado), EsCancelable, EstatusCancelacion
  estado text not null,
  es_cancelable text not null,
  estatus_cancelacion text not null,
  -- the last acuse given for this UUID and its EstatusUUID code (201, 202)
  acuse text not null,
  code text not null,
  requested_at timestamptz not null,
  updated_at timestamptz not null
);
