import { D } from '../../../shared/money.js';
import { AppError } from '../../../shared/errors.js';
import { DEFAULT_TIMEZONE } from '../../../shared/time.js';
import { cadenaOriginalOf } from './cadena.js';
import type {
  BuiltCfdi,
  CertificateRef,
  CfdiInput,
  CfdiIssue,
  ConceptoInput,
  EmisorInput,
  InformacionGlobalInput,
  ObjetoImp,
  PagoInput,
  RetencionInput,
  TrasladoInput,
} from './cfdi.types.js';
import { IMPUESTO_CODE, type LineTax, computeConcepto, prorateDocto, summarize } from './taxes.js';
import { NS, type XmlElement, el, serializeXml, setAttr } from './xml.js';
import { PUBLICO_EN_GENERAL, RFC_PUBLICO_GENERAL, validateCfdi } from './validate.js';

const SCHEMA_CFDI = 'http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd';
const SCHEMA_PAGOS =
  'http://www.sat.gob.mx/Pagos20 http://www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd';

/** Throws the first issue as an AppError (422) carrying every issue in `details.issues`. */
export function assertValidCfdi(input: CfdiInput): CfdiIssue[] {
  const { issues, warnings } = validateCfdi(input);
  const first = issues[0];
  if (first) throw new AppError(first.code, { ...first.details, issues });
  return warnings;
}

/**
 * Build the CFDI 4.0 XML tree and its cadena original. Validates first (see validate.ts);
 * errors: every `CFDI_*` code of cfdi.errors.ts. Without `cert` the NoCertificado,
 * Certificado and Sello attributes are left out (use `sealCfdi`).
 */
