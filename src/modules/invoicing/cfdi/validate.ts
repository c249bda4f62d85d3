import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { D } from '../../../shared/money.js';
import { isValidSatKey, satCatalog } from '../../../sat/catalogs.js';
import { CfdiErrors as E } from './cfdi.errors.js';
import type { CfdiInput, CfdiIssue, ConceptoInput, PagoInput } from './cfdi.types.js';
import { computeConcepto, personaOf } from './taxes.js';
import { XML_ILLEGAL_RE } from './xml.js';

export const RFC_RE = /^[A-Z&Ñ]{3,4}[0-9]{2}(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[0-9A]$/;
export const RFC_PUBLICO_GENERAL = 'XAXX010101000';
export const RFC_EXTRANJERO = 'XEXX010101000';
export const PUBLICO_EN_GENERAL = 'PUBLICO EN GENERAL';
const CP_RE = /^[0-9]{5}$/;
const FECHA_RE =
  /^(20[1-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$/;
const AMOUNT_RE = /^[0-9]{1,18}(\.[0-9]{1,6})?$/;
const UUID_RE = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;

interface TasaRow {
  tipo: string;
  minimo: string;
  valor: string;
  impuesto: string;
  factor: string;
  traslado: string;
  retencion: string;
  vigencia_hasta: string;
}
let tasaRows: TasaRow[] | undefined;
function tasas(): TasaRow[] {
  // c_TasaOCuota has no id column, so satCatalog (keyed by id) cannot hold it.
  if (!tasaRows) {
    const file = join(dirname(fileURLToPath(import.meta.url)), '../../../sat/catalogos/c_TasaOCuota.csv');
    tasaRows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as TasaRow[];
  }
  return tasaRows;
}

/** CFDI40179/40185: a fixed value of c_TasaOCuota, or inside a range, for the tax, factor and kind. */
export function isValidTasaOCuota(
  impuesto: string,
  tipoFactor: string,
  kind: 'traslado' | 'retencion',
  value: string,
  today: string,
): boolean {
  if (!/^[0-9]+(\.[0-9]{1,6})?$/.test(value)) return false;
  const v = new D(value);
  return tasas().some((r) => {
    // The catalog names the 8 % border IVA "IVA Crédito aplicado del 50%".
    if (!r.impuesto.startsWith(impuesto) || r.factor !== tipoFactor || r[kind] !== '1') return false;
    if (r.vigencia_hasta && r.vigencia_hasta < today) return false;
    return r.tipo === 'Fijo' ? v.eq(r.valor) : v.gte(r.minimo || '0') && v.lte(r.valor);
  });
}

class Issues {
  list: CfdiIssue[] = [];
  add(code: string, details: Record<string, unknown> = {}): void {
    this.list.push({ code, details });
  }
}

function checkText(
  out: Issues,
  field: string,
  value: string | undefined,
  max: number,
  required: boolean,
): void {
  if (value === undefined) {
    if (required) out.add(E.CFDI_TEXT_INVALID, { field, max });
    return;
  }
  // xs:whiteSpace collapse: the length SAT checks is the collapsed one.
  const collapsed = value.replace(/[ \t\r\n]+/g, ' ').trim();
  if (
    collapsed.length < 1 ||
    [...collapsed].length > max ||
    value.includes('|') ||
    XML_ILLEGAL_RE.test(value)
  ) {
    out.add(E.CFDI_TEXT_INVALID, { field, max });
  }
}

function checkAmount(out: Issues, field: string, value: string | undefined): boolean {
  if (value === undefined) return true;
  if (!AMOUNT_RE.test(value)) {
    out.add(E.CFDI_AMOUNT_INVALID, { field, value });
    return false;
  }
  return true;
}

/**
 * Every SAT rejection we can tell before stamping, in the order a person would fix them.
 * Returns the issues (empty when the document is acceptable) and non-blocking warnings.
 */
export function validateCfdi(input: CfdiInput): { issues: CfdiIssue[]; warnings: CfdiIssue[] } {
  const out = new Issues();
  const warnings: CfdiIssue[] = [];
  const tipo = input.tipoDeComprobante;
  const fechaOk = FECHA_RE.test(input.fecha);
  if (!fechaOk) out.add(E.CFDI_FECHA_INVALID, { value: input.fecha, sat: 'CFDI40101' });
  const today = fechaOk ? input.fecha.slice(0, 10) : new Date().toISOString().slice(0, 10);
  const key = (catalog: string, value: string) => isValidSatKey(catalog, value, today);

  checkText(out, 'Serie', input.serie, 25, false);
  checkText(out, 'Folio', input.folio, 40, false);
  checkText(out, 'CondicionesDePago', input.condicionesDePago, 1000, false);
  if (!input.lugarExpedicion) out.add(E.CFDI_POSTAL_CODE_REQUIRED, { field: 'LugarExpedicion' });
  else if (!CP_RE.test(input.lugarExpedicion)) {
    out.add(E.CFDI_POSTAL_CODE_INVALID, { field: 'LugarExpedicion', value: input.lugarExpedicion });
  }
  if (input.moneda !== undefined && input.moneda !== 'MXN')
    out.add(E.CFDI_MONEDA_UNSUPPORTED, { value: input.moneda });
  if (input.exportacion !== undefined && input.exportacion !== '01') {
    out.add(E.CFDI_EXPORTACION_UNSUPPORTED, { value: input.exportacion, sat: 'CFDI40122' });
  }

  // Emisor
  const em = input.emisor;
  if (!RFC_RE.test(em.rfc) || em.rfc === RFC_PUBLICO_GENERAL || em.rfc === RFC_EXTRANJERO) {
    out.add(E.CFDI_RFC_INVALID, { field: 'Emisor', rfc: em.rfc });
  }
  checkText(out, 'Emisor.Nombre', em.nombre, 300, true);
  const emReg = satCatalog('c_RegimenFiscal').get(em.regimenFiscal);
  if (!emReg || !key('c_RegimenFiscal', em.regimenFiscal)) {
    out.add(E.CFDI_REGIMEN_INVALID, { field: 'Emisor', value: em.regimenFiscal, sat: 'CFDI40140' });
  } else if (RFC_RE.test(em.rfc)) {
    const persona = personaOf(em.rfc);
    if ((persona === 'fisica' ? emReg.aplica_fisica : emReg.aplica_moral) !== '1') {
      out.add(E.CFDI_REGIMEN_PERSONA, {
        value: em.regimenFiscal,
        persona: personaLabel(persona),
        rfc: em.rfc,
        sat: 'CFDI40141',
      });
    }
  }

  // Receptor
  const re = input.receptor;
  const generic = re.rfc === RFC_PUBLICO_GENERAL || re.rfc === RFC_EXTRANJERO;
  if (!RFC_RE.test(re.rfc)) out.add(E.CFDI_RFC_INVALID, { field: 'Receptor', rfc: re.rfc });
  checkText(out, 'Receptor.Nombre', re.nombre, 300, true);
  if (!re.domicilioFiscalReceptor) out.add(E.CFDI_POSTAL_CODE_REQUIRED, { field: 'DomicilioFiscalReceptor' });
  else if (!CP_RE.test(re.domicilioFiscalReceptor)) {
    out.add(E.CFDI_POSTAL_CODE_INVALID, {
      field: 'DomicilioFiscalReceptor',
      value: re.domicilioFiscalReceptor,
    });
  }
  const reReg = satCatalog('c_RegimenFiscal').get(re.regimenFiscalReceptor);
  const persona = personaOf(re.rfc);
  if (!reReg || !key('c_RegimenFiscal', re.regimenFiscalReceptor)) {
    out.add(E.CFDI_REGIMEN_INVALID, { field: 'Receptor', value: re.regimenFiscalReceptor, sat: 'CFDI40157' });
  } else if (generic) {
    if (re.regimenFiscalReceptor !== '616')
      out.add(E.CFDI_GENERIC_RFC_REGIMEN, { rfc: re.rfc, sat: 'CFDI40159' });
  } else if ((persona === 'fisica' ? reReg.aplica_fisica : reReg.aplica_moral) !== '1') {
    out.add(E.CFDI_REGIMEN_PERSONA, {
      value: re.regimenFiscalReceptor,
      persona: personaLabel(persona),
      rfc: re.rfc,
      sat: 'CFDI40158',
    });
  }
  const uso = satCatalog('c_UsoCFDI').get(re.usoCfdi);
  if (!uso || !key('c_UsoCFDI', re.usoCfdi))
    out.add(E.CFDI_USO_INVALID, { value: re.usoCfdi, sat: 'CFDI40160' });
  else if (tipo === 'P' && re.usoCfdi !== 'CP01') out.add(E.CFDI_PAGO_USO, {});
  else if (generic && tipo !== 'P' && re.rfc === RFC_PUBLICO_GENERAL && re.usoCfdi !== 'S01') {
    out.add(E.CFDI_GENERIC_RFC_USO, { rfc: re.rfc, expected: 'S01' });
  } else if (reReg) {
    const regs = (uso.regimenes_fiscales_receptores ?? '').split(',').map((s) => s.trim());
    const personaOk = (persona === 'fisica' ? uso.aplica_fisica : uso.aplica_moral) === '1';
    if (!personaOk || !regs.includes(re.regimenFiscalReceptor)) {
      out.add(E.CFDI_USO_REGIMEN, {
        usoCfdi: re.usoCfdi,
        regimen: re.regimenFiscalReceptor,
        persona: personaLabel(persona),
        sat: 'CFDI40161',
      });
    }
  }
  if (generic && re.domicilioFiscalReceptor && re.domicilioFiscalReceptor !== input.lugarExpedicion) {
    out.add(E.CFDI_GENERIC_RFC_POSTAL_CODE, {
      rfc: re.rfc,
      expected: input.lugarExpedicion,
      sat: 'CFDI40149',
    });
  }
  const nombreNorm = re.nombre.trim().toUpperCase();
  if (nombreNorm === PUBLICO_EN_GENERAL && re.rfc !== RFC_PUBLICO_GENERAL) {
    out.add(E.CFDI_PUBLICO_GENERAL_RFC, { sat: 'CFDI40146' });
  }
  if (re.residenciaFiscal !== undefined) {
    if (re.rfc !== RFC_EXTRANJERO) out.add(E.CFDI_FOREIGN_RFC, { sat: 'CFDI40151' });
    else if (re.residenciaFiscal === 'MEX' || !satCatalog('c_Pais').has(re.residenciaFiscal)) {
      out.add(E.CFDI_RESIDENCIA_INVALID, { value: re.residenciaFiscal, sat: 'CFDI40150' });
    }
  }
  if (re.numRegIdTrib !== undefined) out.add(E.CFDI_NUM_REG_ID_TRIB_UNSUPPORTED, { sat: 'CFDI40155' });

  // Global invoice
  const g = input.informacionGlobal;
  const publico = re.rfc === RFC_PUBLICO_GENERAL && re.nombre === PUBLICO_EN_GENERAL;
  if (publico && !g && tipo !== 'P') out.add(E.CFDI_GLOBAL_REQUIRED, { sat: 'CFDI40130' });
  if (g) {
    if (!publico) out.add(E.CFDI_GLOBAL_RECEPTOR, {});
    if (!key('c_Periodicidad', g.periodicidad)) {
      out.add(E.CFDI_GLOBAL_PERIODICIDAD_INVALID, { value: g.periodicidad, sat: 'CFDI40131' });
    } else {
      const bimestral = g.periodicidad === '05';
      const m = Number.parseInt(g.meses, 10);
      const fits = key('c_Meses', g.meses) && (bimestral ? m >= 13 && m <= 18 : m >= 1 && m <= 12);
      if (!fits) {
        out.add(E.CFDI_GLOBAL_MESES_INVALID, {
          value: g.meses,
          periodicidad: g.periodicidad,
          sat: bimestral ? 'CFDI40135' : 'CFDI40134',
        });
      }
      if (bimestral && em.regimenFiscal !== '621')
        out.add(E.CFDI_GLOBAL_BIMESTRAL_REGIMEN, { sat: 'CFDI40132' });
    }
    const year = Number.parseInt(input.fecha.slice(0, 4), 10);
    if (!/^[0-9]{4}$/.test(g.año) || (fechaOk && Number(g.año) !== year && Number(g.año) !== year - 1)) {
      out.add(E.CFDI_GLOBAL_YEAR, { value: g.año, sat: 'CFDI40136' });
    }
  }

  // Related CFDIs
  for (const r of input.cfdiRelacionados ?? []) {
    const allowed = tipo === 'E' ? ['01', '03', '07'] : tipo === 'I' ? ['02', '04', '07'] : ['04'];
    if (!key('c_TipoRelacion', r.tipoRelacion) || !allowed.includes(r.tipoRelacion)) {
      out.add(E.CFDI_TIPO_RELACION_INVALID, { value: r.tipoRelacion, tipo, sat: 'CFDI40137' });
    }
    if (r.uuids.length === 0) out.add(E.CFDI_UUID_INVALID, { value: '' });
    for (const u of r.uuids) if (!UUID_RE.test(u)) out.add(E.CFDI_UUID_INVALID, { value: u });
  }
  if (tipo === 'E' && !(input.cfdiRelacionados ?? []).some((r) => r.uuids.length > 0)) {
    out.add(E.CFDI_RELACIONADOS_REQUIRED, {});
  }

  if (tipo === 'P') validatePago(input, out, key);
  else validateIngresoEgreso(input, out, warnings, key, today);
  return { issues: out.list, warnings };
}

function personaLabel(p: 'fisica' | 'moral'): string {
  return p === 'fisica' ? 'física' : 'moral';
}

type KeyCheck = (catalog: string, value: string) => boolean;

function validateIngresoEgreso(
  input: CfdiInput,
  out: Issues,
  warnings: CfdiIssue[],
  key: KeyCheck,
  today: string,
): void {
  const tipo = input.tipoDeComprobante;
  if (!input.metodoPago) out.add(E.CFDI_METODO_PAGO_REQUIRED, {});
  else if (!key('c_MetodoPago', input.metodoPago))
    out.add(E.CFDI_METODO_PAGO_INVALID, { value: input.metodoPago, sat: 'CFDI40124' });
  if (!input.formaPago) out.add(E.CFDI_FORMA_PAGO_REQUIRED, {});
  else if (!key('c_FormaPago', input.formaPago))
    out.add(E.CFDI_FORMA_PAGO_INVALID, { value: input.formaPago, sat: 'CFDI40104' });
  else if (input.metodoPago === 'PPD' && input.formaPago !== '99')
    out.add(E.CFDI_PPD_REQUIRES_99, { sat: 'CFDI40105' });
  else if (input.metodoPago === 'PUE' && input.formaPago === '99') out.add(E.CFDI_PUE_FORMA_POR_DEFINIR, {});
  if (tipo === 'E' && input.metodoPago === 'PPD') out.add(E.CFDI_EGRESO_PUE, {});
  if (input.pagos?.length) out.add(E.CFDI_PAGOS_REQUIRED, {});

  const conceptos = input.conceptos ?? [];
  if (conceptos.length === 0) out.add(E.CFDI_CONCEPTOS_REQUIRED, {});
  const global = input.informacionGlobal !== undefined;
  let total = new D(0);
  conceptos.forEach((c, i) => {
    const ok = validateConcepto(c, i + 1, out, warnings, key, today);
    if (global && (c.claveProdServ !== '01010101' || c.claveUnidad !== 'ACT' || !c.noIdentificacion)) {
      out.add(E.CFDI_GLOBAL_CONCEPTO, { index: i + 1 });
    }
    if (ok) {
      const a = computeConcepto(c);
      total = total.plus(a.importe).minus(a.descuento ?? '0');
      for (const t of a.traslados) total = total.plus(t.importe ?? '0');
      for (const r of a.retenciones) total = total.minus(r.importe ?? '0');
    }
  });
  if (total.isNegative()) out.add(E.CFDI_TOTAL_NEGATIVE, { sat: 'CFDI40119' });
}

function validateConcepto(
  c: ConceptoInput,
  index: number,
  out: Issues,
  warnings: CfdiIssue[],
  key: KeyCheck,
  today: string,
): boolean {
  const before = out.list.length;
  if (!/^[0-9]{8}$/.test(c.claveProdServ)) {
    out.add(E.CFDI_CLAVE_PROD_SERV_INVALID, { value: c.claveProdServ, index, sat: 'CFDI40162' });
  } else if (!key('c_ClaveProdServ', c.claveProdServ)) {
    // Our catalog copy is from December 2022; SAT added keys since (README): warn only.
    warnings.push({ code: E.CFDI_CLAVE_PROD_SERV_INVALID, details: { value: c.claveProdServ, index } });
  }
  if (!key('c_ClaveUnidad', c.claveUnidad))
    out.add(E.CFDI_CLAVE_UNIDAD_INVALID, { value: c.claveUnidad, index, sat: 'CFDI40165' });
  checkText(out, `Concepto ${index} NoIdentificacion`, c.noIdentificacion, 100, false);
  checkText(out, `Concepto ${index} Unidad`, c.unidad, 20, false);
  checkText(out, `Concepto ${index} Descripcion`, c.descripcion, 1000, true);
  if (!AMOUNT_RE.test(c.cantidad) || new D(c.cantidad).lte(0))
    out.add(E.CFDI_CANTIDAD_INVALID, { value: c.cantidad, index });
  const vuOk = checkAmount(out, `Concepto ${index} ValorUnitario`, c.valorUnitario);
  checkAmount(out, `Concepto ${index} Descuento`, c.descuento);
  if (vuOk && new D(c.valorUnitario).lte(0)) out.add(E.CFDI_VALOR_UNITARIO_ZERO, { index, sat: 'CFDI40166' });
  if (!['01', '02', '03'].includes(c.objetoImp))
    out.add(E.CFDI_OBJETO_IMP_INVALID, { value: c.objetoImp, index, sat: 'CFDI40170' });
  const taxes = (c.traslados?.length ?? 0) + (c.retenciones?.length ?? 0);
  if (c.objetoImp === '02' && taxes === 0)
    out.add(E.CFDI_OBJETO_IMP_REQUIRES_TAXES, { index, sat: 'CFDI40171' });
  if ((c.objetoImp === '01' || c.objetoImp === '03') && taxes > 0) {
    out.add(E.CFDI_OBJETO_IMP_FORBIDS_TAXES, { index, value: c.objetoImp, sat: 'CFDI40172' });
  }
  for (const t of c.traslados ?? []) {
    checkAmount(out, `Concepto ${index} Base`, t.base);
    if (t.tipoFactor === 'Exento') {
      if (t.tasaOCuota !== undefined)
        out.add(E.CFDI_TAX_EXENTO_WITH_RATE, { impuesto: t.impuesto, index, sat: 'CFDI40177' });
    } else if (t.tasaOCuota === undefined) {
      out.add(E.CFDI_TAX_RATE_REQUIRED, {
        impuesto: t.impuesto,
        tipoFactor: t.tipoFactor,
        index,
        sat: 'CFDI40178',
      });
    } else if (!isValidTasaOCuota(t.impuesto, t.tipoFactor, 'traslado', t.tasaOCuota, today)) {
      out.add(E.CFDI_TAX_RATE_INVALID, {
        impuesto: t.impuesto,
        tipoFactor: t.tipoFactor,
        tasaOCuota: t.tasaOCuota,
        kind: 'traslado',
        index,
        sat: 'CFDI40179',
      });
    }
  }
  for (const r of c.retenciones ?? []) {
    checkAmount(out, `Concepto ${index} Base`, r.base);
    if ((r.tipoFactor as string) === 'Exento') out.add(E.CFDI_RETENCION_EXENTO, { index, sat: 'CFDI40184' });
    else if (!isValidTasaOCuota(r.impuesto, r.tipoFactor, 'retencion', r.tasaOCuota, today)) {
      out.add(E.CFDI_TAX_RATE_INVALID, {
        impuesto: r.impuesto,
        tipoFactor: r.tipoFactor,
        tasaOCuota: r.tasaOCuota,
        kind: 'retención',
        index,
        sat: 'CFDI40185',
      });
    }
  }
  for (const [list, kind] of [
    [c.traslados ?? [], 'traslado'],
    [c.retenciones ?? [], 'retención'],
  ] as const) {
    const seen = new Set<string>();
    for (const t of list) {
      if (seen.has(t.impuesto)) out.add(E.CFDI_TAX_DUPLICATE, { index, impuesto: t.impuesto, kind });
      seen.add(t.impuesto);
    }
  }
  if (out.list.length > before) return false;
  const a = computeConcepto(c);
  if (a.descuento !== null && new D(a.descuento).gt(a.importe)) {
    out.add(E.CFDI_DESCUENTO_EXCEEDS_IMPORTE, {
      index,
      descuento: c.descuento,
      importe: a.importe,
      sat: 'CFDI40169',
    });
    return false;
  }
  for (const t of [...a.traslados, ...a.retenciones]) {
    if (new D(t.base).lte(0)) {
      out.add(E.CFDI_TAX_BASE_ZERO, { index, impuesto: t.impuesto, sat: 'CFDI40174' });
      return false;
    }
  }
  return true;
}

function validatePago(input: CfdiInput, out: Issues, key: KeyCheck): void {
  if (input.formaPago !== undefined || input.metodoPago !== undefined) {
    out.add(E.CFDI_PAGO_FORMA_METODO, { sat: input.formaPago !== undefined ? 'CFDI40103' : 'CFDI40125' });
  }
  if (input.conceptos?.length) out.add(E.CFDI_CONCEPTOS_FORBIDDEN, {});
  const pagos: PagoInput[] = input.pagos ?? [];
  if (pagos.length === 0 || pagos.some((p) => p.doctos.length === 0)) out.add(E.CFDI_PAGOS_REQUIRED, {});
  pagos.forEach((p, i) => {
    const index = i + 1;
    if (!FECHA_RE.test(p.fechaPago)) out.add(E.CFDI_FECHA_INVALID, { value: p.fechaPago });
    if (p.formaDePagoP === '99' || !key('c_FormaPago', p.formaDePagoP)) {
      out.add(E.CFDI_PAGO_FORMA_INVALID, { index, value: p.formaDePagoP });
    }
    checkText(out, `Pago ${index} NumOperacion`, p.numOperacion, 100, false);
    const montoOk = checkAmount(out, `Pago ${index} Monto`, p.monto);
    let pagado = new D(0);
    for (const d of p.doctos) {
      if (!UUID_RE.test(d.idDocumento)) out.add(E.CFDI_UUID_INVALID, { value: d.idDocumento });
      checkText(out, 'DoctoRelacionado Serie', d.serie, 25, false);
      checkText(out, 'DoctoRelacionado Folio', d.folio, 40, false);
      if (!Number.isInteger(d.numParcialidad) || d.numParcialidad < 1 || d.numParcialidad > 999) {
        out.add(E.CFDI_PAGO_PARCIALIDAD, { idDocumento: d.idDocumento });
      }
      const a = checkAmount(out, 'ImpSaldoAnt', d.impSaldoAnt);
      const b = checkAmount(out, 'ImpPagado', d.impPagado);
      if (a && b) {
        if (new D(d.impPagado).lte(0) || new D(d.impPagado).gt(d.impSaldoAnt)) {
          out.add(E.CFDI_PAGO_SALDO, {
            idDocumento: d.idDocumento,
            impPagado: d.impPagado,
            impSaldoAnt: d.impSaldoAnt,
          });
        }
        pagado = pagado.plus(d.impPagado);
      }
      if (!['01', '02', '03'].includes(d.objetoImpDR))
        out.add(E.CFDI_OBJETO_IMP_INVALID, { value: d.objetoImpDR, index });
      if (d.objetoImpDR === '02') {
        const imp = d.impuestos;
        if (
          !d.totalDocumento ||
          !AMOUNT_RE.test(d.totalDocumento) ||
          new D(d.totalDocumento).lte(0) ||
          !imp ||
          imp.traslados.length + imp.retenciones.length === 0
        ) {
          out.add(E.CFDI_PAGO_DOCUMENTO_IMPUESTOS, { idDocumento: d.idDocumento });
        }
      }
    }
    if (montoOk && new D(p.monto).lt(pagado))
      out.add(E.CFDI_PAGO_MONTO, { index, monto: p.monto, pagado: pagado.toFixed(2) });
  });
}
