import { describe, expect, it } from 'vitest';
import { AppError, errorCatalog, messageFor } from '../../../shared/errors.js';
import { buildCfdi, globalInvoiceInput } from './build.js';
import { CfdiErrors } from './cfdi.errors.js';
import type { CfdiInput, ConceptoInput } from './cfdi.types.js';
import { decideRetenciones } from './taxes.js';

const linea: ConceptoInput = {
  claveProdServ: '50202306',
  cantidad: '2',
  claveUnidad: 'H87',
  descripcion: 'Refresco 600 ml',
  valorUnitario: '15.52',
  objetoImp: '02',
  traslados: [{ impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
};

function base(): CfdiInput {
  return {
    tipoDeComprobante: 'I',
    fecha: '2026-11-30T12:00:00',
    lugarExpedicion: '86000',
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'COSC8001137NA',
      nombre: 'CARLOS CORTÉS SOTO',
      domicilioFiscalReceptor: '52000',
      regimenFiscalReceptor: '612',
      usoCfdi: 'G03',
    },
    formaPago: '01',
    metodoPago: 'PUE',
    conceptos: [linea],
  };
}

function rejection(input: CfdiInput): { code: string; es: string; details: Record<string, unknown> } {
  try {
    buildCfdi(input);
  } catch (e) {
    if (e instanceof AppError)
      return { code: e.code, es: messageFor(e.code, 'es', e.details), details: e.details };
    throw e;
  }
  throw new Error('expected the builder to refuse the document');
}

type Case = [string, (i: CfdiInput) => void, string, string];
const generic = (i: CfdiInput, rfc: string) => {
  i.receptor = {
    ...i.receptor,
    rfc,
    nombre: 'JUAN PÉREZ',
    regimenFiscalReceptor: '616',
    usoCfdi: 'S01',
    domicilioFiscalReceptor: '86000',
  };
};

const CASES: Case[] = [
  [
    'a malformed receiver RFC',
    (i) => {
      i.receptor.rfc = 'COSC801313XX';
    },
    'CFDI_RFC_INVALID',
    'El RFC COSC801313XX (Receptor) no tiene un formato válido: 12 caracteres para persona moral o 13 para persona física, con fecha válida.',
  ],
  [
    'a missing receiver postal code',
    (i) => {
      i.receptor.domicilioFiscalReceptor = '';
    },
    'CFDI_POSTAL_CODE_REQUIRED',
    'Falta el código postal (DomicilioFiscalReceptor); el SAT lo exige en CFDI 4.0.',
  ],
  [
    'a 4-digit postal code',
    (i) => {
      i.lugarExpedicion = '8600';
    },
    'CFDI_POSTAL_CODE_INVALID',
    'El código postal 8600 (LugarExpedicion) debe tener exactamente 5 dígitos.',
  ],
  [
    'an unknown régimen',
    (i) => {
      i.receptor.regimenFiscalReceptor = '699';
    },
    'CFDI_REGIMEN_INVALID',
    'El régimen fiscal 699 (Receptor) no existe en el catálogo del SAT.',
  ],
  [
    'a persona moral régimen for a persona física (CFDI40158)',
    (i) => {
      i.receptor.regimenFiscalReceptor = '601';
    },
    'CFDI_REGIMEN_PERSONA',
    'El régimen fiscal 601 no corresponde a una persona física (RFC COSC8001137NA).',
  ],
  [
    'a persona física régimen for the emisor persona moral (CFDI40141)',
    (i) => {
      i.emisor.regimenFiscal = '612';
    },
    'CFDI_REGIMEN_PERSONA',
    'El régimen fiscal 612 no corresponde a una persona moral (RFC EKU9003173C9).',
  ],
  [
    'an unknown uso CFDI',
    (i) => {
      i.receptor.usoCfdi = 'P01';
    },
    'CFDI_USO_INVALID',
    'El uso del CFDI P01 no existe en el catálogo del SAT.',
  ],
  [
    'a uso CFDI not allowed for the régimen (CFDI40161)',
    (i) => {
      i.receptor.regimenFiscalReceptor = '605';
      i.receptor.usoCfdi = 'G03';
    },
    'CFDI_USO_REGIMEN',
    'El uso del CFDI G03 no se permite para una persona física con régimen 605. Elige otro uso o revisa tu régimen en tu constancia de situación fiscal.',
  ],
  [
    'a deducción personal (D01) for a persona moral (CFDI40161)',
    (i) => {
      i.receptor = {
        ...i.receptor,
        rfc: 'AAA010101AAA',
        nombre: 'ABARROTES',
        regimenFiscalReceptor: '601',
        usoCfdi: 'D01',
      };
    },
    'CFDI_USO_REGIMEN',
    'El uso del CFDI D01 no se permite para una persona moral con régimen 601. Elige otro uso o revisa tu régimen en tu constancia de situación fiscal.',
  ],
  [
    'XAXX010101000 with a régimen other than 616 (CFDI40159)',
    (i) => {
      generic(i, 'XAXX010101000');
      i.receptor.regimenFiscalReceptor = '612';
    },
    'CFDI_GENERIC_RFC_REGIMEN',
    'Con el RFC genérico XAXX010101000 el régimen fiscal del receptor debe ser 616 (Sin obligaciones fiscales).',
  ],
  [
    'XAXX010101000 with a uso other than S01',
    (i) => {
      generic(i, 'XAXX010101000');
      i.receptor.usoCfdi = 'G02';
    },
    'CFDI_GENERIC_RFC_USO',
    'Con el RFC genérico XAXX010101000 el uso del CFDI debe ser S01.',
  ],
  [
    'XAXX010101000 with a postal code other than the place of issue (CFDI40149)',
    (i) => {
      generic(i, 'XAXX010101000');
      i.receptor.domicilioFiscalReceptor = '01000';
    },
    'CFDI_GENERIC_RFC_POSTAL_CODE',
    'Con el RFC genérico XAXX010101000 el domicilio fiscal del receptor debe ser el código postal del lugar de expedición (86000).',
  ],
  [
    'XEXX010101000 with another postal code (CFDI40149)',
    (i) => {
      generic(i, 'XEXX010101000');
      i.receptor.domicilioFiscalReceptor = '01000';
    },
    'CFDI_GENERIC_RFC_POSTAL_CODE',
    'Con el RFC genérico XEXX010101000 el domicilio fiscal del receptor debe ser el código postal del lugar de expedición (86000).',
  ],
  [
    'a foreign residence with a Mexican RFC (CFDI40151)',
    (i) => {
      i.receptor.residenciaFiscal = 'USA';
    },
    'CFDI_FOREIGN_RFC',
    'Para un receptor residente en el extranjero usa el RFC genérico XEXX010101000.',
  ],
  [
    'a foreigner resident in MEX (CFDI40152)',
    (i) => {
      generic(i, 'XEXX010101000');
      i.receptor.residenciaFiscal = 'MEX';
    },
    'CFDI_RESIDENCIA_INVALID',
    'La residencia fiscal MEX no es válida: debe ser un país del catálogo del SAT distinto de México.',
  ],
  [
    '"PUBLICO EN GENERAL" with a real RFC (CFDI40146)',
    (i) => {
      i.receptor.nombre = 'PUBLICO EN GENERAL';
    },
    'CFDI_PUBLICO_GENERAL_RFC',
    'El nombre "PUBLICO EN GENERAL" solo se usa con el RFC XAXX010101000.',
  ],
  [
    'an invoice to PUBLICO EN GENERAL without InformacionGlobal (CFDI40130)',
    (i) => {
      generic(i, 'XAXX010101000');
      i.receptor.nombre = 'PUBLICO EN GENERAL';
    },
    'CFDI_GLOBAL_REQUIRED',
    'Una factura a "PUBLICO EN GENERAL" con RFC XAXX010101000 debe llevar la información global (periodicidad, meses y año).',
  ],
  [
    'InformacionGlobal for a named customer',
    (i) => {
      i.informacionGlobal = { periodicidad: '01', meses: '11', año: '2026' };
    },
    'CFDI_GLOBAL_RECEPTOR',
    'La factura global solo se emite a RFC XAXX010101000, nombre "PUBLICO EN GENERAL".',
  ],
  [
    'PPD with a real payment form (CFDI40105)',
    (i) => {
      i.metodoPago = 'PPD';
    },
    'CFDI_PPD_REQUIRES_99',
    'Con método de pago PPD la forma de pago debe ser 99 (Por definir).',
  ],
  [
    'PUE with forma 99',
    (i) => {
      i.formaPago = '99';
    },
    'CFDI_PUE_FORMA_POR_DEFINIR',
    'Con método de pago PUE indica la forma de pago real; 99 (Por definir) solo va con PPD.',
  ],
  [
    'an unknown payment form (CFDI40104)',
    (i) => {
      i.formaPago = '09';
    },
    'CFDI_FORMA_PAGO_INVALID',
    'La forma de pago 09 no existe en el catálogo del SAT.',
  ],
  [
    'a missing payment form',
    (i) => {
      i.formaPago = undefined;
    },
    'CFDI_FORMA_PAGO_REQUIRED',
    'Falta la forma de pago.',
  ],
  [
    'an unknown payment method (CFDI40124)',
    (i) => {
      i.metodoPago = 'PIP' as never;
    },
    'CFDI_METODO_PAGO_INVALID',
    'El método de pago PIP no existe: usa PUE (una sola exhibición) o PPD (parcialidades o diferido).',
  ],
  [
    'ObjetoImp 02 without taxes (CFDI40171)',
    (i) => {
      i.conceptos = [{ ...linea, traslados: [] }];
    },
    'CFDI_OBJETO_IMP_REQUIRES_TAXES',
    'El concepto 1 es objeto de impuesto (02) y no tiene impuestos: agrega el traslado (IVA) o cambia el objeto de impuesto.',
  ],
  [
    'ObjetoImp 01 with taxes (CFDI40172)',
    (i) => {
      i.conceptos = [{ ...linea, objetoImp: '01' }];
    },
    'CFDI_OBJETO_IMP_FORBIDS_TAXES',
    'El concepto 1 tiene objeto de impuesto 01 y no debe llevar impuestos.',
  ],
  [
    'an unknown ClaveUnidad (CFDI40165)',
    (i) => {
      i.conceptos = [{ ...linea, claveUnidad: 'KILO' }];
    },
    'CFDI_CLAVE_UNIDAD_INVALID',
    'La clave de unidad KILO (concepto 1) no existe en el catálogo del SAT.',
  ],
  [
    'a ClaveProdServ that is not 8 digits (CFDI40162)',
    (i) => {
      i.conceptos = [{ ...linea, claveProdServ: '5020230' }];
    },
    'CFDI_CLAVE_PROD_SERV_INVALID',
    'La clave de producto o servicio 5020230 (concepto 1) debe tener 8 dígitos del catálogo del SAT.',
  ],
  [
    'a zero unit value (CFDI40166)',
    (i) => {
      i.conceptos = [{ ...linea, valorUnitario: '0' }];
    },
    'CFDI_VALOR_UNITARIO_ZERO',
    'El valor unitario del concepto 1 debe ser mayor que cero en un ingreso o egreso.',
  ],
  [
    'a discount above the amount (CFDI40169)',
    (i) => {
      i.conceptos = [{ ...linea, descuento: '40.00' }];
    },
    'CFDI_DESCUENTO_EXCEEDS_IMPORTE',
    'El descuento 40.00 del concepto 1 es mayor que su importe 31.040000.',
  ],
  [
    'a full discount with taxes (CFDI40174)',
    (i) => {
      i.conceptos = [{ ...linea, descuento: '31.04' }];
    },
    'CFDI_TAX_BASE_ZERO',
    'La base del impuesto IVA del concepto 1 debe ser mayor que cero (¿descuento del 100 %? usa objeto de impuesto 01).',
  ],
  [
    'a quantity with 7 decimals',
    (i) => {
      i.conceptos = [{ ...linea, cantidad: '0.1234567' }];
    },
    'CFDI_CANTIDAD_INVALID',
    'La cantidad 0.1234567 (concepto 1) debe ser mayor que cero y tener hasta 6 decimales.',
  ],
  [
    'an IVA rate not in c_TasaOCuota (CFDI40179)',
    (i) => {
      i.conceptos = [
        { ...linea, traslados: [{ impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.150000' }] },
      ];
    },
    'CFDI_TAX_RATE_INVALID',
    'La tasa o cuota 0.150000 de IVA (Tasa, traslado) del concepto 1 no está en el catálogo del SAT.',
  ],
  [
    'an IEPS rate not in c_TasaOCuota (CFDI40179)',
    (i) => {
      i.conceptos = [
        { ...linea, traslados: [{ impuesto: 'IEPS', tipoFactor: 'Tasa', tasaOCuota: '0.200000' }] },
      ];
    },
    'CFDI_TAX_RATE_INVALID',
    'La tasa o cuota 0.200000 de IEPS (Tasa, traslado) del concepto 1 no está en el catálogo del SAT.',
  ],
  [
    'an ISR retention above 35 % (CFDI40185)',
    (i) => {
      i.conceptos = [
        { ...linea, retenciones: [{ impuesto: 'ISR', tipoFactor: 'Tasa', tasaOCuota: '0.400000' }] },
      ];
    },
    'CFDI_TAX_RATE_INVALID',
    'La tasa o cuota 0.400000 de ISR (Tasa, retención) del concepto 1 no está en el catálogo del SAT.',
  ],
  [
    'an exempt tax with a rate (CFDI40177)',
    (i) => {
      i.conceptos = [
        { ...linea, traslados: [{ impuesto: 'IVA', tipoFactor: 'Exento', tasaOCuota: '0.000000' }] },
      ];
    },
    'CFDI_TAX_EXENTO_WITH_RATE',
    'El impuesto IVA exento del concepto 1 no lleva tasa ni importe.',
  ],
  [
    'a Tasa without rate (CFDI40178)',
    (i) => {
      i.conceptos = [{ ...linea, traslados: [{ impuesto: 'IVA', tipoFactor: 'Tasa' }] }];
    },
    'CFDI_TAX_RATE_REQUIRED',
    'El impuesto IVA del concepto 1 es Tasa: indica la tasa o cuota.',
  ],
  [
    'an exempt retention (CFDI40184)',
    (i) => {
      i.conceptos = [
        { ...linea, retenciones: [{ impuesto: 'IVA', tipoFactor: 'Exento' as never, tasaOCuota: '0' }] },
      ];
    },
    'CFDI_RETENCION_EXENTO',
    'Una retención no puede ser exenta (concepto 1).',
  ],
  [
    'IVA twice on a line',
    (i) => {
      i.conceptos = [{ ...linea, traslados: [linea.traslados![0]!, linea.traslados![0]!] }];
    },
    'CFDI_TAX_DUPLICATE',
    'El concepto 1 tiene el impuesto IVA dos veces como traslado.',
  ],
  [
    'a "|" in a description',
    (i) => {
      i.conceptos = [{ ...linea, descripcion: 'Coca | Cola' }];
    },
    'CFDI_TEXT_INVALID',
    'El campo Concepto 1 Descripcion debe tener entre 1 y 1000 caracteres, sin "|" ni caracteres de control.',
  ],
  [
    'a control character in a name',
    (i) => {
      i.receptor.nombre = 'CARLOS\u0007';
    },
    'CFDI_TEXT_INVALID',
    'El campo Receptor.Nombre debe tener entre 1 y 300 caracteres, sin "|" ni caracteres de control.',
  ],
  [
    'a Fecha with a zone',
    (i) => {
      i.fecha = '2026-11-30T12:00:00Z';
    },
    'CFDI_FECHA_INVALID',
    'La fecha 2026-11-30T12:00:00Z debe tener la forma AAAA-MM-DDThh:mm:ss, en hora local y sin zona horaria.',
  ],
  [
    'a currency other than MXN',
    (i) => {
      i.moneda = 'USD' as never;
    },
    'CFDI_MONEDA_UNSUPPORTED',
    'Por ahora solo emitimos CFDI en pesos mexicanos (MXN); la moneda USD no está soportada.',
  ],
  [
    'no conceptos',
    (i) => {
      i.conceptos = [];
    },
    'CFDI_CONCEPTOS_REQUIRED',
    'El comprobante necesita al menos un concepto.',
  ],
  [
    'a credit note without the related invoice',
    (i) => {
      i.tipoDeComprobante = 'E';
      i.receptor.usoCfdi = 'G02';
    },
    'CFDI_RELACIONADOS_REQUIRED',
    'Una nota de crédito debe relacionar la factura que corrige (tipo de relación 01 o 03 y su UUID).',
  ],
  [
    'a credit note related as 04 (sustitución)',
    (i) => {
      i.tipoDeComprobante = 'E';
      i.receptor.usoCfdi = 'G02';
      i.cfdiRelacionados = [{ tipoRelacion: '02', uuids: ['5FB2822E-396D-4725-8521-CDC4BDD20CCF'] }];
    },
    'CFDI_TIPO_RELACION_INVALID',
    'El tipo de relación 02 no aplica a este comprobante (E).',
  ],
  [
    'a malformed related UUID',
    (i) => {
      i.tipoDeComprobante = 'E';
      i.receptor.usoCfdi = 'G02';
      i.cfdiRelacionados = [{ tipoRelacion: '01', uuids: ['5FB2822E-396D'] }];
    },
    'CFDI_UUID_INVALID',
    'El folio fiscal (UUID) 5FB2822E-396D no tiene un formato válido.',
  ],
  [
    'a credit note paid PPD',
    (i) => {
      i.tipoDeComprobante = 'E';
      i.receptor.usoCfdi = 'G02';
      i.metodoPago = 'PPD';
      i.formaPago = '99';
      i.cfdiRelacionados = [{ tipoRelacion: '01', uuids: ['5FB2822E-396D-4725-8521-CDC4BDD20CCF'] }];
    },
    'CFDI_EGRESO_PUE',
    'Una nota de crédito (egreso) se emite con método de pago PUE.',
  ],
  [
    'retentions larger than the amount (a retention base above the line)',
    (i) => {
      i.conceptos = [
        {
          ...linea,
          retenciones: [{ impuesto: 'ISR', tipoFactor: 'Tasa', tasaOCuota: '0.35', base: '1000.00' }],
        },
      ];
    },
    'CFDI_TOTAL_NEGATIVE',
    'Las retenciones superan al importe: el total no puede ser negativo.',
  ],
];

describe('the builder refuses what SAT would reject, in Spanish', () => {
  it.each(CASES)('refuses %s', (_name, mutate, code, es) => {
    const input = structuredClone(base());
    mutate(input);
    const r = rejection(input);
    expect(r.code).toBe(code);
    expect(r.es).toBe(es);
    expect(Array.isArray(r.details.issues)).toBe(true);
  });

  it('accepts the base document and computes SAT totals', () => {
    const b = buildCfdi(base());
    expect(b.subTotal).toBe('31.04');
    expect(b.total).toBe('36.01');
    expect(b.cadenaOriginal).toContain('|31.04|002|Tasa|0.160000|4.97|4.97||');
  });

  it('keeps TotalImpuestosTrasladados out when every line is exento (CFDI40212/40213)', () => {
    const i = base();
    i.conceptos = [{ ...linea, traslados: [{ impuesto: 'IVA', tipoFactor: 'Exento' }] }];
    const b = buildCfdi(i);
    expect(b.xml).toContain('<cfdi:Traslado Base="31.04" Impuesto="002" TipoFactor="Exento"/>');
    expect(b.xml).not.toContain('TotalImpuestosTrasladados');
    expect(b.total).toBe('31.04');
  });

  describe('global invoice', () => {
    const g = (
      over: Partial<Parameters<typeof globalInvoiceInput>[0]['informacionGlobal']>,
      regimen = '601',
    ) =>
      globalInvoiceInput({
        fecha: '2026-11-30T23:00:00',
        lugarExpedicion: '86000',
        emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: regimen },
        formaPago: '01',
        informacionGlobal: { periodicidad: '01', meses: '11', año: '2026', ...over },
        tickets: [
          {
            ticketNumber: 'T-1',
            importe: '100.00',
            traslados: [{ impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.16' }],
          },
        ],
      });
    it.each([
      [
        'an unknown periodicidad (CFDI40131)',
        { periodicidad: '06' },
        'CFDI_GLOBAL_PERIODICIDAD_INVALID',
        'La periodicidad 06 de la factura global no existe en el catálogo del SAT (01 diario a 05 bimestral).',
      ],
      [
        'a bimonthly month with monthly periodicidad (CFDI40134)',
        { meses: '13' },
        'CFDI_GLOBAL_MESES_INVALID',
        'El mes 13 no corresponde a la periodicidad 01: usa 01 a 12, o 13 a 18 si es bimestral.',
      ],
      [
        'a single month with bimonthly periodicidad (CFDI40135)',
        { periodicidad: '05', meses: '11' },
        'CFDI_GLOBAL_MESES_INVALID',
        'El mes 11 no corresponde a la periodicidad 05: usa 01 a 12, o 13 a 18 si es bimestral.',
      ],
      [
        'bimonthly for a régimen other than 621 (CFDI40132)',
        { periodicidad: '05', meses: '18' },
        'CFDI_GLOBAL_BIMESTRAL_REGIMEN',
        'La periodicidad bimestral (05) solo la puede usar un emisor del régimen 621 (Incorporación Fiscal).',
      ],
      [
        'a year two years back (CFDI40136)',
        { año: '2024' },
        'CFDI_GLOBAL_YEAR',
        'El año 2024 de la factura global debe ser el de la fecha de emisión o el anterior.',
      ],
    ] as const)('refuses %s', (_n, over, code, es) => {
      const r = rejection(g(over));
      expect(r.code).toBe(code);
      expect(r.es).toBe(es);
    });

    it('refuses a global concepto that is not a ticket', () => {
      const i = g({});
      i.conceptos![0]!.noIdentificacion = undefined;
      const r = rejection(i);
      expect(r.code).toBe('CFDI_GLOBAL_CONCEPTO');
      expect(r.es).toBe(
        'En la factura global cada concepto es un ticket: clave 01010101, unidad ACT y el número de ticket en NoIdentificacion (concepto 1).',
      );
    });

    it('fills the receptor as SAT’s guide says', () => {
      const b = buildCfdi(g({}));
      expect(b.xml).toContain('<cfdi:InformacionGlobal Periodicidad="01" Meses="11" Año="2026"/>');
      expect(b.xml).toContain(
        '<cfdi:Receptor Rfc="XAXX010101000" Nombre="PUBLICO EN GENERAL" DomicilioFiscalReceptor="86000" RegimenFiscalReceptor="616" UsoCFDI="S01"/>',
      );
      expect(b.xml).toContain(
        'ClaveProdServ="01010101" NoIdentificacion="T-1" Cantidad="1" ClaveUnidad="ACT" Descripcion="Venta"',
      );
    });
  });

  describe('CFDI de pago', () => {
    const p = (): CfdiInput => ({
      ...base(),
      tipoDeComprobante: 'P',
      formaPago: undefined,
      metodoPago: undefined,
      conceptos: undefined,
      receptor: { ...base().receptor, usoCfdi: 'CP01' },
      pagos: [
        {
          fechaPago: '2026-11-29T10:00:00',
          formaDePagoP: '03',
          monto: '580.00',
          doctos: [
            {
              idDocumento: '5fb2822e-396d-4725-8521-cdc4bdd20ccf',
              numParcialidad: 2,
              impSaldoAnt: '1160.00',
              impPagado: '580.00',
              objetoImpDR: '02',
              totalDocumento: '1160.00',
              impuestos: {
                traslados: [{ impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.160000', base: '1000.00' }],
                retenciones: [],
              },
            },
          ],
        },
      ],
    });
    it('prorates the taxes and computes the balances', () => {
      const b = buildCfdi(p());
      expect(b.xml).toContain('ImpSaldoAnt="1160.00" ImpPagado="580.00" ImpSaldoInsoluto="580.00"');
      expect(b.xml).toContain(
        '<pago20:TrasladoDR BaseDR="500.00" ImpuestoDR="002" TipoFactorDR="Tasa" TasaOCuotaDR="0.160000" ImporteDR="80.00"/>',
      );
      expect(b.xml).toContain(
        '<pago20:Totales TotalTrasladosBaseIVA16="500.00" TotalTrasladosImpuestoIVA16="80.00" MontoTotalPagos="580.00"/>',
      );
      expect(b.xml).toContain('SubTotal="0" Moneda="XXX" Total="0" TipoDeComprobante="P"');
    });
    it.each<Case>([
      [
        'a uso other than CP01',
        (i: CfdiInput) => {
          i.receptor.usoCfdi = 'G03';
        },
        'CFDI_PAGO_USO',
        'En un CFDI de pago el uso del CFDI del receptor debe ser CP01 (Pagos).',
      ],
      [
        'a FormaPago on the voucher (CFDI40103)',
        (i: CfdiInput) => {
          i.formaPago = '03';
        },
        'CFDI_PAGO_FORMA_METODO',
        'Un CFDI de pago no lleva forma ni método de pago en el comprobante; van en cada pago.',
      ],
      [
        'a payment form 99',
        (i: CfdiInput) => {
          i.pagos![0]!.formaDePagoP = '99';
        },
        'CFDI_PAGO_FORMA_INVALID',
        'La forma del pago 1 (99) debe ser una forma real del catálogo del SAT, no 99.',
      ],
      [
        'paying more than the balance',
        (i: CfdiInput) => {
          i.pagos![0]!.doctos[0]!.impPagado = '1200.00';
        },
        'CFDI_PAGO_SALDO',
        'El pago al documento 5fb2822e-396d-4725-8521-cdc4bdd20ccf (1200.00) debe ser mayor que cero y no mayor que su saldo anterior (1160.00).',
      ],
      [
        'a Monto below what it pays',
        (i: CfdiInput) => {
          i.pagos![0]!.monto = '500.00';
        },
        'CFDI_PAGO_MONTO',
        'El monto del pago 1 (500.00) es menor que la suma pagada a los documentos (580.00).',
      ],
      [
        'parcialidad 0',
        (i: CfdiInput) => {
          i.pagos![0]!.doctos[0]!.numParcialidad = 0;
        },
        'CFDI_PAGO_PARCIALIDAD',
        'El número de parcialidad del documento 5fb2822e-396d-4725-8521-cdc4bdd20ccf debe ser un entero de 1 a 999.',
      ],
      [
        'ObjetoImpDR 02 without the document taxes',
        (i: CfdiInput) => {
          i.pagos![0]!.doctos[0]!.impuestos = undefined;
        },
        'CFDI_PAGO_DOCUMENTO_IMPUESTOS',
        'El documento 5fb2822e-396d-4725-8521-cdc4bdd20ccf es objeto de impuesto (02): indica su total y sus impuestos para prorratearlos en el pago.',
      ],
      [
        'no payments',
        (i: CfdiInput) => {
          i.pagos = [];
        },
        'CFDI_PAGOS_REQUIRED',
        'Un CFDI de pago necesita al menos un pago con un documento relacionado.',
      ],
      [
        'conceptos of its own',
        (i: CfdiInput) => {
          i.conceptos = [linea];
        },
        'CFDI_CONCEPTOS_FORBIDDEN',
        'Un CFDI de pago no lleva conceptos propios; el concepto "Pago" se agrega solo.',
      ],
    ])('refuses %s', (_n, mutate, code, es) => {
      const i = p();
      mutate(i);
      const r = rejection(i);
      expect(r.code).toBe(code);
      expect(r.es).toBe(es);
    });
  });
});

describe('decideRetenciones', () => {
  const moral = { rfc: 'AAA010101AAA', regimenFiscalReceptor: '601' };
  it('RESICO persona física selling goods to a persona moral: ISR 1.25 %', () => {
    expect(
      decideRetenciones({
        emisor: { rfc: 'CACX7605101P8', regimenFiscal: '626' },
        receptor: moral,
        isService: false,
        ivaTasa: '0.160000',
      }),
    ).toEqual([{ impuesto: 'ISR', tipoFactor: 'Tasa', tasaOCuota: '0.012500' }]);
  });
  it('professional services (612) to a persona moral: IVA 2/3 and ISR 10 %', () => {
    expect(
      decideRetenciones({
        emisor: { rfc: 'CACX7605101P8', regimenFiscal: '612' },
        receptor: moral,
        isService: true,
        ivaTasa: '0.160000',
      }),
    ).toEqual([
      { impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.106667' },
      { impuesto: 'ISR', tipoFactor: 'Tasa', tasaOCuota: '0.100000' },
    ]);
  });
  it('nothing between personas morales, to personas físicas, or to the público en general', () => {
    const f = { rfc: 'CACX7605101P8', regimenFiscal: '612' };
    expect(
      decideRetenciones({
        emisor: { rfc: 'EKU9003173C9', regimenFiscal: '601' },
        receptor: moral,
        isService: true,
        ivaTasa: '0.160000',
      }),
    ).toEqual([]);
    expect(
      decideRetenciones({
        emisor: f,
        receptor: { rfc: 'COSC8001137NA', regimenFiscalReceptor: '612' },
        isService: true,
        ivaTasa: '0.16',
      }),
    ).toEqual([]);
    expect(
      decideRetenciones({
        emisor: f,
        receptor: { rfc: 'XAXX010101000', regimenFiscalReceptor: '616' },
        isService: true,
        ivaTasa: '0.16',
      }),
    ).toEqual([]);
  });
});

describe('error catalog', () => {
  it('has es and en for every CFDI and CSD code', () => {
    for (const code of Object.keys(CfdiErrors)) {
      const spec = errorCatalog().get(code);
      expect(spec?.es, code).toBeTruthy();
      expect(spec?.en, code).toBeTruthy();
    }
  });
});
