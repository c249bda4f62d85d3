import { createPrivateKey } from 'node:crypto';
import { parseXml } from '../cfdi/index.js';
import { escapeText, type XmlElement } from '../cfdi/xml.js';
import {
  type CancelRequest,
  type CancelResult,
  type PacClient,
  PacError,
  type StampResult,
  type StatusRequest,
  type StatusResult,
} from './pac.js';

/**
 * Finkok (https://www.finkok.com), SOAP 1.1 web services as published in its WSDLs:
 * - `{url}/servicios/soap/stamp`  operations `stamp` and `stamped` (xml base64, username, password)
 *   → `stampResult` { xml, UUID, Fecha, CodEstatus, SatSeal, NoCertificadoSAT, Incidencias }
 * - `{url}/servicios/soap/cancel` operations `cancel` (UUIDS/UUID@UUID@Motivo@FolioSustitucion,
 *   username, password, taxpayer_id, cer, key, store_pending) → `cancelResult` { Folios, Acuse,
 *   Fecha, RfcEmisor, CodEstatus } and `get_sat_status` (taxpayer_id, rtaxpayer_id, uuid, total)
 *   → `get_sat_statusResult/sat` { CodigoEstatus, Estado, EsCancelable, EstatusCancelacion }.
 * Incidencia 307 ("timbre previo") means the same document was stamped before: its stamp is
 * recovered (from the answer, else with `stamped`), never a second UUID.
 */
export interface FinkokOptions {
  /** https://demo-facturacion.finkok.com (tests) or https://facturacion.finkok.com. */
  url: string;
  username: string;
  password: string;
  timeoutMs?: number;
}

const NS_STAMP = 'http://facturacion.finkok.com/stamp';
const NS_CANCEL = 'http://facturacion.finkok.com/cancel';
const NS_APPS = 'apps.services.soap.core.views';
const AUTH_CODES = new Set(['300', '702', '703']);

function find(node: XmlElement, local: string): XmlElement | undefined {
  for (const c of node.children) {
    if (typeof c === 'string') continue;
    if (c.local === local) return c;
    const f = find(c, local);
    if (f) return f;
  }
  return undefined;
}
function findAll(node: XmlElement, local: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of node.children) {
    if (typeof c === 'string') continue;
    if (c.local === local) out.push(c);
    findAll(c, local, out);
  }
  return out;
}
function text(node: XmlElement | undefined): string {
  if (!node) return '';
  return node.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');
}

export class FinkokPac implements PacClient {
  readonly name = 'finkok';
  constructor(private readonly opts: FinkokOptions) {}

  private async call(service: 'stamp' | 'cancel', op: string, body: string): Promise<XmlElement> {
    const ns = service === 'stamp' ? NS_STAMP : NS_CANCEL;
    const envelope =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="${ns}" xmlns:apps="${NS_APPS}">` +
      `<soapenv:Header/><soapenv:Body><ns:${op}>${body}</ns:${op}></soapenv:Body></soapenv:Envelope>`;
    let res: Response;
    try {
      res = await fetch(`${this.opts.url.replace(/\/$/, '')}/servicios/soap/${service}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${op}"` },
        body: envelope,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (e) {
      const err = e as Error;
      const timeout = err.name === 'TimeoutError' || err.name === 'AbortError';
      throw new PacError('unavailable', timeout ? 'TIMEOUT' : 'NETWORK', `Finkok: ${err.message}`);
    }
    const raw = await res.text().catch(() => '');
    if (res.status === 401 || res.status === 403)
      throw new PacError('auth', `HTTP_${res.status}`, 'Finkok: acceso denegado');
    let root: XmlElement | undefined;
    try {
      root = parseXml(raw);
    } catch {
      root = undefined;
    }
    const fault = root ? find(root, 'Fault') : undefined;
    if (fault) {
      const msg = text(find(fault, 'faultstring'));
      if (/usuario|password|contrase|credential|auth/i.test(msg))
        throw new PacError('auth', 'FAULT_AUTH', `Finkok: ${msg}`);
      throw new PacError(res.status >= 500 ? 'unavailable' : 'rejected', 'FAULT', `Finkok: ${msg}`);
    }
    if (res.status >= 500 || !root)
      throw new PacError('unavailable', `HTTP_${res.status}`, `Finkok respondió ${res.status}`);
    return root;
  }

  private auth(): string {
    return `<ns:username>${escapeText(this.opts.username)}</ns:username><ns:password>${escapeText(this.opts.password)}</ns:password>`;
  }

