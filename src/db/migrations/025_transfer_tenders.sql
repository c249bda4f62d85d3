-- More tenders at the counter and on orders (payments-mx.md): CoDi (a QR payment request the
-- buyer accepts in the banking app) and DiMo (a transfer to the business's mobile number) both
-- settle over SPEI and carry its clave de rastreo; a cheque carries its number and bank. Returns
-- may be refunded by transfer.
alter table sale_payments drop constraint sale_payments_method_check;
alter table sale_payments add constraint sale_payments_method_check check (
  method in ('cash', 'card', 'spei', 'codi', 'dimo', 'cheque', 'voucher', 'store_credit', 'on_account')
);

alter table order_payments drop constraint order_payments_method_check;
alter table order_payments add constraint order_payments_method_check check (
  method in (
    'cash', 'card', 'spei', 'codi', 'dimo', 'cheque', 'voucher', 'store_credit', 'on_account', 'online', 'other'
  )
);

-- A return paid back by a transfer to the customer's account, with the transfer's clave de
-- rastreo (a sale paid by SPEI, CoDi or DiMo is usually refunded that way).
alter table returns drop constraint returns_refund_method_check;
alter table returns add constraint returns_refund_method_check check (
  refund_method in ('cash', 'card', 'spei', 'store_credit')
);