export function buildCfdiTree(
  input: CfdiInput,
  cert?: CertificateRef,
): {
  root: XmlElement;
  cadenaOriginal: string;
  warnings: CfdiIssue[];
  subTotal: string;
  descuento?: string;
  total: string;
} {
  const warnings = assertValidCfdi(input);
  const tipo = input.tipoDeComprobante;
  const isPago = tipo === 'P';

  let subTotal = '0';
  let total = '0';
  let descuento: string | undefined;
  const conceptoNodes: XmlElement[] = [];
  let impuestosNode: XmlElement | undefined;
  let complemento: XmlElement | undefined;

  if (isPago) {
    conceptoNodes.push(
      el('cfdi', 'Concepto', [
        ['ClaveProdServ', '84111506'],
        ['Cantidad', '1'],
        ['ClaveUnidad', 'ACT'],
        ['Descripcion', 'Pago'],
        ['ValorUnitario', '0'],
        ['Importe', '0'],
        ['ObjetoImp', '01'],
      ]),
    );
    complemento = el('cfdi', 'Complemento', [], [buildPagos(input.pagos ?? [])]);
  } else {
    const amounts = (input.conceptos ?? []).map(computeConcepto);
    (input.conceptos ?? []).forEach((c, i) => {
      conceptoNodes.push(conceptoNode(c, amounts[i]!));
    });
    const t = summarize(amounts);
    subTotal = t.subTotal;
    total = t.total;
    descuento = t.descuento ?? undefined;
    if (t.retenciones.length || t.traslados.length) {
      const children: XmlElement[] = [];
      if (t.retenciones.length) {
        children.push(
          el(
            'cfdi',
            'Retenciones',
            [],
            t.retenciones.map((r) =>
              el('cfdi', 'Retencion', [
                ['Impuesto', IMPUESTO_CODE[r.impuesto]],
                ['Importe', r.importe],
              ]),
            ),
          ),
        );
      }
      if (t.traslados.length) {
        children.push(
          el(
            'cfdi',
            'Traslados',
            [],
            t.traslados.map((x) =>
              el('cfdi', 'Traslado', [
                ['Base', x.base],
                ['Impuesto', IMPUESTO_CODE[x.impuesto]],
                ['TipoFactor', x.tipoFactor],
                ['TasaOCuota', x.tasaOCuota ?? undefined],
                ['Importe', x.importe ?? undefined],
              ]),
            ),
          ),
        );
      }
      impuestosNode = el(
        'cfdi',
        'Impuestos',
        [
          ['TotalImpuestosRetenidos', t.totalImpuestosRetenidos ?? undefined],
          ['TotalImpuestosTrasladados', t.totalImpuestosTrasladados ?? undefined],
        ],
        children,
      );
    }
  }

  const children: XmlElement[] = [];
  const g = input.informacionGlobal;
  if (g) {
    children.push(
      el('cfdi', 'InformacionGlobal', [
        ['Periodicidad', g.periodicidad],
        ['Meses', g.meses],
        ['Año', g.año],
      ]),
    );
  }
  for (const r of input.cfdiRelacionados ?? []) {
    children.push(
      el(
        'cfdi',
        'CfdiRelacionados',
        [['TipoRelacion', r.tipoRelacion]],
        r.uuids.map((u) => el('cfdi', 'CfdiRelacionado', [['UUID', u.toUpperCase()]])),
      ),
    );
  }
  const em = input.emisor;
  children.push(
    el('cfdi', 'Emisor', [
      ['Rfc', em.rfc],
      ['Nombre', em.nombre],
      ['RegimenFiscal', em.regimenFiscal],
    ]),
  );
  const re = input.receptor;
  children.push(
    el('cfdi', 'Receptor', [
      ['Rfc', re.rfc],
      ['Nombre', re.nombre],
      ['DomicilioFiscalReceptor', re.domicilioFiscalReceptor],
      ['ResidenciaFiscal', re.residenciaFiscal],
      ['RegimenFiscalReceptor', re.regimenFiscalReceptor],
      ['UsoCFDI', re.usoCfdi],
    ]),
  );
  children.push(el('cfdi', 'Conceptos', [], conceptoNodes));
  if (impuestosNode) children.push(impuestosNode);
  if (complemento) children.push(complemento);

  const root = el(
    'cfdi',
    'Comprobante',
    [
      ['xmlns:cfdi', NS.cfdi],
      ['xmlns:xsi', NS.xsi],
      ['xmlns:pago20', isPago ? NS.pago20 : undefined],
      ['xsi:schemaLocation', isPago ? `${SCHEMA_CFDI} ${SCHEMA_PAGOS}` : SCHEMA_CFDI],
      ['Version', '4.0'],
      ['Serie', input.serie],
      ['Folio', input.folio],
      ['Fecha', input.fecha],
      ['FormaPago', isPago ? undefined : input.formaPago],
      ['NoCertificado', cert?.noCertificado],
      ['CondicionesDePago', input.condicionesDePago],
      ['SubTotal', subTotal],
      ['Descuento', descuento],
      ['Moneda', isPago ? 'XXX' : 'MXN'],
      ['Total', total],
      ['TipoDeComprobante', tipo],
      ['Exportacion', '01'],
      ['MetodoPago', isPago ? undefined : input.metodoPago],
      ['LugarExpedicion', input.lugarExpedicion],
      ['Certificado', cert?.certificadoBase64],
    ],
    children,
  );
  return { root, cadenaOriginal: cadenaOriginalOf(root), warnings, subTotal, descuento, total };
}

/** CFDI 4.0 XML (unsealed unless `cert` is given and Sello set later) and its cadena original. */
export function buildCfdi(input: CfdiInput, cert?: CertificateRef): BuiltCfdi {
  const b = buildCfdiTree(input, cert);
  return {
    xml: serializeXml(b.root),
    cadenaOriginal: b.cadenaOriginal,
    warnings: b.warnings,
    subTotal: b.subTotal,
    descuento: b.descuento,
    total: b.total,
  };
}

/** Put the seal on a built tree (Sello is not part of the cadena). */
export function setSello(root: XmlElement, sello: string): void {
  setAttr(root, 'Sello', sello);
}

function taxNode(kind: 'Traslado' | 'Retencion', t: LineTax): XmlElement {
  return el('cfdi', kind, [
    ['Base', t.base],
    ['Impuesto', IMPUESTO_CODE[t.impuesto]],
    ['TipoFactor', t.tipoFactor],
    ['TasaOCuota', t.tasaOCuota ?? undefined],
    ['Importe', t.importe ?? undefined],
  ]);
}

