/**
 * Turning POS tickets into CFDI conceptos. A counter price usually includes tax; SAT wants
 * ValorUnitario before tax, Importe = Cantidad × ValorUnitario, taxes per line at 6 decimals
 * and summaries rounded to centavos. Those roundings can move the CFDI Total a centavo or
 * two away from what the customer paid, so `fitTotal` nudges the ValorUnitario of the
 * largest line (by micro-pesos, by bisection: the Total only grows with it) until the CFDI
 * Total equals the ticket's total to the centavo.
 */
import { D, type Dec, roundTo } from '../../shared/money.js';
import { type ConceptoInput, computeConcepto, summarize, type TrasladoInput } from './cfdi/index.js';
import type { Sale } from '../sales/sales.service.js';
import { AppError } from '../../shared/errors.js';
import { InvoicingErrors as E } from './invoicing.errors.js';

type SaleLine = Sale['lines'][number];
type SalePayment = Sale['payments'][number];

const MICRO = new D('0.000001');

function trasladosOf(line: Pick<SaleLine, 'taxes'>): TrasladoInput[] {
  return line.taxes.map((t) =>
    t.factor === 'Exento'
      ? { impuesto: t.tax, tipoFactor: 'Exento' as const }
      : {
          impuesto: t.tax,
          tipoFactor: t.factor,
          tasaOCuota: roundTo(t.rate ?? '0', 6),
          // IEPS by quota is charged on the quantity (litres, pieces) the sale recorded.
          ...(t.factor === 'Cuota' ? { base: roundTo(t.base, 6) } : {}),
        },
  );
}

function trimQty(q: string): string {
  const d = new D(q);
  return d.isInteger() ? d.toFixed(0) : d.toFixed();
}

/** One concepto for `quantity` of a sale line whose taxable base (after discount) is `base`. */
export function conceptoFor(
  line: SaleLine,
  opts: { quantity?: string; base?: string; discountShare?: string } = {},
): ConceptoInput {
  const qty = new D(opts.quantity ?? line.quantity);
  const base = new D(opts.base ?? line.subtotal);
  const traslados = trasladosOf(line);
  const common = {
    claveProdServ: line.claveProdServ,
    noIdentificacion: line.skuId.slice(0, 100),
    cantidad: trimQty(qty.toString()),
    claveUnidad: line.claveUnidad,
    unidad: line.unitName.slice(0, 20) || undefined,
    descripcion: line.description,
    objetoImp: traslados.length ? ('02' as const) : ('01' as const),
    traslados: traslados.length ? traslados : undefined,
  };
  const discount = new D(opts.discountShare ?? line.discount);
  if (!line.priceIncludesTax && opts.base === undefined) {
    return {
      ...common,
      valorUnitario: roundTo(line.unitPrice, 6),
      descuento: discount.gt(0) ? roundTo(discount, 6) : undefined,
    };
  }
  if (discount.gt(0)) {
    // Pre-tax discount in the same proportion as base / (gross - discount).
    const net = new D(line.gross).minus(line.discount);
    const f = net.gt(0) ? new D(line.subtotal).div(net) : new D(1);
    const target = base.plus(new D(roundTo(discount.times(f), 6)));
    const vu = target.div(qty).toDecimalPlaces(6, D.ROUND_UP);
    const importe = new D(roundTo(qty.times(vu), 6));
    return { ...common, valorUnitario: vu.toFixed(6), descuento: importe.minus(base).toFixed(6) };
  }
  return { ...common, valorUnitario: roundTo(base.div(qty), 6) };
}

/** The CFDI Total of these conceptos, as the builder will compute it. */
export function totalOf(conceptos: ConceptoInput[]): string {
  return summarize(conceptos.map(computeConcepto)).total;
}

/**
 * Adjust the ValorUnitario of the largest lines so the document Total equals `expected`.
 * Errors: INVOICE_TOTAL_MISMATCH when no micro-adjustment lands it (never seen in tests).
 */
