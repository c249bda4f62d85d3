import { D } from '@server/shared/money.js';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { CashReport } from '../lib/endpoints';
import { formatDateTime, formatDeduction, formatMoney } from '../lib/format';
import { t } from '../lib/i18n';
import { paymentMethodName } from '../lib/payment-methods';
import type { ReceiptModel } from './receipt-model';

export type PaperWidth = 58 | 80;

/** Characters per line in font A: 32 on 58 mm paper, 48 on 80 mm. */
export const COLUMNS: Record<PaperWidth, number> = { 58: 32, 80: 48 };

function pair(left: string, right: string, width: number): string {
  const room = width - right.length - 1;
  const l = left.length > room ? left.slice(0, Math.max(room, 0)) : left;
  return l + ' '.repeat(Math.max(width - l.length - right.length, 1)) + right;
}

/**
 * The receipt as ESC/POS bytes for a thermal printer (Epson-compatible code pages, so ñ and
 * accents print), with the self-invoicing QR and a cut at the end.
 */
export function encodeReceipt(r: ReceiptModel, paper: PaperWidth): Uint8Array {
  const w = COLUMNS[paper];
  const e = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns: w,
    codepageMapping: 'epson',
    feedBeforeCut: 4,
  });
  e.initialize().codepage('auto').align('center').bold(true).line(r.businessName).bold(false);
  if (r.legalName && r.legalName !== r.businessName) e.line(r.legalName);
  if (r.rfc) e.line(`RFC ${r.rfc}`);
  if (r.regimenFiscal) e.line(`${t('receipt.regimen')} ${r.regimenFiscal}`);
  e.line(r.locationName);
  if (r.locationAddress) e.line(r.locationAddress);
  e.newline();
  e.align('left');
  e.line(
    pair(
      `${r.date} ${r.time}`,
      r.ticketNumber ? `${t('receipt.ticket')} ${r.ticketNumber}` : t('receipt.pendingShort'),
      w,
    ),
  );
  e.line(pair(r.registerName, r.cashier, w));
  if (r.customer) e.line(`${t('receipt.customer')}: ${r.customer}`);
  e.rule({ style: 'single' });
  for (const l of r.lines) {
    e.line(l.description.slice(0, w));
    e.line(pair(`  ${l.detail}`, l.total, w));
    if (l.discount) e.line(pair(`  ${t('receipt.discount')}`, l.discount, w));
  }
  e.rule({ style: 'single' });
  e.line(pair(t('receipt.subtotal'), r.subtotal, w));
  if (r.discountTotal) e.line(pair(t('receipt.discount'), r.discountTotal, w));
  for (const x of r.taxes) e.line(pair(x.label, x.amount, w));
  e.bold(true)
    .size(2, 1)
    .line(pair(t('receipt.total'), r.total, Math.floor(w / 2)))
    .size(1, 1)
    .bold(false);
  e.newline();
  for (const p of r.payments) e.line(pair(p.label, p.amount, w));
  if (r.change)
    e.bold(true)
      .line(pair(t('receipt.change'), r.change, w))
      .bold(false);
  if (r.note) {
    e.newline();
    e.line(r.note.slice(0, w * 3));
  }
  e.newline();
  e.align('center');
  if (r.invoiceCode) {
    e.line(t('receipt.invoiceHere'));
    e.bold(true)
      .line(`${t('receipt.invoiceCode')}: ${r.invoiceCode}`)
      .bold(false);
  } else e.line(t('receipt.invoiceLater'));
  e.qrcode(r.invoiceUrl, { model: 2, size: paper === 58 ? 4 : 6, errorlevel: 'm' });
  e.line(r.invoiceUrl.length <= w ? r.invoiceUrl : r.invoiceUrl.replace(/^https?:\/\//, '').slice(0, w));
  e.newline();
  e.line(r.footer);
  e.cut();
  return e.encode();
}

/** A corte X or Z for the thermal printer. */
/** A corte as ESC/POS; `provisional`: made at the till without the server (it says so). */
export function encodeCashReport(r: CashReport, paper: PaperWidth, provisional = false): Uint8Array {
  const w = COLUMNS[paper];
  const e = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns: w,
    codepageMapping: 'epson',
    feedBeforeCut: 4,
  });
  e.initialize().codepage('auto').align('center').bold(true);
  e.line(r.status === 'closed' ? t('cash.corteZ') : t('cash.corteX')).bold(false);
  if (provisional) e.line(t('cash.provisionalTag'));
  e.line(t('cash.openedAt', { at: formatDateTime(r.openedAt) }));
  if (r.closedAt) e.line(t('cash.closedAt', { at: formatDateTime(r.closedAt) }));
  e.align('left').rule({ style: 'single' });
  for (const m of r.byMethod) {
    e.line(pair(paymentMethodName(m.method), formatMoney(m.expected), w));
  }
  e.rule({ style: 'single' });
  e.line(pair(t('cash.salesCount'), String(r.salesCount), w));
  e.line(pair(t('cash.salesTotal'), formatMoney(r.salesTotal), w));
  e.line(pair(t('cash.float'), formatMoney(r.openingFloat), w));
  e.line(pair(t('cash.in'), formatMoney(r.cashIn), w));
  e.line(pair(t('cash.out'), formatDeduction(r.cashOut), w));
  e.line(pair(t('cash.cashRefunds'), formatDeduction(r.cashRefunds), w));
  const collections = r.byMethod.reduce((s, m) => s.plus(m.collections ?? '0'), new D(0));
  if (!collections.isZero()) e.line(pair(t('cash.collections'), formatMoney(collections.toFixed(2)), w));
  e.bold(true)
    .line(pair(t('cash.expectedCash'), formatMoney(r.expectedCash), w))
    .bold(false);
  if (r.countedCash !== null) {
    e.line(pair(t('cash.counted'), formatMoney(r.countedCash), w));
    e.bold(true)
      .line(pair(t('cash.difference'), formatMoney(r.difference), w))
      .bold(false);
  }
  if (r.denominations?.length) {
    e.rule({ style: 'single' });
    for (const d of r.denominations)
      e.line(
        pair(
          `${d.count} x ${formatMoney(d.denomination)}`,
          formatMoney(new D(d.denomination).times(d.count)),
          w,
        ),
      );
  }
  e.newline()
    .newline()
    .align('center')
    .line('_'.repeat(Math.min(24, w)))
    .line(t('cash.signature'));
  e.cut();
  return e.encode();
}
