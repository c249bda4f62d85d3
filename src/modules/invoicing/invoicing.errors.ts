import { registerUniqueConstraint } from '../../db/errors.js';
import { defineErrors } from '../../shared/errors.js';

export const InvoicingErrors = defineErrors({
  FISCAL_PROFILE_REQUIRED: {
    status: 422,
    es: 'Primero captura los datos fiscales del negocio (RFC, nombre y régimen) en Facturación.',
    en: 'Set up the business fiscal data (RFC, name, regime) first.',
  },
  CSD_REQUIRED: {
    status: 422,
    es: 'Sube el certificado de sello digital (CSD: .cer, .key y contraseña) para poder facturar.',
    en: 'Upload the CSD (.cer, .key and password) to issue invoices.',
  },
  EXPEDITION_POSTAL_CODE_REQUIRED: {
    status: 422,
    es: 'La sucursal {locationId} no tiene código postal de expedición; captúralo en Facturación.',
    en: 'Location {locationId} has no expedition postal code.',
  },
  SERIES_REQUIRED: {
    status: 422,
    es: 'No hay una serie predeterminada para comprobantes tipo {tipo}; crea una en Facturación.',
    en: 'There is no default series for CFDI type {tipo}.',
  },
  SERIES_NOT_FOUND: {
    status: 404,
    es: 'La serie {serie} no existe.',
    en: 'Series {serie} does not exist.',
  },
  SERIES_DUPLICATE: {
    status: 409,
    es: 'Ya existe la serie {serie}.',
    en: 'Series {serie} already exists.',
  },
  INVOICE_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa factura.',
    en: 'Invoice not found.',
  },
  SALE_ALREADY_INVOICED: {
    status: 409,
    es: 'El ticket {saleId} ya está facturado (o incluido en una factura global).',
    en: 'Sale {saleId} is already invoiced (or in a global invoice).',
  },
  INVOICE_SALES_CUSTOMER_MISMATCH: {
    status: 422,
    es: 'Los tickets de una misma factura deben ser del mismo cliente.',
    en: 'Tickets in one invoice must belong to the same customer.',
  },
  INVOICE_SALE_FULLY_RETURNED: {
    status: 422,
    es: 'El ticket {ticketNumber} se devolvió completo: no queda nada que facturar.',
    en: 'Ticket {ticketNumber} was returned in full: there is nothing left to invoice.',
  },
  CUSTOMER_FISCAL_DATA_INCOMPLETE: {
    status: 422,
    es: 'Al cliente le faltan datos fiscales: {missing}.',
    en: 'The customer lacks fiscal data: {missing}.',
  },
  INVOICE_TOTAL_MISMATCH: {
    status: 500,
    es: 'No pudimos cuadrar el total de la factura con el del ticket ({expected} contra {actual}).',
    en: 'Could not match the invoice total to the ticket ({expected} vs {actual}).',
  },
  INVOICE_NOT_STAMPED: {
    status: 409,
    es: 'La factura todavía no está timbrada.',
    en: 'The invoice is not stamped yet.',
  },
  INVOICE_ALREADY_CANCELLED: {
    status: 409,
    es: 'La factura ya está cancelada o en proceso de cancelación.',
    en: 'The invoice is already cancelled or being cancelled.',
  },
  CANCEL_MOTIVO_INVALID: {
    status: 422,
    es: 'El motivo 01 (comprobante con errores con relación) requiere el UUID de la factura que la sustituye; los motivos 02, 03 y 04 no lo llevan.',
    en: 'Motive 01 requires the replacing UUID; 02, 03 and 04 must not carry one.',
  },
  GLOBAL_NOTHING_TO_INVOICE: {
    status: 422,
    es: 'No hay tickets sin facturar en ese periodo.',
    en: 'No uninvoiced tickets in that period.',
  },
  GLOBAL_PERIOD_INVALID: {
    status: 422,
    es: 'El periodo no es válido para la periodicidad {periodicidad}.',
    en: 'The period is not valid for periodicity {periodicidad}.',
  },
  RETURN_SALE_NOT_INVOICED: {
    status: 422,
    es: 'La venta de esta devolución no tiene una factura timbrada: no hace falta nota de crédito.',
    en: 'The returned sale has no stamped invoice; no credit note is needed.',
  },
  RETURN_ALREADY_NETTED: {
    status: 422,
    es: 'Esta devolución se hizo antes de facturar: la factura {invoice} ya no incluye esas piezas, así que no lleva nota de crédito.',
    en: 'This return predates invoice {invoice}, which already leaves those items out: no credit note is needed.',
  },
  CREDIT_NOTE_DUPLICATE: {
    status: 409,
    es: 'Esta devolución ya tiene nota de crédito.',
    en: 'This return already has a credit note.',
  },
  CREDIT_NOTE_NOTHING_TO_CREDIT: {
    status: 422,
    es: 'Esta devolución no tuvo reembolso ($0.00): no lleva nota de crédito.',
    en: 'This return refunded nothing ($0.00): no credit note is needed.',
  },
  PAYMENT_NOT_PPD: {
    status: 422,
    es: 'Solo se registran pagos (complemento de pago) en facturas PPD.',
    en: 'Payments are recorded on PPD invoices only.',
  },
  PAYMENT_EXCEEDS_BALANCE: {
    status: 422,
    es: 'El pago de {amount} excede el saldo pendiente de {balance}.',
    en: 'The payment of {amount} exceeds the balance of {balance}.',
  },
  SELF_INVOICE_NOT_FOUND: {
    status: 404,
    es: 'No encontramos un ticket con ese código y ese total. Revisa tu ticket.',
    en: 'No ticket with that code and total.',
  },
  SELF_INVOICE_TICKET_RETURNED: {
    status: 422,
    es: 'Este ticket se devolvió completo, así que ya no hay nada que facturar. Si no es así, pregunta en la tienda.',
    en: 'This ticket was returned in full, so there is nothing left to invoice. If that is wrong, ask at the store.',
  },
  SELF_INVOICE_EXPIRED: {
    status: 422,
    es: 'El plazo para facturar este ticket ya venció ({deadline}). Pide tu factura en la tienda.',
    en: 'The self-invoicing window for this ticket closed on {deadline}.',
  },
  SELF_INVOICE_LINK_INVALID: {
    status: 404,
    es: 'El enlace de descarga no es válido o ya venció.',
    en: 'The download link is invalid or expired.',
  },
  PAC_UNAVAILABLE: {
    status: 503,
    es: 'El PAC no respondió; la factura quedó pendiente y se timbrará en cuanto responda.',
    en: 'The PAC did not answer; the invoice stays pending and will be stamped.',
  },
});

// A ticket is in one live invoice at most (a concurrent second invoice hits the index).
registerUniqueConstraint('invoice_sales_once', InvoicingErrors.SALE_ALREADY_INVOICED);
