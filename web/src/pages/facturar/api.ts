import { ApiError, get, post } from '../../lib/api';

/** Mirrors of the public self-invoicing routes (src/modules/invoicing/invoicing.routes.ts). */
export interface TicketFound {
  business: string;
  ticketNumber: number;
  date: string;
  /** As printed on the ticket. */
  total: string;
  /** What the invoice will be for: the printed total minus what was refunded on returns. */
  invoiceTotal: string;
  refunded: string;
  invoiced: boolean;
  deadline: string;
  canInvoice: boolean;
  /** The business's privacy notice (/privacidad/…). */
  privacyNoticeUrl: string;
}

export interface Receptor {
  rfc: string;
  nombre: string;
  regimenFiscal: string;
  codigoPostal: string;
  usoCfdi: string;
}

export interface SelfInvoiceResult {
  invoiceId: string;
  status: 'pending' | 'stamped' | 'rejected';
  uuid: string | null;
  total: string;
  xmlUrl: string;
  pdfUrl: string;
  message: string | null;
}

/** GET /sat/receptor-options (src/modules/sat-catalogs). */
export interface RegimenOption {
  id: string;
  texto: string;
  fisica: boolean;
  moral: boolean;
}
export interface UsoOption extends RegimenOption {
  regimenes: string[];
}
export interface ReceptorOptions {
  regimenes: RegimenOption[];
  usos: UsoOption[];
}

export const lookupTicket = (code: string, total: string) =>
  post<TicketFound>('/invoicing/public/lookup', { code, total });

export const requestInvoice = (code: string, total: string, receptor: Receptor) =>
  post<SelfInvoiceResult>('/invoicing/public/invoices', { code, total, receptor }, { timeoutMs: 60_000 });

export const receptorOptions = () => get<ReceptorOptions>('/sat/receptor-options');

export type Field = 'code' | 'total' | keyof Receptor;

/** Which form field a server error speaks about (the rest are shown above the button). */
export function fieldOf(err: ApiError): Partial<Record<Field | 'form', string>> {
  const out: Partial<Record<Field | 'form', string>> = {};
  const byPath = err.fieldErrors();
  for (const [path, message] of Object.entries(byPath)) {
    const key = path.replace(/^receptor\./, '') as Field;
    out[key] = message;
  }
  if (Object.keys(out).length > 0) return out;
  const code = err.code;
  const where = String(err.details.field ?? '');
  let field: Field | 'form' = 'form';
  if (code === 'SELF_INVOICE_NOT_FOUND') field = 'code';
  else if (/RFC/.test(code) || /Rfc/.test(where)) field = 'rfc';
  else if (/POSTAL_CODE/.test(code) || /DomicilioFiscal/.test(where)) field = 'codigoPostal';
  else if (/REGIMEN/.test(code) || /Regimen/.test(where)) field = 'regimenFiscal';
  else if (/USO/.test(code) || /Uso/.test(where)) field = 'usoCfdi';
  else if (/NOMBRE|NAME/.test(code) || /Nombre/.test(where)) field = 'nombre';
  out[field] = err.message;
  return out;
}

/** 12 characters: a company (persona moral); 13: a person (persona física). */
export function personaOf(rfc: string): 'fisica' | 'moral' | null {
  const s = rfc.trim();
  if (s.length === 13) return 'fisica';
  if (s.length === 12) return 'moral';
  return null;
}

export { ApiError };
