-- An abono taken on a customer's account pays their open credit (PPD) invoices too: each payment
-- it made on an invoice (and its CFDI de pago) names the account movement, so the abono sent
-- again answers the same complements.
alter table invoice_payments add column account_movement_id text;
create index invoice_payments_account_movement on invoice_payments (tenant_id, account_movement_id)
  where account_movement_id is not null;
