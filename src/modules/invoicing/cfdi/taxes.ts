import { D, type Dec, roundTo, roundToCentavos } from '../../../shared/money.js';
import type {
  ConceptoInput,
  DoctoRelacionadoInput,
  EmisorInput,
  ImpuestoName,
  ReceptorInput,
  RetencionInput,
  TipoFactor,
  TrasladoInput,
} from './cfdi.types.js';

export const IMPUESTO_CODE: Record<ImpuestoName, string> = { ISR: '001', IVA: '002', IEPS: '003' };

/** SAT: line values keep up to 6 decimals; summary values are rounded to the currency (MXN: 2). */
const LINE = 6;

export interface LineTax {
  impuesto: ImpuestoName;
  tipoFactor: TipoFactor;
  /** 6 decimals, null for Exento. */
  tasaOCuota: string | null;
  base: string;
  importe: string | null;
}

export interface ConceptoAmounts {
  importe: string;
  descuento: string | null;
  traslados: LineTax[];
  retenciones: LineTax[];
}

export function rate6(value: string): string {
  return roundTo(value, LINE);
}

/** Importe = Cantidad × ValorUnitario; taxes per line at 6 decimals, IEPS before IVA. */
export function computeConcepto(c: ConceptoInput): ConceptoAmounts {
  const importe = new D(roundTo(new D(c.cantidad).times(c.valorUnitario), LINE));
  const hasDescuento = c.descuento !== undefined && !new D(c.descuento).isZero();
  const descuento = hasDescuento ? new D(c.descuento!) : new D(0);
  const net = importe.minus(descuento);
  const traslados: LineTax[] = [];
  const retenciones: LineTax[] = [];
  if (c.objetoImp === '02') {
    let ieps = new D(0);
    const ordered = [...(c.traslados ?? [])].sort((a, b) => order(a) - order(b));
    for (const t of ordered) traslados.push(lineTraslado(t, c, net, ieps, (x) => (ieps = ieps.plus(x))));
    for (const r of c.retenciones ?? []) retenciones.push(lineRetencion(r, net));
  }
  return {
    importe: importe.toFixed(LINE),
    descuento: hasDescuento ? descuento.toFixed(LINE) : null,
    traslados,
    retenciones,
  };
}

function order(t: TrasladoInput): number {
  return t.impuesto === 'IEPS' ? 0 : 1;
}

function lineTraslado(
  t: TrasladoInput,
  c: ConceptoInput,
  net: Dec,
  iepsSoFar: Dec,
  addIeps: (x: Dec) => void,
): LineTax {
  let base: Dec;
  if (t.base !== undefined) base = new D(t.base);
  else if (t.impuesto === 'IEPS' && t.tipoFactor === 'Cuota') base = new D(c.cantidad);
  else if (t.impuesto === 'IVA') base = net.plus(iepsSoFar);
  else base = net;
  base = new D(roundTo(base, LINE));
  if (t.tipoFactor === 'Exento') {
    return {
      impuesto: t.impuesto,
      tipoFactor: 'Exento',
      tasaOCuota: null,
      base: base.toFixed(LINE),
      importe: null,
    };
  }
  const tasa = rate6(t.tasaOCuota ?? '0');
  const importe = new D(roundTo(base.times(tasa), LINE));
  if (t.impuesto === 'IEPS') addIeps(importe);
  return {
    impuesto: t.impuesto,
    tipoFactor: t.tipoFactor,
    tasaOCuota: tasa,
    base: base.toFixed(LINE),
    importe: importe.toFixed(LINE),
  };
}

function lineRetencion(r: RetencionInput, net: Dec): LineTax {
  const base = new D(roundTo(r.base !== undefined ? new D(r.base) : net, LINE));
  const tasa = rate6(r.tasaOCuota);
  return {
    impuesto: r.impuesto,
    tipoFactor: r.tipoFactor,
    tasaOCuota: tasa,
    base: base.toFixed(LINE),
    importe: roundTo(base.times(tasa), LINE),
  };
}

