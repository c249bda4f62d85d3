/**
 * Turning POS tickets into CFDI conceptos. A counter price usually includes tax; SAT wants
 * ValorUnitario before tax, Importe = Cantidad × ValorUnitario, taxes per line at 6 decimals
 * and summaries rounded to centavos. Those roundings can move the CFDI Total a centavo or
 * two away from what the customer paid, so `fitTotal` nudges the ValorUnitario of the
 * largest line (by micro-pesos, by bisection: the Total only grows with it) until the CFDI
 * Total equals the ticket's total to the centavo.
 */
import { D, type Dec, roundTo } from '../../shared/money.js';
import {
  type ConceptoInput,
  computeConcepto,
  decideRetenciones,
  type EmisorInput,
  type ReceptorInput,
  summarize,
  type TrasladoInput,
} from './cfdi/index.js';
import type { Sale } from '../sales/sales.service.js';
import { AppError } from '../../shared/errors.js';
import { InvoicingErrors as E } from './invoicing.errors.js';

export { formaPagoOfPayment, paymentTermsOf } from './payment-terms.js';

type SaleLine = Sale['lines'][number];

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

/**
 * One concepto for `quantity` of a sale line whose taxable base (after discount) is `base`.
 * Without `base`, a pre-tax price stays the ValorUnitario and `discountShare` the Descuento.
 */