export function fitTotal(conceptos: ConceptoInput[], expected: string): ConceptoInput[] {
  const amounts = conceptos.map(computeConcepto);
  const target = new D(expected);
  const totalWith = (i: number, c: ConceptoInput): Dec => {
    const saved = amounts[i]!;
    amounts[i] = computeConcepto(c);
    const t = new D(summarize(amounts).total);
    amounts[i] = saved;
    return t;
  };
  let current = new D(summarize(amounts).total);
  if (current.eq(target)) return conceptos;
  const order = conceptos
    .map((_, i) => ({ i, importe: new D(amounts[i]!.importe) }))
    .sort((a, b) => b.importe.comparedTo(a.importe));
  const out = [...conceptos];
  for (const { i } of order.slice(0, 5)) {
    const c = out[i]!;
    const qty = new D(c.cantidad);
    const vu0 = new D(c.valorUnitario);
    const up = target.gt(current);
    // Enough micro-steps to move the total by the difference, with a margin for taxes.
    const span = target.minus(current).abs().div(qty).div(MICRO).ceil().times(2).plus(20000);
    let lo = new D(0);
    let hi = span;
    const at = (k: Dec): ConceptoInput => {
      const vu = up ? vu0.plus(k.times(MICRO)) : vu0.minus(k.times(MICRO));
      return { ...c, valorUnitario: vu.toFixed(6) };
    };
    if (!up && vu0.minus(hi.times(MICRO)).lte(0)) hi = vu0.div(MICRO).minus(1).floor();
    // Smallest k whose total reaches the target (going up) or drops to it (going down).
    while (lo.lt(hi)) {
      const mid = lo.plus(hi).div(2).floor();
      const t = totalWith(i, at(mid));
      if (up ? t.gte(target) : t.lte(target)) hi = mid;
      else lo = mid.plus(1);
    }
    const cand = at(lo);
    const d = cand.descuento !== undefined ? new D(cand.descuento) : new D(0);
    const imp = new D(roundTo(new D(cand.cantidad).times(cand.valorUnitario), 6));
    if (d.gt(imp)) continue;
    const t = totalWith(i, cand);
    if (t.eq(target)) {
      out[i] = cand;
      return out;
    }
    // Landed past the target (two roundings stepped together): keep it and try another line.
    out[i] = cand;
    amounts[i] = computeConcepto(cand);
    current = t;
  }
  throw new AppError(E.INVOICE_TOTAL_MISMATCH, { expected, actual: current.toFixed(2) });
}

/** The conceptos of a ticket, fitted to the ticket's total. */
export function conceptosFromSales(sales: Sale[]): ConceptoInput[] {
  const conceptos = sales.flatMap((s) => s.lines.map((l) => conceptoFor(l)));
  const expected = sales.reduce((acc, s) => acc.plus(s.total), new D(0)).toFixed(2);
  return fitTotal(conceptos, expected);
}

/** c_FormaPago of one tender (payments-mx.md). */
export function formaPagoOfPayment(p: Pick<SalePayment, 'method' | 'details'>): string {
  switch (p.method) {
    case 'cash':
      return '01';
    case 'card':
      return p.details.cardType === 'debito' ? '28' : '04';
    case 'spei':
      return '03';
    case 'voucher':
      return '08';
    case 'store_credit':
      return '30';
    case 'on_account':
      return '99';
  }
}

/**
 * FormaPago and MetodoPago of tickets: the form that settled the largest amount (cash net of
 * change), PUE; anything left on account makes it PPD with 99 (SAT: PPD requires 99).
 */
export function paymentTermsOf(sales: Sale[]): { formaPago: string; metodoPago: 'PUE' | 'PPD' } {
  const byForma = new Map<string, Dec>();
  for (const s of sales) {
    for (const p of s.payments) {
      const f = formaPagoOfPayment(p);
      byForma.set(f, (byForma.get(f) ?? new D(0)).plus(p.amount));
    }
  }
  if ((byForma.get('99') ?? new D(0)).gt(0)) return { formaPago: '99', metodoPago: 'PPD' };
  let best = '01';
  let max = new D(-1);
  for (const [f, amount] of byForma) {
    if (amount.gt(max)) {
      max = amount;
      best = f;
    }
  }
  return { formaPago: best, metodoPago: 'PUE' };
}

/**
 * Global invoice conceptos: one per ticket (NoIdentificacion = ticket number), split per tax
 * group when a ticket mixes rates (one IVA per concepto is all SAT accepts), fitted to the
 * sum of the tickets' totals.
 */
export function globalConceptos(sales: Sale[]): ConceptoInput[] {
  const out: ConceptoInput[] = [];
  for (const s of sales) {
    const groups = new Map<string, { base: Dec; quota: Dec; traslados: TrasladoInput[] }>();
    for (const l of s.lines) {
      const key = l.taxes.map((t) => `${t.tax}|${t.factor}|${t.rate ?? ''}`).join(';');
      let g = groups.get(key);
      if (!g) {
        g = { base: new D(0), quota: new D(0), traslados: trasladosOf(l) };
        groups.set(key, g);
      }
      g.base = g.base.plus(l.subtotal);
      const cuota = l.taxes.find((t) => t.factor === 'Cuota');
      if (cuota) g.quota = g.quota.plus(cuota.base);
    }
    for (const g of groups.values()) {
      const traslados = g.traslados.map((t) =>
        t.tipoFactor === 'Cuota' ? { ...t, base: roundTo(g.quota, 6) } : t,
      );
      out.push({
        claveProdServ: '01010101',
        noIdentificacion: String(s.ticketNumber),
        cantidad: '1',
        claveUnidad: 'ACT',
        descripcion: 'Venta',
        valorUnitario: roundTo(g.base, 6),
        objetoImp: traslados.length ? '02' : '01',
        traslados: traslados.length ? traslados : undefined,
      });
    }
  }
  const expected = sales.reduce((acc, s) => acc.plus(s.total), new D(0)).toFixed(2);
  return fitTotal(out, expected);
}
