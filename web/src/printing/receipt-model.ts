import { D } from '@server/shared/money.js';
import type { BusinessInfo, PaymentMethod, Sale } from '../lib/endpoints';
import { formatDate, formatMoney, formatQuantity, formatTime } from '../lib/format';
import { t } from '../lib/i18n';
import { paymentMethodName } from '../lib/payment-methods';
import type { ReceiptSnapshot } from '../pages/terminal/ChargeDialog';

/** Everything a printed ticket says, already formatted; the screen and ESC/POS render the same. */
export interface ReceiptModel {
  businessName: string;
  legalName: string | null;
  rfc: string | null;
  regimenFiscal: string | null;
  locationName: string;
  locationAddress: string | null;
  registerName: string;
  cashier: string;
  date: string;
  time: string;
  saleId: string;
  ticketNumber: string | null;
  invoiceCode: string | null;
  invoiceUrl: string;
  customer: string | null;
  lines: { description: string; detail: string; total: string; discount: string | null }[];
  subtotal: string;
  discountTotal: string | null;
  taxes: { label: string; amount: string }[];
  total: string;
  payments: { label: string; amount: string }[];
  change: string | null;
  note: string | null;
  footer: string;
  pending: boolean;
}

/** `IVA 16%`, `IEPS cuota`, `IVA exento`: a tax line as the receipt names it. */
export function taxLabel(x: { tax: string; factor: string; rate: string | null }): string {
  if (x.factor === 'Exento') return `${x.tax} ${t('sell.exempt')}`;
  if (x.factor === 'Cuota') return `${x.tax} ${t('sell.quota')}`;
  return `${x.tax} ${new D(x.rate ?? '0').times(100).toDecimalPlaces(2).toString()}%`;
}

/** `Tarjeta débito Visa *1234 Aut. 123456`: a payment as the receipt names it. */
export function paymentLabel(p: {
  method: PaymentMethod;
  reference?: string | null;
  details?: Record<string, string>;
  cardType?: string;
  brand?: string;
  last4?: string;
}): string {
  const d = p.details ?? {};
  const cardType = d.cardType ?? p.cardType;
  const brand = d.brand ?? p.brand;
  const last4 = d.last4 ?? p.last4;
  let s = paymentMethodName(p.method);
  if (p.method === 'card') {
    if (cardType) s += ` ${t(cardType === 'credito' ? 'pay.credit' : 'pay.debit')}`;
    if (brand) s += ` ${brand}`;
    if (last4) s += ` *${last4}`;
    if (p.reference) s += ` ${t('receipt.auth')} ${p.reference}`;
  } else if (p.reference) s += ` ${p.reference}`;
  return s;
}

/**
 * The snapshot a register would have kept, rebuilt from a stored sale and who sold it where: a
 * copy of an old ticket (the back office) goes through the same model as the ticket itself.
 */
export function snapshotOfSale(
  sale: Sale,
  at: {
    cashier: string;
    registerName: string;
    locationName: string;
    customer?: { name: string; phone: string | null } | null;
  },
): ReceiptSnapshot {
  return {
    saleId: sale.id,
    createdAt: sale.createdAt,
    ...at,
    customer: at.customer ?? null,
    note: sale.note ?? '',
    lines: sale.lines.map((x) => ({
      description: x.description,
      quantity: x.quantity,
      soldByWeight: x.claveUnidad === 'KGM',
      unitPrice: x.unitPrice,
      discount: x.discount,
      total: x.total,
    })),
    subtotal: sale.subtotal,
    discountTotal: sale.discountTotal,
    taxTotal: sale.taxTotal,
    total: sale.total,
    taxes: sale.taxes.map((x) => ({ ...x, amount: x.amount ?? '0' })),
    payments: [],
    change: sale.change,
  };
}

/** The receipt from the server's sale when it has one, from the terminal's snapshot otherwise. */
export function buildReceiptModel(input: {
  snapshot: ReceiptSnapshot;
  sale: Sale | null;
  business: BusinessInfo | null;
  locationName: string;
  locationAddress: string | null;
  origin: string;
  footer?: string;
}): ReceiptModel {
  const { snapshot: s, sale } = input;
  const code = sale?.invoiceCode ?? null;
  const invoiceUrl = code
    ? `${input.origin}/facturar?codigo=${encodeURIComponent(code)}`
    : `${input.origin}/facturar?venta=${encodeURIComponent(s.saleId)}`;
  const lines = sale
    ? sale.lines.map((l, i) => ({
        description: l.description,
        detail: `${formatQuantity(l.quantity, s.lines[i]?.soldByWeight ?? false)} x ${formatMoney(l.unitPrice)}`,
        total: formatMoney(new D(l.gross).toDecimalPlaces(2, D.ROUND_HALF_UP)),
        discount: new D(l.discount).isZero()
          ? null
          : `-${formatMoney(new D(l.discount).toDecimalPlaces(2, D.ROUND_HALF_UP))}`,
      }))
    : s.lines.map((l) => ({
        description: l.description,
        detail: `${formatQuantity(l.quantity, l.soldByWeight)} x ${formatMoney(l.unitPrice)}`,
        total: formatMoney(new D(l.quantity).times(l.unitPrice).toDecimalPlaces(2, D.ROUND_HALF_UP)),
        discount: new D(l.discount).isZero()
          ? null
          : `-${formatMoney(new D(l.discount).toDecimalPlaces(2, D.ROUND_HALF_UP))}`,
      }));
  const taxes = (sale?.taxes ?? s.taxes)
    .filter((x) => x.factor !== 'Exento')
    .map((x) => ({
      label: taxLabel(x),
      amount: formatMoney(new D(x.amount ?? '0').toDecimalPlaces(2, D.ROUND_HALF_UP)),
    }));
  const payments = sale
    ? sale.payments
        .filter((p) => p.kind === 'payment')
        .map((p) => ({ label: paymentLabel(p), amount: formatMoney(p.amount) }))
    : s.payments.map((p) => ({ label: paymentLabel(p as never), amount: formatMoney(p.amount) }));
  const change = sale ? sale.change : s.change;
  const discount = sale ? sale.discountTotal : s.discountTotal;
  const at = sale?.createdAt ?? s.createdAt;
  return {
    businessName: input.business?.name ?? input.locationName,
    legalName: input.business?.legalName ?? null,
    rfc: input.business?.rfc ?? null,
    regimenFiscal: input.business?.regimenFiscal ?? null,
    locationName: input.locationName,
    locationAddress: input.locationAddress,
    registerName: s.registerName,
    cashier: s.cashier,
    date: formatDate(at),
    time: formatTime(at),
    saleId: s.saleId,
    ticketNumber: sale ? String(sale.ticketNumber) : null,
    invoiceCode: code,
    invoiceUrl,
    customer: s.customer ? s.customer.name || s.customer.phone : null,
    lines,
    subtotal: formatMoney(sale?.subtotal ?? s.subtotal),
    discountTotal: new D(discount).isZero() ? null : `-${formatMoney(discount)}`,
    taxes,
    total: formatMoney(sale?.total ?? s.total),
    payments,
    change: new D(change).isZero() ? null : formatMoney(change),
    note: (sale?.note ?? s.note) || null,
    footer: input.footer ?? input.business?.receiptFooter ?? t('receipt.thanks'),
    pending: !sale,
  };
}
