import { AppError } from '../../../shared/errors.js';
import { CfdiErrors } from './cfdi.errors.js';
import { NS, type XmlElement, attr, childElements, parseXml } from './xml.js';

/**
 * The cadena original, computed in process exactly as SAT's `cadenaoriginal_4_0.xslt`
 * (with `utilerias.xslt` and `Pagos20.xslt`) does: the attributes in the order the XSLT
 * lists them, each `normalize-space`d and prefixed with `|`; required attributes always
 * (empty when missing), optional ones only when present (even when empty); the whole
 * wrapped as `|…||`. Tests compare it byte for byte with xsltproc.
 */

// XPath 1.0 normalize-space: strip and collapse #x20, #x9, #xD, #xA only (not NBSP).
function normalizeSpace(s: string): string {
  if (!/[ \t\r\n]/.test(s)) return s;
  return s.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');
}

class Out {
  parts: string[] = [];
  req(node: XmlElement, name: string): void {
    this.parts.push('|', normalizeSpace(attr(node, name) ?? ''));
  }
  opt(node: XmlElement, name: string): void {
    const v = attr(node, name);
    if (v !== undefined) this.parts.push('|', normalizeSpace(v));
  }
  reqs(node: XmlElement, names: readonly string[]): void {
    for (const n of names) this.req(node, n);
  }
}

const C = NS.cfdi;
const P = NS.pago20;

/** Namespaces of complements whose SAT templates we do not implement: refuse them. */
const UNSUPPORTED_NS = new Set([
  'http://www.sat.gob.mx/ComercioExterior11',
  'http://www.sat.gob.mx/ComercioExterior20',
  'http://www.sat.gob.mx/donat',
  'http://www.sat.gob.mx/divisas',
  'http://www.sat.gob.mx/implocal',
  'http://www.sat.gob.mx/leyendasFiscales',
  'http://www.sat.gob.mx/pfic',
  'http://www.sat.gob.mx/TuristaPasajeroExtranjero',
  'http://www.sat.gob.mx/nomina12',
  'http://www.sat.gob.mx/registrofiscal',
  'http://www.sat.gob.mx/pagoenespecie',
  'http://www.sat.gob.mx/aerolineas',
  'http://www.sat.gob.mx/valesdedespensa',
  'http://www.sat.gob.mx/notariospublicos',
  'http://www.sat.gob.mx/vehiculousado',
  'http://www.sat.gob.mx/servicioparcialconstruccion',
  'http://www.sat.gob.mx/renovacionysustitucionvehiculos',
  'http://www.sat.gob.mx/certificadodestruccion',
  'http://www.sat.gob.mx/arteantiguedades',
  'http://www.sat.gob.mx/ine',
  'http://www.sat.gob.mx/iedu',
  'http://www.sat.gob.mx/ventavehiculos',
  'http://www.sat.gob.mx/detallista',
  'http://www.sat.gob.mx/EstadoDeCuentaCombustible12',
  'http://www.sat.gob.mx/ConsumoDeCombustibles11',
  'http://www.sat.gob.mx/GastosHidrocarburos10',
  'http://www.sat.gob.mx/IngresosHidrocarburos10',
  'http://www.sat.gob.mx/CartaPorte20',
  'http://www.sat.gob.mx/CartaPorte30',
  'http://www.sat.gob.mx/CartaPorte31',
  'http://www.sat.gob.mx/hidrocarburospetroliferos',
]);

/** XSLT's built-in template: an element no template matches contributes its text. */
function builtin(node: XmlElement, out: Out): void {
  if (UNSUPPORTED_NS.has(node.ns)) {
    throw new AppError(CfdiErrors.CFDI_CADENA_UNSUPPORTED, { element: `${node.prefix}:${node.local}` });
  }
  for (const c of node.children) {
    if (typeof c === 'string') out.parts.push(c);
    else builtin(c, out);
  }
}

function descendants(node: XmlElement, ns: string, local: string, acc: XmlElement[] = []): XmlElement[] {
  for (const c of node.children) {
    if (typeof c === 'string') continue;
    if (c.ns === ns && c.local === local) acc.push(c);
    descendants(c, ns, local, acc);
  }
  return acc;
}

