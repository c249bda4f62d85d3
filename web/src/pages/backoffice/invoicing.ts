/**
 * Invoicing (CFDI 4.0) shapes and copy the back office uses: the route schemas of
 * src/modules/invoicing/invoicing.schemas.ts as types, plus SAT's catalog labels in plain Spanish.
 */
import { API_BASE } from '../../lib/api';

import { globalPeriod, type Periodicidad } from '@server/modules/invoicing/global-period.js';
import type { z } from 'zod';
import type {
  zCsdInfo,
  zFiscalSetup,
  zInvoice,
  zInvoiceReturn,
  zPaymentResult,
  zUndocumented,
} from '@server/modules/invoicing/invoicing.schemas.js';

// The server's response schemas, as types: the back office reads exactly what the routes send.
export type Invoice = z.output<typeof zInvoice>;
export type InvoiceKind = Invoice['kind'];
export type CancelStatus = NonNullable<Invoice['cancelStatus']>;
export type CsdInfo = z.output<typeof zCsdInfo>;
export type FiscalSetup = z.output<typeof zFiscalSetup>;
export type Undocumented = z.output<typeof zUndocumented>;
export type PaymentResult = z.output<typeof zPaymentResult>;
/** GET /invoicing/invoices/:id/returns: a return on one of the invoice's tickets. */
export type InvoiceReturn = z.output<typeof zInvoiceReturn>;

export interface InvoicePage {
  items: Invoice[];
  next: string | null;
}

/** GET /sales (a summary: no lines, no payments). */
export interface SaleSummary {
  id: string;
  channel: string;
  locationId: string;
  customerId: string | null;
  ticketNumber: number;
  status: string;
  total: string;
  createdAt: string;
}

/** GET /sales/:id, the part the invoicing pages read. */
export interface SaleDetail extends SaleSummary {
  lines: { lineNo: number; description: string; quantity: string; total: string; returnedQuantity: string }[];
  payments: {
    paymentNo: number;
    method: string;
    amount: string;
    kind: 'payment' | 'change';
    details: Record<string, string>;
  }[];
}

export interface SaleReturn {
  id: string;
  saleId: string;
  reason: string;
  refund: { method: string; amount: string };
  createdAt: string;
  lines: { lineNo: number; description: string; quantity: string; amount: string }[];
}

export interface CustomerRow {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  rfc: string | null;
  razonSocial: string | null;
  regimenFiscal: string | null;
  usoCfdi: string | null;
  codigoPostal: string | null;
}

type Pair = [string, string];

export const KIND_LABEL: Record<InvoiceKind, Pair> = {
  ingreso: ['Factura', 'Invoice'],
  global: ['Factura global', 'Global invoice'],
  egreso: ['Nota de crédito', 'Credit note'],
  pago: ['Complemento de pago', 'Payment receipt'],
};

export type Tone = 'ok' | 'warn' | 'bad' | 'off';

/** The one status a shopkeeper reads: stamping and cancellation folded together. */
export function statusOf(inv: Pick<Invoice, 'status' | 'cancelStatus'>): { label: Pair; tone: Tone } {
  if (inv.status === 'pending')
    return { label: ['Pendiente de timbrar', 'Waiting to be stamped'], tone: 'warn' };
  if (inv.status === 'rejected')
    return { label: ['Rechazada por el PAC', 'Rejected by the PAC'], tone: 'bad' };
  switch (inv.cancelStatus) {
    case 'requested':
      return { label: ['Cancelación solicitada', 'Cancellation requested'], tone: 'warn' };
    case 'in_process':
      return { label: ['Cancelación en proceso', 'Cancellation in process'], tone: 'warn' };
    case 'cancelled':
      return { label: ['Cancelada', 'Cancelled'], tone: 'off' };
    case 'rejected':
      return {
        label: [
          'Timbrada (el cliente rechazó la cancelación)',
          'Stamped (the customer refused the cancellation)',
        ],
        tone: 'ok',
      };
    default:
      return { label: ['Timbrada', 'Stamped'], tone: 'ok' };
  }
}

/** The list's `cancellationStatus` filter. */
export const CANCELLATION_FILTERS: { id: 'none' | CancelStatus; label: Pair }[] = [
  { id: 'none', label: ['Sin cancelar', 'Not cancelled'] },
  { id: 'requested', label: ['Cancelación solicitada', 'Cancellation requested'] },
  { id: 'in_process', label: ['Cancelación en proceso', 'Cancellation in process'] },
  { id: 'cancelled', label: ['Canceladas', 'Cancelled'] },
  { id: 'rejected', label: ['Cancelación rechazada', 'Cancellation refused'] },
];

