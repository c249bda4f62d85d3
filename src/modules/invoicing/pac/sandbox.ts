import { spawn } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey, sign, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cadenaOriginalFromXml,
  fechaCfdi,
  instantOfFecha,
  parseXml,
  tfdCadenaOriginal,
} from '../cfdi/index.js';
import { SAT_XSD_DIR } from '../../../sat/shared-dir.js';
import { escapeAttr } from '../cfdi/xml.js';
import {
  type CancelRequest,
  type CancelResult,
  type PacClient,
  PacError,
  type StampResult,
  type StatusRequest,
  type StatusResult,
} from './pac.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, '../fixtures');
/** Our local "SAT" stamping certificate: its serial is these ASCII digits. Not valid before SAT. */
export const SANDBOX_NO_CERTIFICADO_SAT = '99999000000000000001';
export const SANDBOX_RFC_PROV_CERTIF = 'SPR190613I52';
const SCHEMA = join(SAT_XSD_DIR, 'cfdv40-bundle.xsd');

const TFD_NS = 'http://www.sat.gob.mx/TimbreFiscalDigital';
const TFD_LOCATION = `${TFD_NS} http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd`;

function xmllint(xml: string): Promise<{ ok: boolean; message: string } | null> {
  if (!existsSync(SCHEMA)) return Promise.resolve(null);
  return new Promise((done) => {
    let out = '';
    const p = spawn('xmllint', ['--nonet', '--noout', '--schema', SCHEMA, '-'], { stdio: 'pipe' });
    p.on('error', () => done(null));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => done({ ok: code === 0, message: out.split('\n')[0] ?? '' }));
    p.stdin.end(xml);
  });
}

/** Insert the TFD into the CFDI text the way a PAC does: the document bytes stay as sealed. */
export function insertTimbre(xml: string, tfd: string): string {
  const close = '</cfdi:Complemento>';
  const at = xml.lastIndexOf(close);
  if (at >= 0) return `${xml.slice(0, at)}  ${tfd}\n  ${xml.slice(at)}`;
  const end = xml.lastIndexOf('</cfdi:Comprobante>');
  return `${xml.slice(0, end)}  <cfdi:Complemento>\n    ${tfd}\n  </cfdi:Complemento>\n${xml.slice(end)}`;
}

