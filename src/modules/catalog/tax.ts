import { D, type Dec, roundTo, roundToCentavos } from '../../shared/money.js';
import type { IepsType, IvaKind } from './catalog.tables.js';

/** A tax line as SAT describes it: base, rate (or quota), amount, kept at 6 decimals. */
export interface TaxLine {
  tax: 'IVA' | 'IEPS';
  /** `Tasa` (a rate), `Cuota` (a fixed amount per unit) or `Exento` (no amount). */
  factor: 'Tasa' | 'Cuota' | 'Exento';
  /** `0.160000`, `0.080000`, `0.000000`, an IEPS rate, or a quota per unit; null when exento. */
  rate: string | null;
  base: string;
  amount: string | null;
}

export interface TaxProfile {
  iva: IvaKind;
  iepsType: IepsType;
  iepsValue: string | null;
}

export interface LineInput extends TaxProfile {
  quantity: string;
  unitPrice: string;
  priceIncludesTax: boolean;
  /** Discount on the line, in the same terms as the price (tax included when the price includes it). */
  discount?: string;
}

export interface LineAmounts {
  /** quantity × unit price before discount, in price terms, 6 decimals */
  gross: string;
  discount: string;
  /** The taxable base after discount (what SAT calls `Importe - Descuento`), 6 decimals. */
  subtotal: string;
  taxes: TaxLine[];
  taxTotal: string;
  /** What the customer pays for the line, 2 decimals. */
  total: string;
}

export const IVA_RATES: Record<IvaKind, string | null> = {
  iva16: '0.160000',
  iva8: '0.080000',
  iva0: '0.000000',
  exento: null,
};

const SIX = 6;

/**
 * Taxes of one line. IVA is charged on the price plus IEPS (LIVA art. 12), so IEPS comes first.
 * With a tax-included price the base is worked back from the line total, and the total the
 * customer sees (rounded to centavos) is kept exact: base + taxes = total at 2 decimals.
 */
export function computeLine(input: LineInput): LineAmounts {
  const qty = new D(input.quantity);
  const gross = qty.times(input.unitPrice);
  const discount = new D(input.discount ?? '0');
  const net = gross.minus(discount);
  const ivaRate = IVA_RATES[input.iva];
  const iva = new D(ivaRate ?? '0');
  const iepsRate = input.iepsType === 'rate' ? new D(input.iepsValue ?? '0') : new D(0);
  const iepsQuota = input.iepsType === 'quota' ? new D(input.iepsValue ?? '0').times(qty) : new D(0);

  let base: Dec;
  let total: Dec;
  if (input.priceIncludesTax) {
    total = new D(roundToCentavos(net));
    // total = (base·(1+ieps) + quota)·(1+iva)
    base = total.div(iva.plus(1)).minus(iepsQuota).div(iepsRate.plus(1));
  } else {
    base = net;
    total = new D(0); // filled below
  }
  base = new D(roundTo(base, SIX));
  const taxes: TaxLine[] = [];
  let iepsAmount = new D(0);
  if (input.iepsType === 'rate') {
    iepsAmount = new D(roundTo(base.times(iepsRate), SIX));
    taxes.push({
      tax: 'IEPS',
      factor: 'Tasa',
      rate: roundTo(iepsRate, SIX),
      base: base.toFixed(SIX),
      amount: iepsAmount.toFixed(SIX),
    });
  } else if (input.iepsType === 'quota') {
    iepsAmount = new D(roundTo(iepsQuota, SIX));
    taxes.push({
      tax: 'IEPS',
      factor: 'Cuota',
      rate: roundTo(input.iepsValue ?? '0', SIX),
      base: qty.toFixed(SIX),
      amount: iepsAmount.toFixed(SIX),
    });
  }
  const ivaBase = base.plus(iepsAmount);
  let ivaAmount = new D(0);
  if (ivaRate === null) {
    taxes.push({ tax: 'IVA', factor: 'Exento', rate: null, base: ivaBase.toFixed(SIX), amount: null });
  } else {
    ivaAmount = new D(roundTo(ivaBase.times(iva), SIX));
    taxes.push({
      tax: 'IVA',
      factor: 'Tasa',
      rate: ivaRate,
      base: ivaBase.toFixed(SIX),
      amount: ivaAmount.toFixed(SIX),
    });
  }
  let taxTotal = iepsAmount.plus(ivaAmount);
  if (input.priceIncludesTax) {
    // Keep the visible total: whatever rounding left goes into the base.
    const exactBase = total.minus(taxTotal);
    if (!exactBase.eq(base)) base = new D(roundTo(exactBase, SIX));
  } else {
    total = new D(roundToCentavos(base.plus(taxTotal)));
    taxTotal = new D(roundTo(taxTotal, SIX));
  }
  return {
    gross: roundTo(gross, SIX),
    discount: roundTo(discount, SIX),
    subtotal: base.toFixed(SIX),
    taxes,
    taxTotal: taxTotal.toFixed(SIX),
    total: total.toFixed(2),
  };
}
