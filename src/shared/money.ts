import { Decimal } from 'decimal.js';

/** Decimal math for money and quantities. `Number`, `parseFloat` and `toFixed` never touch money. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;
export type DecimalLike = string | number | Dec;

export function dec(value: DecimalLike): Dec {
  return new D(value);
}

/** Round half-up to centavos and render as a `"149.90"` string. */
export function roundToCentavos(value: DecimalLike): string {
  return new D(value).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
}

/** Round half-up to `places` decimals and render with exactly that many. */
export function roundTo(value: DecimalLike, places: number): string {
  return new D(value).toDecimalPlaces(places, D.ROUND_HALF_UP).toFixed(places);
}

/** Quantities keep three decimals (kg with grams). */
export function toQuantity(value: DecimalLike): string {
  return roundTo(value, 3);
}

/** `$1,299.00` (thousands with commas, centavos rounded half-up); never goes through a float. */
export function formatPesos(value: DecimalLike): string {
  const d = new D(value);
  const [int = '0', frac = '00'] = d.abs().toFixed(2).split('.');
  const neg = d.isNegative() && !d.isZero();
  return `${neg ? '-' : ''}$${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

export function sum(values: DecimalLike[]): Dec {
  return values.reduce<Dec>((acc, v) => acc.plus(v), new D(0));
}

/**
 * Split `total` across `weights` proportionally, in centavos, handing the remainder out
 * largest-fraction first so the parts sum exactly to the whole.
 */
export function allocate(total: DecimalLike, weights: DecimalLike[], places = 2): string[] {
  const t = new D(total);
  const w = weights.map((x) => new D(x));
  const wSum = sum(w);
  if (w.length === 0) return [];
  if (wSum.isZero()) {
    const parts = w.map(() => new D(0));
    parts[0] = t;
    return parts.map((p) => p.toFixed(places));
  }
  const unit = new D(10).pow(-places);
  const raw = w.map((x) => t.times(x).div(wSum));
  const floored = raw.map((r) => r.toDecimalPlaces(places, D.ROUND_DOWN));
  let remainder = t.minus(sum(floored));
  const order = raw
    .map((r, i) => ({ i, frac: r.minus(floored[i]!) }))
    .sort((a, b) => b.frac.comparedTo(a.frac) || a.i - b.i);
  let k = 0;
  while (remainder.gte(unit) && order.length > 0) {
    const idx = order[k % order.length]!.i;
    floored[idx] = floored[idx]!.plus(unit);
    remainder = remainder.minus(unit);
    k++;
  }
  return floored.map((p) => p.toFixed(places));
}

/** Money in JSON: a string with at most two decimals. */
export const MONEY_RE = /^-?\d{1,12}(\.\d{1,2})?$/;
/** Quantities in JSON: a string with at most three decimals. */
export const QUANTITY_RE = /^-?\d{1,9}(\.\d{1,3})?$/;
/** Tax rates: up to six decimals (`0.160000`). */
export const RATE_RE = /^\d(\.\d{1,6})?$/;