function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-A${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface SandboxPacOptions {
  now?: () => Date;
  /** Check the document against SAT's XSD with xmllint when it is installed (default true). */
  schema?: boolean;
}

/**
 * An offline PAC: checks what a PAC checks (well-formed CFDI 4.0, SAT's schema when xmllint is
 * available, the seal over the cadena original, the certificate's RFC and validity, Fecha
 * within 72 hours) with the PAC error codes of Anexo 20 (301 XML mal formado, 302 sello
 * inválido, 303 sello no corresponde al emisor, 305 certificado no vigente, 307 timbre
 * previo, 401 fecha fuera de rango), then returns a TimbreFiscalDigital 1.1 signed with a
 * local test key. The same document always gets the same UUID.
 */
export class SandboxPac implements PacClient {
  readonly name = 'sandbox';
  private readonly key = createPrivateKey(readFileSync(join(FIXTURES, 'sandbox-pac.key.pem')));
  private readonly stamped = new Map<string, StampResult>();
  private readonly cancels = new Map<string, StatusResult>();
  /** Documents stamped (not counting duplicates), for tests. */
  stampCount = 0;
  constructor(private readonly opts: SandboxPacOptions = {}) {}

  static certificatePem(): string {
    return readFileSync(join(FIXTURES, 'sandbox-pac.cer.pem'), 'utf8');
  }

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  async stamp(xml: string): Promise<StampResult> {
    let root: ReturnType<typeof parseXml>;
    try {
      root = parseXml(xml);
    } catch (e) {
      throw new PacError('rejected', '301', `XML mal formado: ${(e as Error).message}`);
    }
    const at = (n: string) => root.attrs.find(([k]) => k === n)?.[1];
    if (root.local !== 'Comprobante' || at('Version') !== '4.0')
      throw new PacError('rejected', '301', 'XML mal formado: no es un CFDI 4.0');
    if (this.opts.schema !== false) {
      const v = await xmllint(xml);
      if (v && !v.ok) throw new PacError('rejected', '301', `XML mal formado: ${v.message}`);
    }
    const sello = at('Sello') ?? '';
    const prior = this.stamped.get(sello);
    if (prior) return { ...prior, duplicate: true };
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(at('Certificado') ?? '', 'base64'));
    } catch {
      throw new PacError('rejected', '308', 'Certificado no expedido por el SAT');
    }
    let cadena: string;
    try {
      cadena = cadenaOriginalFromXml(xml);
    } catch (e) {
      throw new PacError('rejected', '301', `XML mal formado: ${(e as Error).message}`);
    }
    const ok = verify('sha256', Buffer.from(cadena, 'utf8'), cert.publicKey, Buffer.from(sello, 'base64'));
    if (!ok) throw new PacError('rejected', '302', 'Sello mal formado o inválido');
    const emisor = root.children.find((c) => typeof c !== 'string' && c.local === 'Emisor');
    const rfc = typeof emisor === 'object' ? emisor.attrs.find(([k]) => k === 'Rfc')?.[1] : undefined;
    if (!rfc || !cert.subject.includes(rfc))
      throw new PacError('rejected', '303', 'Sello no corresponde a emisor');
    const fecha = instantOfFecha(at('Fecha') ?? '');
    if (fecha < new Date(cert.validFrom) || fecha > new Date(cert.validTo))
      throw new PacError(
        'rejected',
        '305',
        'La fecha de emisión no está dentro de la vigencia del CSD del Emisor',
      );
    const now = this.now();
    if (fecha.getTime() > now.getTime() + 5 * 60_000 || now.getTime() - fecha.getTime() > 72 * 3600_000)
      throw new PacError('rejected', '401', 'Fecha y hora de generación fuera de rango');

    const tfd = {
      Version: '1.1',
      UUID: uuidFrom(sello),
      FechaTimbrado: fechaCfdi(now),
      RfcProvCertif: SANDBOX_RFC_PROV_CERTIF,
      SelloCFD: sello,
      NoCertificadoSAT: SANDBOX_NO_CERTIFICADO_SAT,
    };
    const selloSAT = sign('sha256', Buffer.from(tfdCadenaOriginal(tfd), 'utf8'), this.key).toString('base64');
    const node =
      `<tfd:TimbreFiscalDigital xmlns:tfd="${TFD_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
      ` xsi:schemaLocation="${TFD_LOCATION}"` +
      Object.entries({ ...tfd, SelloSAT: selloSAT })
        .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
        .join('') +
      '/>';
    const result: StampResult = {
      uuid: tfd.UUID,
      xml: insertTimbre(xml, node),
      fechaTimbrado: tfd.FechaTimbrado,
      noCertificadoSAT: SANDBOX_NO_CERTIFICADO_SAT,
      duplicate: false,
    };
    this.stamped.set(sello, result);
    this.stampCount++;
    return result;
  }

  async cancel(req: CancelRequest): Promise<CancelResult> {
    const known = [...this.stamped.values()].some((s) => s.uuid === req.uuid);
    const fecha = fechaCfdi(this.now());
    const acuse = (code: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<Acuse Fecha="${fecha}" RfcEmisor="${escapeAttr(req.rfcEmisor)}">` +
      `<Folios><UUID>${req.uuid}</UUID><EstatusUUID>${code}</EstatusUUID></Folios></Acuse>\n`;
    if (!known) return { status: 'rejected', acuse: acuse('205'), code: '205' };
    const prev = this.cancels.get(req.uuid);
    if (prev?.estado === 'Cancelado') return { status: 'cancelled', acuse: acuse('202'), code: '202' };
    // SAT cancels without the receiver's acceptance up to $1,000, público en general and motive 04.
    const generic = req.rfcReceptor === 'XAXX010101000' || req.rfcReceptor === 'XEXX010101000';
    const noAcceptance = generic || req.motivo === '04' || Number(req.total) <= 1000;
    if (noAcceptance) {
      this.cancels.set(req.uuid, {
        estado: 'Cancelado',
        esCancelable: 'Cancelable sin aceptación',
        estatusCancelacion: 'Cancelado sin aceptación',
      });
      return { status: 'cancelled', acuse: acuse('201'), code: '201' };
    }
    this.cancels.set(req.uuid, {
      estado: 'Vigente',
      esCancelable: 'Cancelable con aceptación',
      estatusCancelacion: 'En proceso',
    });
    return { status: 'in_process', acuse: acuse('201'), code: '201' };
  }

  /** Test and demo hook: the receiver accepts or rejects a cancellation in process. */
  receiverAnswers(uuid: string, accept: boolean): void {
    this.cancels.set(uuid, {
      estado: accept ? 'Cancelado' : 'Vigente',
      esCancelable: 'Cancelable con aceptación',
      estatusCancelacion: accept ? 'Cancelado con aceptación' : 'Solicitud rechazada',
    });
  }

  async status(req: StatusRequest): Promise<StatusResult> {
    const c = this.cancels.get(req.uuid);
    if (c) return c;
    const known = [...this.stamped.values()].some((s) => s.uuid === req.uuid);
    return known
      ? { estado: 'Vigente', esCancelable: 'Cancelable sin aceptación', estatusCancelacion: '' }
      : { estado: 'No Encontrado', esCancelable: '', estatusCancelacion: '' };
  }
}