function conceptoNode(c: ConceptoInput, a: ReturnType<typeof computeConcepto>): XmlElement {
  const children: XmlElement[] = [];
  if (a.traslados.length || a.retenciones.length) {
    const imp: XmlElement[] = [];
    if (a.traslados.length)
      imp.push(
        el(
          'cfdi',
          'Traslados',
          [],
          a.traslados.map((t) => taxNode('Traslado', t)),
        ),
      );
    if (a.retenciones.length)
      imp.push(
        el(
          'cfdi',
          'Retenciones',
          [],
          a.retenciones.map((t) => taxNode('Retencion', t)),
        ),
      );
    children.push(el('cfdi', 'Impuestos', [], imp));
  }
  return el(
    'cfdi',
    'Concepto',
    [
      ['ClaveProdServ', c.claveProdServ],
      ['NoIdentificacion', c.noIdentificacion],
      ['Cantidad', c.cantidad],
      ['ClaveUnidad', c.claveUnidad],
      ['Unidad', c.unidad],
      ['Descripcion', c.descripcion],
      ['ValorUnitario', c.valorUnitario],
      ['Importe', a.importe],
      ['Descuento', a.descuento ?? undefined],
      ['ObjetoImp', c.objetoImp],
    ],
    children,
  );
}

// --- Pagos 2.0 ------------------------------------------------------------------------

