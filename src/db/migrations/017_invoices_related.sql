-- The documents related to an invoice (its credit notes and payment complements) are listed by
-- GET /invoicing/invoices?relatedTo=<invoiceId>: an index instead of a scan of every invoice.
create index invoices_related on invoices (tenant_id, related_invoice_id, id)
  where related_invoice_id is not null;
