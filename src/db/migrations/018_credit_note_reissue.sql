-- A return has at most one live credit note. A credit note the PAC rejected, or one cancelled
-- before SAT, no longer counts: the return may get a new one (issueCreditNote checks the same).
drop index invoices_return_key;
create unique index invoices_return_key on invoices (tenant_id, return_id)
  where return_id is not null and status <> 'rejected' and cancel_status is distinct from 'cancelled';
