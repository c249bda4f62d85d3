import { D, type Dec, roundTo } from '../../shared/money.js';
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
const ZERO = new D(0);
const HALF_UP = D.ROUND_HALF_UP;

/** Rates parsed once: a checkout prices every line with one of a handful of them. */
const parsedRates = new Map<string, Dec>();
function rate(value: string): Dec {
  let d = parsedRates.get(value);
  if (!d) {
    d = new D(value);
    if (parsedRates.size < 1000) parsedRates.set(value, d);
  }
  return d;
}

/**
 * Taxes of one line. IVA is charged on the price plus IEPS (LIVA art. 12), so IEPS comes first.
 * With a tax-included price the base is worked back from the line total, and the total the
 * customer sees (rounded to centavos) is kept exact: base + taxes = total at 2 decimals.
 */
export function computeLine(input: LineInput): LineAmounts {
  const qty = new D(input.quantity);
  const gross = qty.times(input.unitPrice);
  const discount = input.discount === undefined ? ZERO : new D(input.discount);
  const net = gross.minus(discount);
  const ivaRate = IVA_RATES[input.iva];
  const iva = ivaRate === null ? ZERO : rate(ivaRate);
  const iepsRate = input.iepsType === 'rate' ? rate(input.iepsValue ?? '0') : ZERO;
  const iepsQuota = input.iepsType === 'quota' ? rate(input.iepsValue ?? '0').times(qty) : ZERO;

  let base: Dec;
  let total: Dec;
  if (input.priceIncludesTax) {
    total = net.toDecimalPlaces(2, HALF_UP);
    // total = (base·(1+ieps) + quota)·(1+iva)
    base = total.div(iva.plus(1)).minus(iepsQuota).div(iepsRate.plus(1));
  } else {
    base = net;
    total = ZERO; // filled below
  }
  base = base.toDecimalPlaces(SIX, HALF_UP);
  const taxes: TaxLine[] = [];
  let iepsAmount = ZERO;
  if (input.iepsType === 'rate') {
    iepsAmount = base.times(iepsRate).toDecimalPlaces(SIX, HALF_UP);
    taxes.push({
      tax: 'IEPS',
      factor: 'Tasa',
      rate: roundTo(iepsRate, SIX),
      base: base.toFixed(SIX),
      amount: iepsAmount.toFixed(SIX),
    });
  } else if (input.iepsType === 'quota') {
    iepsAmount = iepsQuota.toDecimalPlaces(SIX, HALF_UP);
    taxes.push({
      tax: 'IEPS',
      factor: 'Cuota',
      rate: roundTo(input.iepsValue ?? '0', SIX),
      base: qty.toFixed(SIX),
      amount: iepsAmount.toFixed(SIX),
    });
  }
  const ivaBase = base.plus(iepsAmount);
  let ivaAmount = ZERO;
  if (ivaRate === null) {
    taxes.push({ tax: 'IVA', factor: 'Exento', rate: null, base: ivaBase.toFixed(SIX), amount: null });
  } else {
    ivaAmount = ivaBase.times(iva).toDecimalPlaces(SIX, HALF_UP);
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
    if (!exactBase.eq(base)) base = exactBase.toDecimalPlaces(SIX, HALF_UP);
  } else {
    total = base.plus(taxTotal).toDecimalPlaces(2, HALF_UP);
    taxTotal = taxTotal.toDecimalPlaces(SIX, HALF_UP);
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