export interface TrasladoSummary {
  impuesto: ImpuestoName;
  tipoFactor: TipoFactor;
  tasaOCuota: string | null;
  base: string;
  importe: string | null;
}
export interface RetencionSummary {
  impuesto: ImpuestoName;
  importe: string;
}
export interface ComprobanteTotals {
  subTotal: string;
  descuento: string | null;
  traslados: TrasladoSummary[];
  retenciones: RetencionSummary[];
  totalImpuestosTrasladados: string | null;
  totalImpuestosRetenidos: string | null;
  total: string;
}

/**
 * The `Impuestos` summary and the totals: traslados grouped by impuesto + TipoFactor +
 * TasaOCuota (CFDI40218), retenciones by impuesto (CFDI40208), each the rounded sum of the
 * line values (CFDI40215/40221/40211); TotalImpuestosTrasladados leaves Exento out
 * (CFDI40212/40213); Total = SubTotal − Descuento + traslados − retenciones (CFDI40119).
 */
export function summarize(lines: ConceptoAmounts[]): ComprobanteTotals {
  let importe = new D(0);
  let descuento = new D(0);
  let anyDescuento = false;
  const tras = new Map<string, { t: LineTax; base: Dec; importe: Dec }>();
  const ret = new Map<ImpuestoName, Dec>();
  for (const l of lines) {
    importe = importe.plus(l.importe);
    if (l.descuento !== null) {
      anyDescuento = true;
      descuento = descuento.plus(l.descuento);
    }
    for (const t of l.traslados) {
      const key = `${t.impuesto}|${t.tipoFactor}|${t.tasaOCuota ?? ''}`;
      const g = tras.get(key);
      if (g) {
        g.base = g.base.plus(t.base);
        if (t.importe !== null) g.importe = g.importe.plus(t.importe);
      } else tras.set(key, { t, base: new D(t.base), importe: new D(t.importe ?? '0') });
    }
    for (const r of l.retenciones)
      ret.set(r.impuesto, (ret.get(r.impuesto) ?? new D(0)).plus(r.importe ?? '0'));
  }
  const traslados: TrasladoSummary[] = [];
  let totalTras = new D(0);
  let anyTasa = false;
  for (const { t, base, importe: imp } of tras.values()) {
    if (t.tipoFactor === 'Exento') {
      traslados.push({
        impuesto: t.impuesto,
        tipoFactor: 'Exento',
        tasaOCuota: null,
        base: roundToCentavos(base),
        importe: null,
      });
    } else {
      const rounded = roundToCentavos(imp);
      anyTasa = true;
      totalTras = totalTras.plus(rounded);
      traslados.push({
        impuesto: t.impuesto,
        tipoFactor: t.tipoFactor,
        tasaOCuota: t.tasaOCuota,
        base: roundToCentavos(base),
        importe: rounded,
      });
    }
  }
  const retenciones: RetencionSummary[] = [];
  let totalRet = new D(0);
  for (const [impuesto, imp] of ret) {
    const rounded = roundToCentavos(imp);
    totalRet = totalRet.plus(rounded);
    retenciones.push({ impuesto, importe: rounded });
  }
  const subTotal = roundToCentavos(importe);
  const desc = anyDescuento ? roundToCentavos(descuento) : null;
  const total = new D(subTotal)
    .minus(desc ?? '0')
    .plus(totalTras)
    .minus(totalRet);
  return {
    subTotal,
    descuento: desc,
    traslados,
    retenciones,
    totalImpuestosTrasladados: anyTasa ? totalTras.toFixed(2) : null,
    totalImpuestosRetenidos: retenciones.length ? totalRet.toFixed(2) : null,
    total: total.toFixed(2),
  };
}

// --- retentions -------------------------------------------------------------------------