function buildPagos(pagos: PagoInput[]): XmlElement {
  const totals = {
    retIVA: new D(0),
    retISR: new D(0),
    retIEPS: new D(0),
    any: new Set<string>(),
    base16: new D(0),
    imp16: new D(0),
    base8: new D(0),
    imp8: new D(0),
    base0: new D(0),
    imp0: new D(0),
    baseEx: new D(0),
  };
  let montoTotal = new D(0);
  const pagoNodes: XmlElement[] = [];
  for (const p of pagos) {
    montoTotal = montoTotal.plus(p.monto);
    const tras = new Map<
      string,
      { t: LineTax; base: InstanceType<typeof D>; importe: InstanceType<typeof D> }
    >();
    const ret = new Map<string, InstanceType<typeof D>>();
    const doctoNodes: XmlElement[] = [];
    for (const d of p.doctos) {
      const taxes = prorateDocto(d);
      const impChildren: XmlElement[] = [];
      if (taxes.retenciones.length) {
        impChildren.push(
          el(
            'pago20',
            'RetencionesDR',
            [],
            taxes.retenciones.map((r) =>
              el('pago20', 'RetencionDR', [
                ['BaseDR', r.base],
                ['ImpuestoDR', IMPUESTO_CODE[r.impuesto]],
                ['TipoFactorDR', r.tipoFactor],
                ['TasaOCuotaDR', r.tasaOCuota ?? undefined],
                ['ImporteDR', r.importe ?? undefined],
              ]),
            ),
          ),
        );
      }
      if (taxes.traslados.length) {
        impChildren.push(
          el(
            'pago20',
            'TrasladosDR',
            [],
            taxes.traslados.map((t) =>
              el('pago20', 'TrasladoDR', [
                ['BaseDR', t.base],
                ['ImpuestoDR', IMPUESTO_CODE[t.impuesto]],
                ['TipoFactorDR', t.tipoFactor],
                ['TasaOCuotaDR', t.tasaOCuota ?? undefined],
                ['ImporteDR', t.importe ?? undefined],
              ]),
            ),
          ),
        );
      }
      for (const t of taxes.traslados) {
        const key = `${t.impuesto}|${t.tipoFactor}|${t.tasaOCuota ?? ''}`;
        const g = tras.get(key);
        if (g) {
          g.base = g.base.plus(t.base);
          g.importe = g.importe.plus(t.importe ?? '0');
        } else tras.set(key, { t, base: new D(t.base), importe: new D(t.importe ?? '0') });
      }
      for (const r of taxes.retenciones)
        ret.set(r.impuesto, (ret.get(r.impuesto) ?? new D(0)).plus(r.importe ?? '0'));
      const saldo = new D(d.impSaldoAnt).minus(d.impPagado);
      doctoNodes.push(
        el(
          'pago20',
          'DoctoRelacionado',
          [
            ['IdDocumento', d.idDocumento.toUpperCase()],
            ['Serie', d.serie],
            ['Folio', d.folio],
            ['MonedaDR', 'MXN'],
            ['EquivalenciaDR', '1'],
            ['NumParcialidad', String(d.numParcialidad)],
            ['ImpSaldoAnt', new D(d.impSaldoAnt).toFixed(2)],
            ['ImpPagado', new D(d.impPagado).toFixed(2)],
            ['ImpSaldoInsoluto', saldo.toFixed(2)],
            ['ObjetoImpDR', d.objetoImpDR],
          ],
          impChildren.length ? [el('pago20', 'ImpuestosDR', [], impChildren)] : [],
        ),
      );
    }
    const pChildren: XmlElement[] = [];
    if (ret.size) {
      pChildren.push(
        el(
          'pago20',
          'RetencionesP',
          [],
          [...ret].map(([impuesto, imp]) => {
            addRet(totals, impuesto, imp);
            return el('pago20', 'RetencionP', [
              ['ImpuestoP', IMPUESTO_CODE[impuesto as keyof typeof IMPUESTO_CODE]],
              ['ImporteP', imp.toFixed(6)],
            ]);
          }),
        ),
      );
    }
    if (tras.size) {
      pChildren.push(
        el(
          'pago20',
          'TrasladosP',
          [],
          [...tras.values()].map(({ t, base, importe }) => {
            addTras(totals, t, base, importe);
            return el('pago20', 'TrasladoP', [
              ['BaseP', base.toFixed(6)],
              ['ImpuestoP', IMPUESTO_CODE[t.impuesto]],
              ['TipoFactorP', t.tipoFactor],
              ['TasaOCuotaP', t.tasaOCuota ?? undefined],
              ['ImporteP', t.tipoFactor === 'Exento' ? undefined : importe.toFixed(6)],
            ]);
          }),
        ),
      );
    }
    pagoNodes.push(
      el(
        'pago20',
        'Pago',
        [
          ['FechaPago', p.fechaPago],
          ['FormaDePagoP', p.formaDePagoP],
          ['MonedaP', 'MXN'],
          ['TipoCambioP', '1'],
          ['Monto', new D(p.monto).toFixed(2)],
          ['NumOperacion', p.numOperacion],
        ],
        [...doctoNodes, ...(pChildren.length ? [el('pago20', 'ImpuestosP', [], pChildren)] : [])],
      ),
    );
  }
  const r2 = (x: InstanceType<typeof D>) => x.toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
  const has = (k: string) => totals.any.has(k);
  const totales = el('pago20', 'Totales', [
    ['TotalRetencionesIVA', has('retIVA') ? r2(totals.retIVA) : undefined],
    ['TotalRetencionesISR', has('retISR') ? r2(totals.retISR) : undefined],
    ['TotalRetencionesIEPS', has('retIEPS') ? r2(totals.retIEPS) : undefined],
    ['TotalTrasladosBaseIVA16', has('16') ? r2(totals.base16) : undefined],
    ['TotalTrasladosImpuestoIVA16', has('16') ? r2(totals.imp16) : undefined],
    ['TotalTrasladosBaseIVA8', has('8') ? r2(totals.base8) : undefined],
    ['TotalTrasladosImpuestoIVA8', has('8') ? r2(totals.imp8) : undefined],
    ['TotalTrasladosBaseIVA0', has('0') ? r2(totals.base0) : undefined],
    ['TotalTrasladosImpuestoIVA0', has('0') ? r2(totals.imp0) : undefined],
    ['TotalTrasladosBaseIVAExento', has('ex') ? r2(totals.baseEx) : undefined],
    ['MontoTotalPagos', r2(montoTotal)],
  ]);
  return el('pago20', 'Pagos', [['Version', '2.0']], [totales, ...pagoNodes]);
}