/** SAT's c_FormaPago, the ones a shop meets. */
export const FORMA_PAGO_LABEL: Record<string, Pair> = {
  '01': ['Efectivo', 'Cash'],
  '02': ['Cheque nominativo', 'Cheque'],
  '03': ['Transferencia (SPEI)', 'Bank transfer (SPEI)'],
  '04': ['Tarjeta de crédito', 'Credit card'],
  '05': ['Monedero electrónico', 'E-wallet'],
  '06': ['Dinero electrónico', 'Electronic money'],
  '08': ['Vales de despensa', 'Food vouchers'],
  '28': ['Tarjeta de débito', 'Debit card'],
  '29': ['Tarjeta de servicios', 'Service card'],
  '30': ['Aplicación de anticipos', 'Advance applied'],
  '99': ['Por definir', 'To be defined'],
};

/** The formas a received payment (Pagos 2.0) can have: never 99. */
export const PAYMENT_FORMAS = ['01', '03', '04', '28', '02', '05', '06', '08', '29'] as const;

export const METODO_PAGO_LABEL: Record<string, Pair> = {
  PUE: ['pagada en una sola exhibición', 'paid in full'],
  PPD: ['a crédito o en parcialidades', 'on credit or in parts'],
};

export function satLabel(
  l: (es: string, en: string) => string,
  table: Record<string, Pair>,
  code: string | null,
): string {
  if (!code) return '—';
  const pair = table[code];
  return pair ? `${code} · ${l(pair[0], pair[1])}` : code;
}

/** SAT's cancellation motives, as a shopkeeper would tell them apart. */
export const CANCEL_MOTIVES: { id: '01' | '02' | '03' | '04'; title: Pair; help: Pair }[] = [
  {
    id: '02',
    title: ['02 · Tiene errores y no se sustituye', '02 · Has errors, no replacement'],
    help: [
      'La factura salió con un dato mal (RFC, nombre, uso del CFDI, importe) y no vas a emitir otra en su lugar, o la emitirás después. Es el motivo más común.',
      'The invoice has a wrong detail (RFC, name, use, amount) and you are not issuing one to replace it, or will later. The most common motive.',
    ],
  },
  {
    id: '01',
    title: ['01 · Tiene errores y ya la sustituiste', '01 · Has errors, already replaced'],
    help: [
      'Ya emitiste una factura nueva y correcta que reemplaza a esta: escribe el folio fiscal (UUID) de la nueva.',
      'You already issued a correct invoice that replaces this one: type the new one’s fiscal folio (UUID).',
    ],
  },
  {
    id: '03',
    title: ['03 · La venta no se realizó', '03 · The sale did not happen'],
    help: [
      'Se facturó algo que al final no se vendió: el cliente no se llevó la mercancía o se le devolvió todo su dinero.',
      'Something was invoiced that in the end was not sold: the goods were not taken or the money was returned in full.',
    ],
  },
  {
    id: '04',
    title: ['04 · Ticket que iba en una factura global', '04 · Ticket included in a global invoice'],
    help: [
      'Cancelas una factura global porque un cliente pidió la factura de su ticket a su nombre; después emite otra global sin ese ticket.',
      'You cancel a global invoice because a customer asked for an invoice in their name for one of its tickets; then issue the global again without it.',
    ],
  },
];

/** SAT's c_Periodicidad of a global invoice. */
export const PERIODICIDADES: { id: Periodicidad; label: Pair }[] = [
  { id: '01', label: ['Día', 'Day'] },
  { id: '02', label: ['Semana', 'Week'] },
  { id: '03', label: ['Quincena', 'Fortnight'] },
  { id: '04', label: ['Mes', 'Month'] },
  { id: '05', label: ['Bimestre', 'Two months'] },
];

/** The days a global invoice of this periodicidad covers around `date`: the server's own rule. */
export function periodOf(periodicidad: Periodicidad, date: string): { from: string; to: string } {
  const { from, to } = globalPeriod(periodicidad, date);
  return { from, to };
}

/** `2026-11-23` → `23/11/2026` without going through a time zone. */
export function dayLabel(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

export const xmlUrl = (id: string) => `${API_BASE}/invoicing/invoices/${id}/xml`;
export const pdfUrl = (id: string) => `${API_BASE}/invoicing/invoices/${id}/pdf`;

/** `A-12`, or the folio alone when there is no series. */
export const folioOf = (inv: Pick<Invoice, 'serie' | 'folio'>) =>
  inv.serie ? `${inv.serie}-${inv.folio}` : inv.folio;

/** A File as base64 (what POST /invoicing/setup/csd expects for the .cer and .key). */
export async function fileToBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