  private parseStamp(root: XmlElement, container: string): StampResult | { code: string; message: string } {
    const r = find(root, container);
    if (!r) throw new PacError('unavailable', 'BAD_ANSWER', `Finkok: respuesta sin ${container}`);
    const xml = text(find(r, 'xml'));
    const uuid = text(find(r, 'UUID'));
    const inc = findAll(r, 'Incidencia')[0];
    const code = inc ? text(find(inc, 'CodigoError')) : '';
    if (xml && uuid) {
      return {
        uuid: uuid.toUpperCase(),
        xml,
        fechaTimbrado: text(find(r, 'Fecha')),
        noCertificadoSAT: text(find(r, 'NoCertificadoSAT')),
        duplicate: code === '307',
      };
    }
    return {
      code: code || 'UNKNOWN',
      message: inc ? text(find(inc, 'MensajeIncidencia')) : text(find(r, 'CodEstatus')),
    };
  }

  async stamp(xml: string): Promise<StampResult> {
    const body = `<ns:xml>${Buffer.from(xml, 'utf8').toString('base64')}</ns:xml>${this.auth()}`;
    const first = this.parseStamp(await this.call('stamp', 'stamp', body), 'stampResult');
    if ('uuid' in first) return first;
    if (first.code === '307') {
      const again = this.parseStamp(await this.call('stamp', 'stamped', body), 'stampedResult');
      if ('uuid' in again) return { ...again, duplicate: true };
      throw new PacError('unavailable', '307', 'Finkok: timbre previo sin recuperar');
    }
    if (AUTH_CODES.has(first.code)) throw new PacError('auth', first.code, `Finkok: ${first.message}`);
    throw new PacError('rejected', first.code, first.message);
  }

  async cancel(req: CancelRequest): Promise<CancelResult> {
    // Finkok wants the key as PEM encrypted (3DES) with the Finkok account password.
    const keyPem = createPrivateKey(req.keyPem).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'des-ede3-cbc',
      passphrase: this.opts.password,
    }) as string;
    const body =
      `<ns:UUIDS><apps:UUID UUID="${req.uuid}" Motivo="${req.motivo}" FolioSustitucion="${req.folioSustitucion ?? ''}"/></ns:UUIDS>` +
      this.auth() +
      `<ns:taxpayer_id>${escapeText(req.rfcEmisor)}</ns:taxpayer_id>` +
      `<ns:cer>${Buffer.from(req.cerPem).toString('base64')}</ns:cer>` +
      `<ns:key>${Buffer.from(keyPem).toString('base64')}</ns:key>` +
      '<ns:store_pending>false</ns:store_pending>';
    const root = await this.call('cancel', 'cancel', body);
    const r = find(root, 'cancelResult');
    if (!r) throw new PacError('unavailable', 'BAD_ANSWER', 'Finkok: respuesta sin cancelResult');
    const folio = findAll(r, 'Folio')[0];
    const acuse = text(find(r, 'Acuse'));
    const code = folio ? text(find(folio, 'EstatusUUID')) : text(find(r, 'CodEstatus'));
    const estatus = folio ? text(find(folio, 'EstatusCancelacion')) : '';
    if (AUTH_CODES.has(code)) throw new PacError('auth', code, `Finkok: ${text(find(r, 'CodEstatus'))}`);
    if (code === '202') return { status: 'cancelled', acuse, code };
    if (code === '201') {
      return { status: /proceso/i.test(estatus) ? 'in_process' : 'cancelled', acuse, code };
    }
    return { status: 'rejected', acuse: acuse || `<CodEstatus>${escapeText(code)}</CodEstatus>`, code };
  }

  async status(req: StatusRequest): Promise<StatusResult> {
    const body =
      this.auth() +
      `<ns:taxpayer_id>${escapeText(req.rfcEmisor)}</ns:taxpayer_id>` +
      `<ns:rtaxpayer_id>${escapeText(req.rfcReceptor)}</ns:rtaxpayer_id>` +
      `<ns:uuid>${req.uuid}</ns:uuid><ns:total>${req.total}</ns:total>`;
    const root = await this.call('cancel', 'get_sat_status', body);
    const sat = find(root, 'sat');
    if (!sat) throw new PacError('unavailable', 'BAD_ANSWER', 'Finkok: respuesta sin sat');
    return {
      estado: text(find(sat, 'Estado')),
      esCancelable: text(find(sat, 'EsCancelable')),
      estatusCancelacion: text(find(sat, 'EstatusCancelacion')),
    };
  }
}
