import type { ColumnType } from 'kysely';
import type { Generated, JsonDefault, JsonWrite, Numeric, Timestamp } from '../../db/types.js';

type NullableJson<T> = ColumnType<T | null, JsonWrite | null, JsonWrite | null>;

export type InvoiceKind = 'ingreso' | 'global' | 'egreso' | 'pago';
export type InvoiceStatus = 'pending' | 'stamped' | 'rejected';
export type CancelStatus = 'requested' | 'in_process' | 'cancelled' | 'rejected';

export interface FiscalProfilesTable {
  tenant_id: string;
  rfc: string;
  nombre: string;
  regimen_fiscal: string;
  self_invoice_mode: 'days' | 'month';
  self_invoice_days: number;
  updated_at: Timestamp;
}

export interface FiscalLocationsTable {
  tenant_id: string;
  location_id: string;
  postal_code: string;
}

export interface CsdCertificatesTable {
  tenant_id: string;
  no_certificado: string;
  rfc: string;
  valid_from: Timestamp;
  valid_to: Timestamp;
  cer: string;
  key_enc: string;
  password_enc: string;
  active: boolean;
  uploaded_by: string | null;
  created_at: Timestamp;
}

export interface InvoiceSeriesTable {
  tenant_id: string;
  serie: string;
  tipo: 'I' | 'E' | 'P';
  next_folio: Generated<string>;
  is_default: Generated<boolean>;
}

/** What later documents need from an invoice: its receptor and its Impuestos summary. */
export interface InvoiceSummary {
  receptor?: {
    rfc: string;
    nombre: string;
    domicilioFiscalReceptor: string;
    regimenFiscalReceptor: string;
    usoCfdi: string;
  };
  traslados?: Array<{
    impuesto: 'IVA' | 'IEPS';
    tipoFactor: 'Tasa' | 'Cuota' | 'Exento';
    tasaOCuota?: string;
    base: string;
  }>;
  /** Retentions of an ingreso by impuesto and rate, base in centavos (for Pagos 2.0). */
  retenciones?: Array<{
    impuesto: 'ISR' | 'IVA';
    tipoFactor: 'Tasa';
    tasaOCuota: string;
    base: string;
  }>;
  objetoImp?: '01' | '02';
  saleIds?: string[];
  /** Returns already netted out of an ingreso (made before it was issued): no credit note. */
  returnIds?: string[];
  periodo?: { periodicidad: string; meses: string; año: string; from: string; to: string };
}

export interface InvoicesTable {
  tenant_id: string;
  id: string;
  kind: InvoiceKind;
  tipo_comprobante: 'I' | 'E' | 'P';
  serie: string;
  folio: string;
  status: InvoiceStatus;
  cancel_status: CancelStatus | null;
  cancel_motivo: string | null;
  cancel_replacement_uuid: string | null;
  location_id: string | null;
  customer_id: string | null;
  receptor_rfc: string;
  receptor_nombre: string;
  fecha: string;
  subtotal: Numeric;
  descuento: Numeric | null;
  total: Numeric;
  metodo_pago: string | null;
  forma_pago: string | null;
  uuid: string | null;
  stamped_at: Timestamp | null;
  summary: JsonDefault<InvoiceSummary>;
  related_invoice_id: string | null;
  tipo_relacion: string | null;
  return_id: string | null;
  pac_error: NullableJson<Record<string, unknown>>;
  access_secret: string;
  self_invoiced: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface InvoiceSalesTable {
  tenant_id: string;
  invoice_id: string;
  sale_id: string;
  released_at: Timestamp | null;
}

export interface PacJobsTable {
  tenant_id: string;
  id: Generated<string>;
  invoice_id: string;
  kind: 'stamp' | 'cancel';
  status: 'pending' | 'done' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  last_error: NullableJson<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InvoiceDocumentsTable {
  tenant_id: string;
  id: Generated<string>;
  invoice_id: string;
  kind: 'sealed' | 'stamped' | 'cancel_acuse';
  content: string;
  created_at: Timestamp;
}

export interface InvoicePaymentsTable {
  tenant_id: string;
  id: string;
  invoice_id: string;
  num_parcialidad: number;
  amount: Numeric;
  saldo_anterior: Numeric;
  saldo_insoluto: Numeric;
  forma_pago: string;
  paid_at: Timestamp;
  pago_invoice_id: string;
  /** the abono (account_movements) that paid it, when it came from the customer's account */
  account_movement_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

/** The sandbox PAC's record of a document it stamped (013_sandbox_pac.sql; not tenant data). */
export interface SandboxPacStampsTable {
  sello_hash: string;
  uuid: string;
  rfc_emisor: string;
  rfc_receptor: string;
  total: Numeric;
  fecha_timbrado: string;
  xml: string;
  created_at: Timestamp;
}

/** The sandbox PAC's record of a cancellation request and where SAT's answer stands. */
export interface SandboxPacCancellationsTable {
  uuid: string;
  rfc_emisor: string;
  motivo: '01' | '02' | '03' | '04';
  folio_sustitucion: string | null;
  estado: string;
  es_cancelable: string;
  estatus_cancelacion: string;
  acuse: string;
  code: string;
  requested_at: Timestamp;
  updated_at: Timestamp;
}

/** The part of an abono for an invoice whose CFDI de pago is still to be issued (030). */
export interface AbonoPendingPagosTable {
  tenant_id: string;
  account_movement_id: string;
  invoice_id: string;
  amount: Numeric;
  forma_pago: string;
  num_operacion: string | null;
  last_error: string;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  created_by: string | null;
  created_at: Timestamp;
}

export interface InvoicingTables {
  fiscal_profiles: FiscalProfilesTable;
  fiscal_locations: FiscalLocationsTable;
  csd_certificates: CsdCertificatesTable;
  invoice_series: InvoiceSeriesTable;
  invoices: InvoicesTable;
  invoice_sales: InvoiceSalesTable;
  pac_jobs: PacJobsTable;
  invoice_documents: InvoiceDocumentsTable;
  invoice_payments: InvoicePaymentsTable;
  abono_pending_pagos: AbonoPendingPagosTable;
  sandbox_pac_stamps: SandboxPacStampsTable;
  sandbox_pac_cancellations: SandboxPacCancellationsTable;
}
