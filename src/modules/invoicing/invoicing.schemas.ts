import { z } from 'zod';
import { zMoney, zPositiveMoney } from '../../http/schemas.js';

const zRfc = z
  .string()
  .trim()
  .toUpperCase()
  .min(12, 'El RFC tiene 12 caracteres (persona moral) o 13 (persona física).')
  .max(13, 'El RFC tiene 12 caracteres (persona moral) o 13 (persona física).');
const zCp = z.string().regex(/^\d{5}$/, 'El código postal tiene 5 dígitos.');
const zUuid = z
  .string()
  .regex(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/, 'UUID inválido.');

export const zFiscalProfileInput = z.object({
  rfc: zRfc,
  nombre: z
    .string()
    .trim()
    .min(1, 'Escribe el nombre o razón social tal como aparece en la constancia del SAT.')
    .max(300),
  regimenFiscal: z
    .string()
    .regex(/^\d{3}$/, 'El régimen fiscal es una clave de 3 dígitos (p. ej. 601, 612, 626).'),
  selfInvoiceMode: z.enum(['days', 'month']).optional(),
  selfInvoiceDays: z.number().int().min(0).max(365).optional(),
});

export const zCsdUpload = z.object({
  /** The .cer file, base64. */
  cer: z.string().min(100, 'Adjunta el archivo .cer (en base64).'),
  /** The .key file, base64. */
  key: z.string().min(100, 'Adjunta el archivo .key (en base64).'),
  password: z.string().min(1, 'Escribe la contraseña de la llave privada.').max(200),
});

export const zCsdInfo = z.object({
  noCertificado: z.string(),
  rfc: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  expiresInDays: z.number(),
  warnings: z.array(z.string()),
});

export const zFiscalSetup = z.object({
  profile: z
    .object({
      rfc: z.string(),
      nombre: z.string(),
      regimenFiscal: z.string(),
      selfInvoiceMode: z.enum(['days', 'month']),
      selfInvoiceDays: z.number(),
      updatedAt: z.string(),
    })
    .nullable(),
  locations: z.array(
    z.object({ locationId: z.string(), name: z.string(), postalCode: z.string().nullable() }),
  ),
  series: z.array(
    z.object({
      serie: z.string(),
      tipo: z.enum(['I', 'E', 'P']),
      nextFolio: z.number(),
      isDefault: z.boolean(),
    }),
  ),
  csd: zCsdInfo.nullable(),
});

export const zSeriesInput = z.object({
  serie: z.string().regex(/^[A-Za-z0-9]{1,25}$/, 'La serie lleva de 1 a 25 letras o números.'),
  tipo: z.enum(['I', 'E', 'P']),
  nextFolio: z.number().int().min(1).optional(),
  isDefault: z.boolean().optional(),
});

export const zReceptorInput = z.object({
  rfc: zRfc,
  nombre: z
    .string()
    .trim()
    .min(1, 'Escribe el nombre o razón social como aparece en tu constancia de situación fiscal.')
    .max(300),
  regimenFiscal: z.string().regex(/^\d{3}$/, 'Elige tu régimen fiscal.'),
  codigoPostal: zCp,
  usoCfdi: z.string().regex(/^[A-Z]{1,2}\d{2}$/, 'Elige el uso del CFDI.'),
});

export const zInvoiceSalesInput = z.object({
  saleIds: z.array(z.string().min(1).max(64)).min(1, 'Elige al menos un ticket.').max(100),
  customerId: z.string().min(1).max(64).optional(),
  receptor: zReceptorInput.optional(),
  usoCfdi: z
    .string()
    .regex(/^[A-Z]{1,2}\d{2}$/)
    .optional(),
});

export const zInvoice = z.object({
  id: z.string(),
  kind: z.enum(['ingreso', 'global', 'egreso', 'pago']),
  tipoComprobante: z.enum(['I', 'E', 'P']),
  serie: z.string(),
  folio: z.string(),
  status: z.enum(['pending', 'stamped', 'rejected']),
  cancelStatus: z.enum(['requested', 'in_process', 'cancelled', 'rejected']).nullable(),
  cancelMotivo: z.string().nullable(),
  uuid: z.string().nullable(),
  locationId: z.string().nullable(),
  customerId: z.string().nullable(),
  receptor: z.object({ rfc: z.string(), nombre: z.string() }),
  fecha: z.string(),
  subtotal: z.string(),
  descuento: z.string().nullable(),
  total: z.string(),
  metodoPago: z.string().nullable(),
  formaPago: z.string().nullable(),
  saleIds: z.array(z.string()),
  relatedInvoiceId: z.string().nullable(),
  tipoRelacion: z.string().nullable(),
  returnId: z.string().nullable(),
  /** The PAC's last refusal or failure: what it said, and when and how often it was tried. */
  pacError: z
    .looseObject({
      kind: z.string().optional(),
      code: z.string().optional(),
      message: z.string().optional(),
      attempts: z.number().optional(),
      at: z.string().optional(),
    })
    .nullable(),
  selfInvoiced: z.boolean(),
  stampedAt: z.string().nullable(),
  createdAt: z.string(),
  balance: z.string().nullable(),
});