type Totals = {
  retIVA: InstanceType<typeof D>;
  retISR: InstanceType<typeof D>;
  retIEPS: InstanceType<typeof D>;
  any: Set<string>;
  base16: InstanceType<typeof D>;
  imp16: InstanceType<typeof D>;
  base8: InstanceType<typeof D>;
  imp8: InstanceType<typeof D>;
  base0: InstanceType<typeof D>;
  imp0: InstanceType<typeof D>;
  baseEx: InstanceType<typeof D>;
};

function addRet(t: Totals, impuesto: string, imp: InstanceType<typeof D>): void {
  const k = `ret${impuesto}` as 'retIVA' | 'retISR' | 'retIEPS';
  t[k] = t[k].plus(imp);
  t.any.add(k);
}

function addTras(t: Totals, x: LineTax, base: InstanceType<typeof D>, importe: InstanceType<typeof D>): void {
  if (x.impuesto !== 'IVA') return;
  if (x.tipoFactor === 'Exento') {
    t.baseEx = t.baseEx.plus(base);
    t.any.add('ex');
    return;
  }
  const k =
    x.tasaOCuota === '0.160000'
      ? '16'
      : x.tasaOCuota === '0.080000'
        ? '8'
        : x.tasaOCuota === '0.000000'
          ? '0'
          : null;
  if (!k) return;
  t[`base${k}`] = t[`base${k}`].plus(base);
  t[`imp${k}`] = t[`imp${k}`].plus(importe);
  t.any.add(k);
}

// --- helpers for callers ----------------------------------------------------------------

/** `Fecha` as SAT wants it: the business's local wall-clock time, no zone, no milliseconds. */
export function fechaCfdi(at: Date, timeZone: string = DEFAULT_TIMEZONE): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

export interface GlobalTicketInput {
  /** The ticket number, SAT's NoIdentificacion of the concepto. */
  ticketNumber: string;
  /** The ticket's amount before taxes (ValorUnitario; Cantidad is 1). */
  importe: string;
  descuento?: string;
  objetoImp?: ObjetoImp;
  traslados: TrasladoInput[];
  retenciones?: RetencionInput[];
}

export interface GlobalInvoiceInput {
  serie?: string;
  folio?: string;
  fecha: string;
  lugarExpedicion: string;
  emisor: EmisorInput;
  /** The predominant payment form of the period's tickets. */
  formaPago: string;
  informacionGlobal: InformacionGlobalInput;
  tickets: GlobalTicketInput[];
}

/**
 * The factura global to público en general (Guía de llenado del CFDI global): receptor
 * XAXX010101000 "PUBLICO EN GENERAL", régimen 616, uso S01, domicilio = lugar de
 * expedición; one concepto per ticket (01010101, ACT, "Venta", NoIdentificacion = ticket).
 */
export function globalInvoiceInput(g: GlobalInvoiceInput): CfdiInput {
  return {
    tipoDeComprobante: 'I',
    serie: g.serie,
    folio: g.folio,
    fecha: g.fecha,
    lugarExpedicion: g.lugarExpedicion,
    emisor: g.emisor,
    receptor: {
      rfc: RFC_PUBLICO_GENERAL,
      nombre: PUBLICO_EN_GENERAL,
      domicilioFiscalReceptor: g.lugarExpedicion,
      regimenFiscalReceptor: '616',
      usoCfdi: 'S01',
    },
    formaPago: g.formaPago,
    metodoPago: 'PUE',
    informacionGlobal: g.informacionGlobal,
    conceptos: g.tickets.map((t) => ({
      claveProdServ: '01010101',
      noIdentificacion: t.ticketNumber,
      cantidad: '1',
      claveUnidad: 'ACT',
      descripcion: 'Venta',
      valorUnitario: t.importe,
      descuento: t.descuento,
      objetoImp: t.objetoImp ?? (t.traslados.length || t.retenciones?.length ? '02' : '01'),
      traslados: t.traslados,
      retenciones: t.retenciones,
    })),
  };
}