function comprobante(node: XmlElement, out: Out): void {
  out.req(node, 'Version');
  out.opt(node, 'Serie');
  out.opt(node, 'Folio');
  out.req(node, 'Fecha');
  out.opt(node, 'FormaPago');
  out.req(node, 'NoCertificado');
  out.opt(node, 'CondicionesDePago');
  out.req(node, 'SubTotal');
  out.opt(node, 'Descuento');
  out.req(node, 'Moneda');
  out.opt(node, 'TipoCambio');
  out.req(node, 'Total');
  out.req(node, 'TipoDeComprobante');
  out.req(node, 'Exportacion');
  out.opt(node, 'MetodoPago');
  out.req(node, 'LugarExpedicion');
  out.opt(node, 'Confirmacion');
  for (const g of childElements(node, C, 'InformacionGlobal')) out.reqs(g, ['Periodicidad', 'Meses', 'Año']);
  for (const r of childElements(node, C, 'CfdiRelacionados')) {
    out.req(r, 'TipoRelacion');
    for (const u of childElements(r, C, 'CfdiRelacionado')) out.req(u, 'UUID');
  }
  for (const e of childElements(node, C, 'Emisor')) {
    out.reqs(e, ['Rfc', 'Nombre', 'RegimenFiscal']);
    out.opt(e, 'FacAtrAdquirente');
  }
  for (const r of childElements(node, C, 'Receptor')) {
    out.reqs(r, ['Rfc', 'Nombre', 'DomicilioFiscalReceptor']);
    out.opt(r, 'ResidenciaFiscal');
    out.opt(r, 'NumRegIdTrib');
    out.reqs(r, ['RegimenFiscalReceptor', 'UsoCFDI']);
  }
  for (const cs of childElements(node, C, 'Conceptos')) {
    for (const c of childElements(cs, C, 'Concepto')) concepto(c, out);
  }
  for (const imp of childElements(node, C, 'Impuestos')) {
    for (const rs of childElements(imp, C, 'Retenciones')) {
      for (const r of childElements(rs, C, 'Retencion')) out.reqs(r, ['Impuesto', 'Importe']);
    }
    out.opt(imp, 'TotalImpuestosRetenidos');
    for (const ts of childElements(imp, C, 'Traslados')) {
      for (const t of childElements(ts, C, 'Traslado')) {
        out.reqs(t, ['Base', 'Impuesto', 'TipoFactor']);
        out.opt(t, 'TasaOCuota');
        out.opt(t, 'Importe');
      }
    }
    out.opt(imp, 'TotalImpuestosTrasladados');
  }
  for (const comp of childElements(node, C, 'Complemento')) {
    for (const child of childElements(comp)) complement(child, out);
  }
}

function concepto(c: XmlElement, out: Out): void {
  out.req(c, 'ClaveProdServ');
  out.opt(c, 'NoIdentificacion');
  out.reqs(c, ['Cantidad', 'ClaveUnidad']);
  out.opt(c, 'Unidad');
  out.reqs(c, ['Descripcion', 'ValorUnitario', 'Importe']);
  out.opt(c, 'Descuento');
  out.req(c, 'ObjetoImp');
  for (const imp of childElements(c, C, 'Impuestos')) {
    for (const ts of childElements(imp, C, 'Traslados')) {
      for (const t of childElements(ts, C, 'Traslado')) {
        out.reqs(t, ['Base', 'Impuesto', 'TipoFactor']);
        out.opt(t, 'TasaOCuota');
        out.opt(t, 'Importe');
      }
    }
  }
  for (const imp of childElements(c, C, 'Impuestos')) {
    for (const rs of childElements(imp, C, 'Retenciones')) {
      for (const r of childElements(rs, C, 'Retencion')) {
        out.reqs(r, ['Base', 'Impuesto', 'TipoFactor', 'TasaOCuota', 'Importe']);
      }
    }
  }
  for (const t of childElements(c, C, 'ACuentaTerceros')) {
    out.reqs(t, [
      'RfcACuentaTerceros',
      'NombreACuentaTerceros',
      'RegimenFiscalACuentaTerceros',
      'DomicilioFiscalACuentaTerceros',
    ]);
  }
  for (const a of childElements(c, C, 'InformacionAduanera')) out.req(a, 'NumeroPedimento');
  // <xsl:if test="./cfdi:CuentaPredial"><xsl:apply-templates select="./cfdi:CuentaPredial"/>
  for (const p of childElements(c, C, 'CuentaPredial')) out.req(p, 'Numero');
  for (const cc of childElements(c, C, 'ComplementoConcepto')) {
    for (const child of childElements(cc)) complement(child, out);
  }
  for (const parte of descendants(c, C, 'Parte')) {
    out.req(parte, 'ClaveProdServ');
    out.opt(parte, 'NoIdentificacion');
    out.req(parte, 'Cantidad');
    out.opt(parte, 'Unidad');
    out.req(parte, 'Descripcion');
    out.opt(parte, 'ValorUnitario');
    out.opt(parte, 'Importe');
    for (const a of descendants(parte, C, 'InformacionAduanera')) out.req(a, 'NumeroPedimento');
  }
}

function complement(node: XmlElement, out: Out): void {
  if (node.ns === P && node.local === 'Pagos') pagos(node, out);
  else if (node.ns === C) {
    // cfdi:* elements inside a complement would hit the cfdi templates; never valid CFDI.
    throw new AppError(CfdiErrors.CFDI_CADENA_UNSUPPORTED, { element: `${node.prefix}:${node.local}` });
  } else builtin(node, out);
}

