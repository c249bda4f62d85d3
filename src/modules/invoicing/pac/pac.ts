/**
 * What varies between PACs (proveedores autorizados de certificación): stamping a sealed
 * CFDI, cancelling it with SAT's motives and asking SAT's status. `SandboxPac` works offline
 * for development and demo; `FinkokPac` speaks Finkok's SOAP web services.
 */

export interface StampResult {
  uuid: string;
  /** The CFDI with its tfd:TimbreFiscalDigital, exactly as the PAC returned it. */
  xml: string;
  fechaTimbrado: string;
  noCertificadoSAT: string;
  /** True when the PAC said the document was stamped before and returned that stamp. */
  duplicate: boolean;
}

export type PacErrorKind =
  /** The document is unacceptable (schema, seal, dates, RFC): fix and issue a new one. */
  | 'rejected'
  /** Our credentials or account: retry after the configuration is fixed. */
  | 'auth'
  /** Network, timeout, 5xx: retry later with the SAME document. */
  | 'unavailable';

export class PacError extends Error {
  constructor(
    readonly kind: PacErrorKind,
    /** The PAC's or SAT's code (`301`, `CFDI40108`, `HTTP_503`, `TIMEOUT`). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** SAT motives: 01 con relación (needs the replacing UUID), 02 sin relación, 03 no se llevó a cabo, 04 global. */
export type CancelMotivo = '01' | '02' | '03' | '04';

export interface CancelRequest {
  uuid: string;
  rfcEmisor: string;
  rfcReceptor: string;
  total: string;
  motivo: CancelMotivo;
  folioSustitucion?: string;
  /** The issuer's CSD as PEM (certificate, and the private key unencrypted PKCS#8). */
  cerPem: string;
  keyPem: string;
}

export interface CancelResult {
  /** cancelled: done; in_process: the receiver must accept (SAT gives 72 h); rejected: refused. */
  status: 'cancelled' | 'in_process' | 'rejected';
  /** SAT's acuse (XML) as the PAC returned it. */
  acuse: string;
  code: string;
}

export interface StatusRequest {
  uuid: string;
  rfcEmisor: string;
  rfcReceptor: string;
  total: string;
}

export interface StatusResult {
  /** SAT's Estado: Vigente, Cancelado, No Encontrado. */
  estado: string;
  esCancelable: string;
  /** SAT's EstatusCancelacion: '', En proceso, Cancelado con aceptación, Solicitud rechazada, ... */
  estatusCancelacion: string;
}

export interface PacClient {
  readonly name: string;
  stamp(xml: string): Promise<StampResult>;
  cancel(req: CancelRequest): Promise<CancelResult>;
  status(req: StatusRequest): Promise<StatusResult>;
}

/** Map SAT's status answer to our cancel status (null when nothing changed). */
export function cancelStatusOf(s: StatusResult): 'cancelled' | 'in_process' | 'rejected' | null {
  if (s.estado === 'Cancelado') return 'cancelled';
  const e = s.estatusCancelacion.toLowerCase();
  if (e.includes('rechaz')) return 'rejected';
  if (e.includes('proceso')) return 'in_process';
  return null;
}