/** Persona moral RFCs have 12 characters, personas físicas 13 (generic RFCs count as física). */
export function personaOf(rfc: string): 'fisica' | 'moral' {
  return rfc.length === 12 ? 'moral' : 'fisica';
}

const GENERIC = new Set(['XAXX010101000', 'XEXX010101000']);

export interface DecideRetencionesInput {
  emisor: Pick<EmisorInput, 'rfc' | 'regimenFiscal'>;
  receptor: Pick<ReceptorInput, 'rfc' | 'regimenFiscalReceptor'>;
  /** A service (or rent) rather than the sale of goods. */
  isService: boolean;
  /** The IVA rate trasladado on the line (`0.160000`), null when exento or none. */
  ivaTasa: string | null;
}

/**
 * The retentions a persona moral must withhold from a persona física:
 * - RESICO (626) seller: ISR 1.25 % on every sale (LISR art. 113-J);
 * - services or rent from régimen 612 / 606: ISR 10 % (LISR arts. 106, 116);
 * - services or rent from any persona física: IVA two thirds of the IVA charged
 *   (LIVA art. 1-A fr. II a; RLIVA art. 3: 0.106667 for 16 %).
 * Nothing when the seller is a persona moral or the buyer is not.
 */
export function decideRetenciones(input: DecideRetencionesInput): RetencionInput[] {
  const { emisor, receptor, isService, ivaTasa } = input;
  if (GENERIC.has(receptor.rfc) || personaOf(receptor.rfc) !== 'moral') return [];
  if (personaOf(emisor.rfc) !== 'fisica') return [];
  const out: RetencionInput[] = [];
  const reg = emisor.regimenFiscal;
  if (isService && ivaTasa !== null && !new D(ivaTasa).isZero()) {
    out.push({
      impuesto: 'IVA',
      tipoFactor: 'Tasa',
      tasaOCuota: roundTo(new D(ivaTasa).times(2).div(3), LINE),
    });
  }
  if (reg === '626') out.push({ impuesto: 'ISR', tipoFactor: 'Tasa', tasaOCuota: '0.012500' });
  else if (isService && (reg === '612' || reg === '606')) {
    out.push({ impuesto: 'ISR', tipoFactor: 'Tasa', tasaOCuota: '0.100000' });
  }
  return out;
}

// --- Pagos 2.0 ------------------------------------------------------------------------

export interface DoctoTaxes {
  traslados: LineTax[];
  retenciones: LineTax[];
}

/**
 * Taxes of a payment to one document, proportional to ImpPagado / Total of the document
 * (Guía de llenado Pagos 2.0): BaseDR = base × proportion, ImporteDR = BaseDR × tasa,
 * both rounded to the document's currency decimals.
 */
export function prorateDocto(d: DoctoRelacionadoInput): DoctoTaxes {
  if (d.objetoImpDR !== '02' || !d.impuestos || !d.totalDocumento) return { traslados: [], retenciones: [] };
  const k = new D(d.impPagado).div(d.totalDocumento);
  const traslados: LineTax[] = d.impuestos.traslados.map((t) => {
    const base = roundToCentavos(new D(t.base).times(k));
    if (t.tipoFactor === 'Exento')
      return { impuesto: t.impuesto, tipoFactor: 'Exento', tasaOCuota: null, base, importe: null };
    const tasa = rate6(t.tasaOCuota ?? '0');
    return {
      impuesto: t.impuesto,
      tipoFactor: t.tipoFactor,
      tasaOCuota: tasa,
      base,
      importe: roundToCentavos(new D(base).times(tasa)),
    };
  });
  const retenciones: LineTax[] = d.impuestos.retenciones.map((r) => {
    const base = roundToCentavos(new D(r.base).times(k));
    const tasa = rate6(r.tasaOCuota);
    return {
      impuesto: r.impuesto,
      tipoFactor: r.tipoFactor,
      tasaOCuota: tasa,
      base,
      importe: roundToCentavos(new D(base).times(tasa)),
    };
  });
  return { traslados, retenciones };
}
