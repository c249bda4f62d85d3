import type { ReceiptModel } from '../printing/receipt-model';
import { formatDate, formatMoney } from './format';

/**
 * A click-to-chat link (wa.me) that opens WhatsApp on the shop's phone or computer with the
 * message written, for the person to send: no WhatsApp Business API needed. `phone` is E.164
 * (+52…); wa.me wants the digits alone.
 */
export function whatsappLink(phone: string, text: string): string {
  return `https://wa.me/${phone.replace(/\D/g, '')}?text=${encodeURIComponent(text)}`;
}

/** The reminder of a debt on account, in the shop's words (es-MX: it goes to the customer). */
export function debtReminderText(input: {
  name: string;
  business: string;
  balance: string;
  since: string | null;
}): string {
  const first = input.name.trim().split(/\s+/)[0] ?? '';
  const since = input.since ? ` desde el ${formatDate(input.since)}` : '';
  return (
    `Hola${first ? ` ${first}` : ''}, le saludamos de ${input.business}. ` +
    `Le recordamos que su cuenta tiene un saldo de ${formatMoney(input.balance)}${since}. ` +
    'Puede pasar a abonar cuando guste. ¡Gracias!'
  );
}

/**
 * The digits wa.me wants for a Mexican phone as a cashier types it: 10 digits ("55 1234 5678"),
 * +52 / 52 and ten digits, WhatsApp's own 521 form or the old 044/045 prefixes; null otherwise.
 */
export function mexicanWhatsappDigits(input: string): string | null {
  let d = input.replace(/\D/g, '');
  if (/^04[45]\d{10}$/.test(d)) d = d.slice(3);
  if (/^521\d{10}$/.test(d)) d = d.slice(3);
  else if (/^52\d{10}$/.test(d)) d = d.slice(2);
  return /^[1-9]\d{9}$/.test(d) ? `52${d}` : null;
}

/**
 * A ticket as a WhatsApp message (what the printed one says, in plain text): lines, total,
 * payments, change, and the link to invoice it online.
 */
export function receiptText(r: ReceiptModel): string {
  const lines = [
    `*${r.businessName}*`,
    `${r.locationName} · ${r.date} ${r.time}`,
    r.ticketNumber ? `Ticket ${r.ticketNumber}` : `Venta ${r.saleId}`,
    '',
    ...r.lines.map((l) => `${l.detail}  ${l.description}  ${l.total}${l.discount ? ` (${l.discount})` : ''}`),
    '',
    ...(r.discountTotal ? [`Descuento: ${r.discountTotal}`] : []),
    `*Total: ${r.total}*`,
    ...r.payments.map((p) => `${p.label}: ${p.amount}`),
    ...(r.change ? [`Cambio: ${r.change}`] : []),
    '',
    r.invoiceCode
      ? `Factúrelo en línea: ${r.invoiceUrl} (código ${r.invoiceCode})`
      : `Factúrelo en línea: ${r.invoiceUrl}`,
    r.footer,
  ];
  return lines.join('\n');
}
