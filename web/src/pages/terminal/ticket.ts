import { computeLine, type LineAmounts } from '@server/modules/catalog/tax.js';
import { allocate, D, roundToCentavos, sum } from '@server/shared/money.js';
import { counterPrice, type SellableSku, skuLabel } from '../../lib/catalog-types';

/** One line of the ticket being rung up. Money and quantities stay decimal strings. */
export interface TicketLine {
  key: string;
  skuId: string;
  skuVersion: number;
  description: string;
  barcode: string | null;
  unitName: string;
  unitPrice: string;
  priceIncludesTax: boolean;
  iva: SellableSku['iva'];
  ieps: SellableSku['ieps'];
  soldByWeight: boolean;
  quantity: string;
  /** Line discount, money in price terms (tax included when the price includes it). */
  discount: string;
  note?: string;
}

export interface TicketCustomer {
  id: string;
  name: string;
  phone: string | null;
}

export interface Ticket {
  lines: TicketLine[];
  /** Discount on the whole ticket, money. */
  ticketDiscount: string;
  note: string;
  customer: TicketCustomer | null;
  /** Set when this ticket was resumed from a parked one. */
  parkedId?: string;
}

export const emptyTicket = (): Ticket => ({ lines: [], ticketDiscount: '0.00', note: '', customer: null });

let seq = 0;
export function lineFromSku(sku: SellableSku, quantity: string, barcode: string | null): TicketLine {
  seq++;
  return {
    key: `${Date.now().toString(36)}-${seq}`,
    skuId: sku.id,
    skuVersion: sku.version,
    description: skuLabel(sku),
    barcode,
    unitName: sku.unitName,
    unitPrice: counterPrice(sku),
    priceIncludesTax: sku.priceIncludesTax,
    iva: sku.iva,
    ieps: sku.ieps,
    soldByWeight: sku.soldByWeight,
    quantity,
    discount: '0.00',
  };
}

export interface LineTotals extends LineAmounts {
  key: string;
  /** The ticket discount's share given to this line. */
  ticketDiscountShare: string;
}

export interface TaxSummary {
  tax: 'IVA' | 'IEPS';
  rate: string | null;
  factor: string;
  base: string;
  amount: string;
}

export interface TicketTotals {
  lines: LineTotals[];
  /** Before any discount, what the lines cost at their prices. */
  gross: string;
  discountTotal: string;
  subtotal: string;
  taxTotal: string;
  total: string;
  taxes: TaxSummary[];
  itemCount: string;
}

/**
 * The ticket's amounts, exactly as the server prices them (src/modules/sales/pricing.ts): the
 * ticket discount is spread over the lines in proportion to each line's net (allocate, so the
 * parts sum to the discount), each line's taxes come from computeLine, the subtotal is the sum
 * of the bases rounded to centavos and the tax total is what is left to the total.
 */
export function computeTicket(ticket: Ticket): TicketTotals {
  const nets = ticket.lines.map((l) => new D(l.quantity).times(l.unitPrice).minus(l.discount || '0'));
  const ticketDiscount = new D(ticket.ticketDiscount || '0');
  const shares =
    ticketDiscount.isZero() || ticket.lines.length === 0
      ? ticket.lines.map(() => '0')
      : allocate(ticketDiscount, nets);
  const lines: LineTotals[] = ticket.lines.map((l, i) => {
    const amounts = computeLine({
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      priceIncludesTax: l.priceIncludesTax,
      iva: l.iva,
      iepsType: l.ieps?.type ?? 'none',
      iepsValue: l.ieps?.value ?? null,
      discount: new D(l.discount || '0').plus(shares[i] ?? '0').toString(),
    });
    return { ...amounts, key: l.key, ticketDiscountShare: new D(shares[i] ?? '0').toFixed(2) };
  });
  const taxMap = new Map<string, TaxSummary>();
  for (const l of lines) {
    for (const tx of l.taxes) {
      const k = `${tx.tax}|${tx.factor}|${tx.rate ?? ''}`;
      const cur = taxMap.get(k) ?? { tax: tx.tax, factor: tx.factor, rate: tx.rate, base: '0', amount: '0' };
      cur.base = new D(cur.base).plus(tx.base).toString();
      cur.amount = new D(cur.amount).plus(tx.amount ?? '0').toString();
      taxMap.set(k, cur);
    }
  }
  const total = sum(lines.map((l) => l.total));
  const subtotal = new D(roundToCentavos(sum(lines.map((l) => l.subtotal))));
  const gross = sum(ticket.lines.map((l) => new D(l.quantity).times(l.unitPrice)));
  const itemCount = sum(ticket.lines.map((l) => (l.soldByWeight ? 1 : l.quantity)));
  return {
    lines,
    gross: roundToCentavos(gross),
    discountTotal: roundToCentavos(sum(lines.map((l) => l.discount))),
    subtotal: subtotal.toFixed(2),
    taxTotal: total.minus(subtotal).toFixed(2),
    total: total.toFixed(2),
    taxes: [...taxMap.values()].map((t) => ({
      ...t,
      base: roundToCentavos(t.base),
      amount: roundToCentavos(t.amount),
    })),
    itemCount: itemCount.toString(),
  };
}

export type TicketAction =
  | { type: 'add'; sku: SellableSku; quantity: string; barcode: string | null }
  | { type: 'setQuantity'; key: string; quantity: string }
  | { type: 'setLineDiscount'; key: string; discount: string }
  | { type: 'setLineNote'; key: string; note: string }
  | { type: 'remove'; key: string }
  | { type: 'setTicketDiscount'; discount: string }
  | { type: 'setNote'; note: string }
  | { type: 'setCustomer'; customer: TicketCustomer | null }
  | { type: 'replace'; ticket: Ticket }
  | { type: 'clear' };

/** Scanning the same piece again adds one to its line; weighed goods always get a new line. */
export function ticketReducer(t: Ticket, a: TicketAction): Ticket {
  switch (a.type) {
    case 'add': {
      const last = t.lines[t.lines.length - 1];
      if (!a.sku.soldByWeight && last && last.skuId === a.sku.id && last.discount === '0.00') {
        const quantity = new D(last.quantity).plus(a.quantity).toFixed(3);
        return { ...t, lines: t.lines.map((l) => (l === last ? { ...l, quantity } : l)) };
      }
      return { ...t, lines: [...t.lines, lineFromSku(a.sku, a.quantity, a.barcode)] };
    }
    case 'setQuantity':
      return { ...t, lines: t.lines.map((l) => (l.key === a.key ? { ...l, quantity: a.quantity } : l)) };
    case 'setLineDiscount':
      return { ...t, lines: t.lines.map((l) => (l.key === a.key ? { ...l, discount: a.discount } : l)) };
    case 'setLineNote':
      return { ...t, lines: t.lines.map((l) => (l.key === a.key ? { ...l, note: a.note } : l)) };
    case 'remove':
      return { ...t, lines: t.lines.filter((l) => l.key !== a.key) };
    case 'setTicketDiscount':
      return { ...t, ticketDiscount: a.discount };
    case 'setNote':
      return { ...t, note: a.note };
    case 'setCustomer':
      return { ...t, customer: a.customer };
    case 'replace':
      return a.ticket;
    case 'clear':
      return emptyTicket();
  }
}