export function conceptoFor(
  line: SaleLine,
  opts: { quantity?: string; base?: string; discountShare?: string } = {},
): ConceptoInput {
  const qty = new D(opts.quantity ?? line.quantity);
  const base = new D(opts.base ?? line.subtotal);
  // An IEPS quota is charged on the quantity this concepto carries, not the whole line's.
  const traslados = trasladosOf(line).map((t) =>
    t.tipoFactor === 'Cuota' && opts.quantity !== undefined ? { ...t, base: roundTo(qty, 6) } : t,
  );
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
 * What the customer pays for these conceptos: the CFDI Total plus the retentions, i.e.
 * SubTotal − Descuento + traslados. A retention lowers the CFDI Total below the ticket: the
 * customer withholds it from the seller and pays it to SAT, so the ticket matches this figure.
 */
function paidOf(amounts: ReturnType<typeof computeConcepto>[]): Dec {
  const s = summarize(amounts);
  return new D(s.total).plus(s.totalImpuestosRetenidos ?? '0');
}

/**
 * SAT's c_ClaveProdServ puts services in segments 70 to 95 (the first two digits of the key:
 * 70 farming services … 95 land and buildings); goods are in segments below 70.
 */
export function isServiceKey(claveProdServ: string): boolean {
  return Number(claveProdServ.slice(0, 2)) >= 70;
}

/**
 * The retentions each concepto carries (`decideRetenciones`: RESICO ISR 1.25 %, ISR 10 % and
 * two thirds of the IVA on services of a persona física to a persona moral), service or goods
 * from its SAT key. Nothing for a generic receptor (global invoice, XAXX/XEXX) or a persona
 * física. A concepto with a retention is objeto de impuesto (02) even without traslados.
 */
export function withRetenciones(
  conceptos: ConceptoInput[],
  emisor: Pick<EmisorInput, 'rfc' | 'regimenFiscal'>,
  receptor: Pick<ReceptorInput, 'rfc' | 'regimenFiscalReceptor'>,
): ConceptoInput[] {
  return conceptos.map((c) => {
    const iva = c.traslados?.find((t) => t.impuesto === 'IVA' && t.tipoFactor === 'Tasa');
    const retenciones = decideRetenciones({
      emisor,
      receptor,
      isService: isServiceKey(c.claveProdServ),
      ivaTasa: iva?.tasaOCuota ?? null,
    });
    return retenciones.length ? { ...c, objetoImp: '02' as const, retenciones } : c;
  });
}

/**
 * Adjust the ValorUnitario of the largest lines so what the customer pays (the document Total
 * plus its retentions, see `paidOf`; the Total itself without retentions) equals `expected`.
 * Errors: INVOICE_TOTAL_MISMATCH when no micro-adjustment lands it (never seen in tests).
 */
export function fitTotal(conceptos: ConceptoInput[], expected: string): ConceptoInput[] {
  const amounts = conceptos.map(computeConcepto);
  const target = new D(expected);
  const totalWith = (i: number, c: ConceptoInput): Dec => {
    const saved = amounts[i]!;
    amounts[i] = computeConcepto(c);
    const t = paidOf(amounts);
    amounts[i] = saved;
    return t;
  };
  let current = paidOf(amounts);
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

/** What the customer kept of a sale line after its returns. */
export interface KeptLine {
  line: SaleLine;
  /** Sold minus returned. */
  quantity: string;
  /** The taxable base of the kept quantity, 6 decimals. */
  base: string;
  /** The line's discount prorated to the kept quantity, 6 decimals, in the price's terms. */
  discount: string;
  /** What the kept quantity cost the customer: the line total minus what was refunded. */
  total: string;
  /** True when part of the line came back. */
  partial: boolean;
}

/**
 * The lines a customer kept, net of returns; fully returned lines are left out. The refund of
 * a line is `round(total × returned / sold, 2)` on the cumulative returned quantity (sales'
 * `markLinesReturned`), so the kept total here is exactly what was paid minus what was
 * refunded. Base and discount are split on the returned share, at 6 decimals, and the kept
 * part takes the remainder, so kept + returned equal the line's figures exactly.
 */
export function keptLines(sale: Sale): KeptLine[] {
  const out: KeptLine[] = [];
  for (const line of sale.lines) {
    const sold = new D(line.quantity);
    const returned = new D(line.returnedQuantity);
    const kept = sold.minus(returned);
    if (kept.lte(0)) continue;
    if (returned.isZero()) {
      out.push({
        line,
        quantity: line.quantity,
        base: roundTo(line.subtotal, 6),
        discount: roundTo(line.discount, 6),
        total: new D(line.total).toFixed(2),
        partial: false,
      });
      continue;
    }
    const share = (v: string, places: number) =>
      new D(v).minus(roundTo(new D(v).times(returned).div(sold), places)).toFixed(places);
    out.push({
      line,
      quantity: kept.toFixed(3),
      base: share(line.subtotal, 6),
      discount: share(line.discount, 6),
      total: share(line.total, 2),
      partial: true,
    });
  }
  return out;
}

/** What remains of a sale after its returns: paid minus refunded, 2 decimals. */
export function keptTotalOf(sale: Sale): string {
  return keptLines(sale)
    .reduce((acc, k) => acc.plus(k.total), new D(0))
    .toFixed(2);
}

/** The concepto of a kept line: the whole line as sold, or the kept quantity of it. */
function keptConcepto(k: KeptLine): ConceptoInput {
  if (!k.partial) return conceptoFor(k.line);
  return conceptoFor(k.line, {
    quantity: k.quantity,
    // A pre-tax price stays the ValorUnitario (Importe − Descuento is then the kept base
    // exactly); a tax-included one is worked back from the kept base.
    ...(k.line.priceIncludesTax ? { base: k.base } : {}),
    discountShare: k.discount,
  });
}

/**
 * The conceptos of tickets net of their returns (a fully returned line is not there), fitted
 * to what the customer paid minus what was refunded.
 */
export function conceptosFromSales(sales: Sale[]): ConceptoInput[] {
  const conceptos = sales.flatMap((s) => keptLines(s).map(keptConcepto));
  const expected = sales.reduce((acc, s) => acc.plus(keptTotalOf(s)), new D(0)).toFixed(2);
  return fitTotal(conceptos, expected);
}

/** A part of a sale line inside a ticket concepto: its taxable base and its quantity. */
interface TicketPart {
  line: SaleLine;
  /** Taxable base of this part, 6 decimals. */
  base: string;
  /** Pieces, litres or kg of this part: the base of an IEPS quota. */
  quantity: string;
}

/**
 * Conceptos "per ticket" as the Guía de llenado del CFDI global asks (01010101, ACT, Cantidad 1,
 * NoIdentificacion = ticket number), one per tax group when a ticket mixes rates (one IVA per
 * concepto is all SAT accepts). Not fitted: the caller fits the whole document.
 */
function ticketConceptos(ticketNumber: number, descripcion: string, parts: TicketPart[]): ConceptoInput[] {
  const groups = new Map<string, { base: Dec; quota: Dec; traslados: TrasladoInput[] }>();
  for (const p of parts) {
    const l = p.line;
    const key = l.taxes.map((t) => `${t.tax}|${t.factor}|${t.rate ?? ''}`).join(';');
    let g = groups.get(key);
    if (!g) {
      g = { base: new D(0), quota: new D(0), traslados: trasladosOf(l) };
      groups.set(key, g);
    }
    g.base = g.base.plus(p.base);
    if (l.taxes.some((t) => t.factor === 'Cuota')) g.quota = g.quota.plus(p.quantity);
  }
  return [...groups.values()].map((g) => {
    const traslados = g.traslados.map((t) =>
      t.tipoFactor === 'Cuota' ? { ...t, base: roundTo(g.quota, 6) } : t,
    );
    return {
      claveProdServ: '01010101',
      noIdentificacion: String(ticketNumber),
      cantidad: '1',
      claveUnidad: 'ACT',
      descripcion,
      valorUnitario: roundTo(g.base, 6),
      objetoImp: traslados.length ? ('02' as const) : ('01' as const),
      traslados: traslados.length ? traslados : undefined,
    };
  });
}

/**
 * Global invoice conceptos: one per ticket (NoIdentificacion = ticket number), split per tax
 * group when a ticket mixes rates, net of returns (the quota's base is the quantity kept),
 * fitted to the sum of what the tickets kept (paid minus refunded).
 */
export function globalConceptos(sales: Sale[]): ConceptoInput[] {
  const out = sales.flatMap((s) =>
    ticketConceptos(
      s.ticketNumber,
      'Venta',
      keptLines(s).map((k) => ({ line: k.line, base: k.base, quantity: k.quantity })),
    ),
  );
  const expected = sales.reduce((acc, s) => acc.plus(keptTotalOf(s)), new D(0)).toFixed(2);
  return fitTotal(out, expected);
}

/** A returned part of a sale line, as the return recorded it. */
export interface ReturnedPart {
  saleLineNo: number;
  quantity: string;
  /** What was refunded for it (2 decimals). */
  amount: string;
}

/**
 * The taxable base of a refunded amount: the pre-tax share of it, in the line's own
 * base-to-total proportion, 6 decimals. A part refunded 0.00 has none.
 */
export function refundedBase(line: SaleLine, amount: string): string {
  if (new D(line.total).isZero()) return '0.000000';
  return new D(line.subtotal).times(amount).div(line.total).toDecimalPlaces(6, D.ROUND_HALF_UP).toFixed(6);
}

/**
 * The conceptos of a credit note for a return on a ticket that went into a global invoice: the
 * global carried the ticket as "per ticket" conceptos, so the egreso undoes that ticket the
 * same way (01010101, ACT, NoIdentificacion = ticket number, one per tax group, the IEPS quota
 * on the returned quantity), fitted so the Total equals the refund.
 */
export function globalReturnConceptos(sale: Sale, parts: ReturnedPart[], refund: string): ConceptoInput[] {
  const out: TicketPart[] = [];
  for (const p of parts) {
    const line = sale.lines.find((l) => l.lineNo === p.saleLineNo);
    if (!line || new D(p.amount).isZero()) continue;
    out.push({ line, base: refundedBase(line, p.amount), quantity: p.quantity });
  }
  return fitTotal(ticketConceptos(sale.ticketNumber, 'Devolución', out), refund);
}