function pagos(node: XmlElement, out: Out): void {
  out.req(node, 'Version');
  for (const t of childElements(node, P, 'Totales')) {
    for (const a of [
      'TotalRetencionesIVA',
      'TotalRetencionesISR',
      'TotalRetencionesIEPS',
      'TotalTrasladosBaseIVA16',
      'TotalTrasladosImpuestoIVA16',
      'TotalTrasladosBaseIVA8',
      'TotalTrasladosImpuestoIVA8',
      'TotalTrasladosBaseIVA0',
      'TotalTrasladosImpuestoIVA0',
      'TotalTrasladosBaseIVAExento',
    ]) {
      out.opt(t, a);
    }
    out.req(t, 'MontoTotalPagos');
  }
  for (const p of childElements(node, P, 'Pago')) {
    out.reqs(p, ['FechaPago', 'FormaDePagoP', 'MonedaP']);
    out.opt(p, 'TipoCambioP');
    out.req(p, 'Monto');
    for (const a of [
      'NumOperacion',
      'RfcEmisorCtaOrd',
      'NomBancoOrdExt',
      'CtaOrdenante',
      'RfcEmisorCtaBen',
      'CtaBeneficiario',
      'TipoCadPago',
      'CertPago',
      'CadPago',
      'SelloPago',
    ]) {
      out.opt(p, a);
    }
    for (const d of childElements(p, P, 'DoctoRelacionado')) {
      out.req(d, 'IdDocumento');
      out.opt(d, 'Serie');
      out.opt(d, 'Folio');
      out.req(d, 'MonedaDR');
      out.opt(d, 'EquivalenciaDR');
      out.reqs(d, ['NumParcialidad', 'ImpSaldoAnt', 'ImpPagado', 'ImpSaldoInsoluto', 'ObjetoImpDR']);
      for (const i of childElements(d, P, 'ImpuestosDR')) {
        for (const rs of childElements(i, P, 'RetencionesDR')) {
          for (const r of childElements(rs, P, 'RetencionDR')) {
            out.reqs(r, ['BaseDR', 'ImpuestoDR', 'TipoFactorDR', 'TasaOCuotaDR', 'ImporteDR']);
          }
        }
      }
      for (const i of childElements(d, P, 'ImpuestosDR')) {
        for (const ts of childElements(i, P, 'TrasladosDR')) {
          for (const t of childElements(ts, P, 'TrasladoDR')) {
            out.reqs(t, ['BaseDR', 'ImpuestoDR', 'TipoFactorDR']);
            out.opt(t, 'TasaOCuotaDR');
            out.opt(t, 'ImporteDR');
          }
        }
      }
    }
    for (const ip of childElements(p, P, 'ImpuestosP')) {
      for (const rs of childElements(ip, P, 'RetencionesP')) {
        for (const r of childElements(rs, P, 'RetencionP')) out.reqs(r, ['ImpuestoP', 'ImporteP']);
      }
      for (const ts of childElements(ip, P, 'TrasladosP')) {
        for (const t of childElements(ts, P, 'TrasladoP')) {
          out.reqs(t, ['BaseP', 'ImpuestoP', 'TipoFactorP']);
          out.opt(t, 'TasaOCuotaP');
          out.opt(t, 'ImporteP');
        }
      }
    }
  }
}

/** Cadena original of a CFDI 4.0 tree (the `cfdi:Comprobante` element). */
export function cadenaOriginalOf(root: XmlElement): string {
  const out = new Out();
  out.parts.push('|');
  if (root.ns === C && root.local === 'Comprobante') comprobante(root, out);
  out.parts.push('||');
  return out.parts.join('');
}

/** Cadena original of a CFDI 4.0 XML document, as SAT's XSLT computes it. */
export function cadenaOriginalFromXml(xml: string): string {
  return cadenaOriginalOf(parseXml(xml));
}

export interface TimbreFiscalDigital {
  Version: string;
  UUID: string;
  FechaTimbrado: string;
  RfcProvCertif: string;
  Leyenda?: string;
  SelloCFD: string;
  NoCertificadoSAT: string;
  SelloSAT?: string;
}

function tfdCadenaOfNode(node: XmlElement): string {
  const out = new Out();
  out.parts.push('|');
  out.reqs(node, ['Version', 'UUID', 'FechaTimbrado', 'RfcProvCertif']);
  out.opt(node, 'Leyenda');
  out.reqs(node, ['SelloCFD', 'NoCertificadoSAT']);
  out.parts.push('||');
  return out.parts.join('');
}

/** Cadena original of the Timbre Fiscal Digital 1.1 (`cadenaoriginal_TFD_1_1.xslt`), for the PDF. */
export function tfdCadenaOriginal(tfd: TimbreFiscalDigital): string {
  const attrs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(tfd)) if (typeof v === 'string') attrs.push([k, v]);
  return tfdCadenaOfNode({ ns: NS.tfd, prefix: 'tfd', local: 'TimbreFiscalDigital', attrs, children: [] });
}

/** The TFD cadena of a stamped CFDI (first `tfd:TimbreFiscalDigital`), or undefined when unstamped. */
export function tfdCadenaOriginalFromXml(xml: string): string | undefined {
  const root = parseXml(xml);
  const found = descendants(root, NS.tfd, 'TimbreFiscalDigital')[0];
  if (!found && root.ns === NS.tfd && root.local === 'TimbreFiscalDigital') return tfdCadenaOfNode(root);
  return found ? tfdCadenaOfNode(found) : undefined;
}
