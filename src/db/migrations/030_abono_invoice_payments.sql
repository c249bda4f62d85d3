-- An abono taken on a customer's account pays their open credit (PPD) invoices too: each payment
-- it made on an invoice (and its CFDI de pago) names the account movement, so the abono sent
-- again answers the same complements.
alter table invoice_payments add column account_movement_id text;
create index invoice_payments_account_movement on invoice_payments (tenant_id, account_movement_id)
  where account_movement_id is not null;

-- The part of an abono meant for an invoice whose CFDI de pago could not be issued yet (no CSD in
-- force, …): it counts against the invoice's balance at once, and a worker issues the complement
-- when it can (the outbox of those complements), so the money is never taken off the account twice.
create table abono_pending_pagos (
  tenant_id text not null,
  account_movement_id text not null,
  invoice_id text not null,
  amount numeric(14, 2) not null check (amount > 0),
  forma_pago text not null,
  num_operacion text,
  last_error text not null,
  attempts int not null default 1,
  next_attempt_at timestamptz not null,
  created_by text,
  created_at timestamptz not null,
  primary key (tenant_id, account_movement_id, invoice_id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);
create index abono_pending_pagos_due on abono_pending_pagos (next_attempt_at);
create index abono_pending_pagos_invoice on abono_pending_pagos (tenant_id, invoice_id);