export const zGlobalInput = z.object({
  locationId: z.string().min(1),
  periodicidad: z.enum(['01', '02', '03', '04', '05'], {
    error: 'Periodicidad: 01 diaria, 02 semanal, 03 quincenal, 04 mensual, 05 bimestral.',
  }),
  /** Any day inside the period (YYYY-MM-DD, business time). */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Fecha AAAA-MM-DD.'),
});

const zBusinessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Fecha AAAA-MM-DD.');

export const zInvoiceListQuery = z.object({
  status: z.enum(['pending', 'stamped', 'rejected']).optional(),
  kind: z.enum(['ingreso', 'global', 'egreso', 'pago']).optional(),
  customerId: z.string().optional(),
  saleId: z.string().optional(),
  /** Issued on or after this business date (the business's time zone). */
  from: zBusinessDate.optional(),
  /** Issued on or before this business date. */
  to: zBusinessDate.optional(),
  /** `none`: never asked to be cancelled. */
  cancellationStatus: z.enum(['none', 'requested', 'in_process', 'cancelled', 'rejected']).optional(),
  /** Credit notes and payment complements related to this invoice. */
  relatedTo: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  after: z.string().optional(),
});

export const zInvoiceReturn = z.object({
  id: z.string(),
  saleId: z.string(),
  ticketNumber: z.number(),
  reason: z.string(),
  refund: z.object({ method: z.string(), amount: z.string() }),
  createdAt: z.string(),
  lines: z.array(
    z.object({
      lineNo: z.number(),
      saleLineNo: z.number(),
      description: z.string(),
      quantity: z.string(),
      amount: z.string(),
    }),
  ),
  /** Made before the invoice: already left out of it, so no credit note. */
  netted: z.boolean(),
});

export const zCreditNoteInput = z.object({
  returnId: z.string().min(1),
  tipoRelacion: z.enum(['01', '03']).optional(),
});

export const zPaymentInput = z.object({
  amount: zPositiveMoney,
  formaPago: z
    .string()
    .regex(
      /^\d{2}$/,
      'Forma de pago SAT de 2 dígitos (01 efectivo, 03 transferencia, 04 tarjeta de crédito...).',
    )
    .refine((v) => v !== '99', 'Un pago recibido no puede ser "99 Por definir".'),
  paidAt: z.iso.datetime({ message: 'Fecha y hora ISO 8601.' }).optional(),
  numOperacion: z.string().trim().max(100).optional(),
});

export const zPaymentResult = z.object({
  payment: z.object({
    id: z.string(),
    numParcialidad: z.number(),
    saldoAnterior: z.string(),
    saldoInsoluto: z.string(),
  }),
  pago: zInvoice,
});

export const zCancelInput = z.object({
  motivo: z.enum(['01', '02', '03', '04'], {
    error:
      'Motivo SAT: 01 con errores con relación, 02 con errores sin relación, 03 no se llevó a cabo, 04 nominativa en global.',
  }),
  replacementUuid: zUuid.optional(),
});

export const zUndocumentedQuery = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Fecha AAAA-MM-DD.'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Fecha AAAA-MM-DD.'),
  locationId: z.string().optional(),
});

export const zUndocumented = z.object({
  from: z.string(),
  to: z.string(),
  count: z.number(),
  total: z.string(),
  byChannel: z.array(z.object({ channel: z.string(), count: z.number(), total: z.string() })),
  sales: z.array(
    z.object({
      saleId: z.string(),
      channel: z.string(),
      locationId: z.string(),
      ticketNumber: z.number(),
      /** What is left to document: the ticket's total minus what was refunded on it. */
      total: z.string(),
      refunded: z.string(),
      createdAt: z.string(),
    }),
  ),
});

export const zTicketLookup = z.object({
  code: z.string().trim().toUpperCase().min(4, 'Escribe el código de facturación de tu ticket.').max(16),
  total: zMoney,
});

export const zTicketFound = z.object({
  business: z.string(),
  ticketNumber: z.number(),
  date: z.string(),
  /** As printed on the ticket. */
  total: z.string(),
  /** What the invoice will be for: the printed total minus what was refunded on returns. */
  invoiceTotal: z.string(),
  refunded: z.string(),
  invoiced: z.boolean(),
  deadline: z.string(),
  canInvoice: z.boolean(),
  /** The business's privacy notice (a page of this server), shown before the customer types their data. */
  privacyNoticeUrl: z.string(),
});

export const zSelfInvoiceInput = zTicketLookup.extend({ receptor: zReceptorInput });

export const zSelfInvoiceResult = z.object({
  invoiceId: z.string(),
  status: z.enum(['pending', 'stamped', 'rejected']),
  uuid: z.string().nullable(),
  total: z.string(),
  xmlUrl: z.string(),
  pdfUrl: z.string(),
  message: z.string().nullable(),
});
