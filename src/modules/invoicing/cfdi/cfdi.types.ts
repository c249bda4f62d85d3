/**
 * Inputs of the CFDI 4.0 builder. Amounts and quantities are decimal strings; fiscal
 * names are SAT's. Line values are given before taxes (`valorUnitario`, `descuento`).
 */

export type TipoDeComprobante = 'I' | 'E' | 'P';
export type ImpuestoName = 'ISR' | 'IVA' | 'IEPS';
export type TipoFactor = 'Tasa' | 'Cuota' | 'Exento';
export type ObjetoImp = '01' | '02' | '03';

export interface EmisorInput {
  rfc: string;
  /** Name exactly as registered with SAT (without "SA DE CV" in CFDI 4.0). */
  nombre: string;
  regimenFiscal: string;
}

export interface ReceptorInput {
  rfc: string;
  nombre: string;
  /** Postal code of the receiver's fiscal address. */
  domicilioFiscalReceptor: string;
  regimenFiscalReceptor: string;
  usoCfdi: string;
  /** Only for XEXX010101000 (c_Pais, not MEX). */
  residenciaFiscal?: string;
  numRegIdTrib?: string;
}

export interface TrasladoInput {
  impuesto: 'IVA' | 'IEPS';
  tipoFactor: TipoFactor;
  /** `0.160000`; a quota per unit for IEPS Cuota; absent for Exento. */
  tasaOCuota?: string;
  /**
   * Defaults: IEPS Tasa and IVA on Importe − Descuento, IVA plus this line's IEPS
   * (LIVA art. 12); IEPS Cuota on the quantity.
   */
  base?: string;
}

export interface RetencionInput {
  impuesto: 'ISR' | 'IVA';
  tipoFactor: 'Tasa';
  tasaOCuota: string;
  /** Defaults to Importe − Descuento. */
  base?: string;
}

export interface ConceptoInput {
  claveProdServ: string;
  noIdentificacion?: string;
  /** Up to 6 decimals (`0.750` kg). */
  cantidad: string;
  claveUnidad: string;
  unidad?: string;
  descripcion: string;
  /** Before taxes, up to 6 decimals. */
  valorUnitario: string;
  /** Before taxes, up to 6 decimals. */
  descuento?: string;
  objetoImp: ObjetoImp;
  traslados?: TrasladoInput[];
  retenciones?: RetencionInput[];
}

export interface InformacionGlobalInput {
  /** c_Periodicidad: 01 diario, 02 semanal, 03 quincenal, 04 mensual, 05 bimestral. */
  periodicidad: string;
  /** c_Meses: 01-12, or 13-18 for bimestral. */
  meses: string;
  año: string;
}

export interface CfdiRelacionadosInput {
  /** c_TipoRelacion: 01 nota de crédito, 03 devolución, 04 sustitución, 07 anticipo, ... */
  tipoRelacion: string;
  uuids: string[];
}

/** The taxes of the paid invoice, as in its `Impuestos` summary, to prorate per payment. */
export interface DocumentoImpuestos {
  traslados: Array<{ impuesto: 'IVA' | 'IEPS'; tipoFactor: TipoFactor; tasaOCuota?: string; base: string }>;
  retenciones: Array<{
    impuesto: ImpuestoName;
    tipoFactor: 'Tasa' | 'Cuota';
    tasaOCuota: string;
    base: string;
  }>;
}

export interface DoctoRelacionadoInput {
  /** UUID of the PPD invoice being paid. */
  idDocumento: string;
  serie?: string;
  folio?: string;
  numParcialidad: number;
  impSaldoAnt: string;
  impPagado: string;
  objetoImpDR: ObjetoImp;
  /** Total of the paid invoice; with `impuestos`, required when objetoImpDR is 02. */
  totalDocumento?: string;
  impuestos?: DocumentoImpuestos;
}

export interface PagoInput {
  /** When the money was received, local time, no zone. */
  fechaPago: string;
  formaDePagoP: string;
  monto: string;
  numOperacion?: string;
  doctos: DoctoRelacionadoInput[];
}

export interface CfdiInput {
  tipoDeComprobante: TipoDeComprobante;
  serie?: string;
  folio?: string;
  /** Local time of the business, `YYYY-MM-DDThh:mm:ss`, no zone (see `fechaCfdi`). */
  fecha: string;
  /** Postal code of the place of issue. */
  lugarExpedicion: string;
  emisor: EmisorInput;
  receptor: ReceptorInput;
  /** I and E only. */
  formaPago?: string;
  metodoPago?: 'PUE' | 'PPD';
  condicionesDePago?: string;
  /** MXN only (P uses XXX by SAT's rule, set automatically). */
  moneda?: 'MXN';
  exportacion?: '01';
  informacionGlobal?: InformacionGlobalInput;
  cfdiRelacionados?: CfdiRelacionadosInput[];
  /** I and E only. */
  conceptos?: ConceptoInput[];
  /** P only. */
  pagos?: PagoInput[];
}

export interface CertificateRef {
  noCertificado: string;
  certificadoBase64: string;
}

export interface CfdiIssue {
  code: string;
  details: Record<string, unknown>;
}

export interface BuiltCfdi {
  xml: string;
  cadenaOriginal: string;
  /** Non-blocking findings, e.g. a ClaveProdServ missing from our (2022) catalog copy. */
  warnings: CfdiIssue[];
  subTotal: string;
  descuento?: string;
  total: string;
}
