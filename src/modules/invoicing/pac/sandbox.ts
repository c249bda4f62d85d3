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
import { D } from '../../../shared/money.js';
import { escapeAttr } from '../cfdi/xml.js';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.js';
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
  /** Where the sandbox keeps what it stamped and the cancellations it was asked for. */
  db: Kysely<DB>;
  now?: () => Date;
  /** Check the document against SAT's XSD with xmllint when it is installed (default true). */
  schema?: boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * An offline PAC: checks what a PAC checks (well-formed CFDI 4.0, SAT's schema when xmllint is
 * available, the seal over the cadena original, the certificate's RFC and validity, Fecha
 * within 72 hours) with the PAC error codes of Anexo 20 (301 XML mal formado, 302 sello
 * inválido, 303 sello no corresponde al emisor, 305 certificado no vigente, 307 timbre
 * previo, 401 fecha fuera de rango), then returns a TimbreFiscalDigital 1.1 signed with a
 * local test key. The same document always gets the same UUID. Like a real PAC it keeps its
 * own records, in the database (`sandbox_pac_stamps`, `sandbox_pac_cancellations`): after a
 * restart a re-sent document still answers 307 with its first stamp, and a cancellation keeps
 * its status and acuse.
 */
export class SandboxPac implements PacClient {
  readonly name = 'sandbox';
  private readonly key = createPrivateKey(readFileSync(join(FIXTURES, 'sandbox-pac.key.pem')));
  private readonly db: Kysely<DB>;
  /** Documents this instance stamped (not counting duplicates), for tests. */
  stampCount = 0;
  constructor(private readonly opts: SandboxPacOptions) {
    this.db = opts.db;
  }

  static certificatePem(): string {
    return readFileSync(join(FIXTURES, 'sandbox-pac.cer.pem'), 'utf8');
  }

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  private async stampBySello(sello: string): Promise<StampResult | null> {
    const r = await this.db
      .selectFrom('sandbox_pac_stamps')
      .select(['uuid', 'xml', 'fecha_timbrado'])
      .where('sello_hash', '=', sha256(sello))
      .executeTakeFirst();
    return r
      ? {
          uuid: r.uuid,
          xml: r.xml,
          fechaTimbrado: r.fecha_timbrado,
          noCertificadoSAT: SANDBOX_NO_CERTIFICADO_SAT,
          duplicate: true,
        }
      : null;
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
    const prior = await this.stampBySello(sello);
    if (prior) return prior;
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
    const party = (local: string) => {
      const n = root.children.find((c) => typeof c !== 'string' && c.local === local);
      return typeof n === 'object' ? n.attrs.find(([k]) => k === 'Rfc')?.[1] : undefined;
    };
    const rfc = party('Emisor');
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
    const stamped = insertTimbre(xml, node);
    // Two requests with the same document at once: the first insert wins, the other answers 307.
    const inserted = await this.db
      .insertInto('sandbox_pac_stamps')
      .values({
        sello_hash: sha256(sello),
        uuid: tfd.UUID,
        rfc_emisor: rfc,
        rfc_receptor: party('Receptor') ?? '',
        total: at('Total') ?? '0',
        fecha_timbrado: tfd.FechaTimbrado,
        xml: stamped,
        created_at: now,
      })
      .onConflict((oc) => oc.column('sello_hash').doNothing())
      .returning('uuid')
      .executeTakeFirst();
    if (!inserted) return (await this.stampBySello(sello))!;
    this.stampCount++;
    return {
      uuid: tfd.UUID,
      xml: stamped,
      fechaTimbrado: tfd.FechaTimbrado,
      noCertificadoSAT: SANDBOX_NO_CERTIFICADO_SAT,
      duplicate: false,
    };
  }

  /**
   * SAT's cancellation rules as the sandbox plays them: an unknown UUID (or another issuer's)
   * is 205; an already cancelled one 202; up to $1,000, público en general / extranjero and
   * motive 04 cancel at once (201), anything else waits for the receiver (en proceso). The
   * amounts and RFCs are those of the stamped document, not of the request.
   */
  async cancel(req: CancelRequest): Promise<CancelResult> {
    const now = this.now();
    const fecha = fechaCfdi(now);
    const acuse = (code: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<Acuse Fecha="${fecha}" RfcEmisor="${escapeAttr(req.rfcEmisor)}">` +
      `<Folios><UUID>${escapeAttr(req.uuid)}</UUID><EstatusUUID>${code}</EstatusUUID></Folios></Acuse>\n`;
    const doc = await this.db
      .selectFrom('sandbox_pac_stamps')
      .select(['uuid', 'rfc_emisor', 'rfc_receptor', 'total'])
      .where('uuid', '=', req.uuid)
      .executeTakeFirst();
    if (!doc || doc.rfc_emisor !== req.rfcEmisor)
      return { status: 'rejected', acuse: acuse('205'), code: '205' };
    const prev = await this.db
      .selectFrom('sandbox_pac_cancellations')
      .select(['estado', 'estatus_cancelacion'])
      .where('uuid', '=', req.uuid)
      .executeTakeFirst();
    if (prev?.estado === 'Cancelado') return { status: 'cancelled', acuse: acuse('202'), code: '202' };
    if (prev && prev.estatus_cancelacion === 'En proceso')
      return { status: 'in_process', acuse: acuse('201'), code: '201' };
    // SAT cancels without the receiver's acceptance up to $1,000, público en general and motive 04.
    const generic = doc.rfc_receptor === 'XAXX010101000' || doc.rfc_receptor === 'XEXX010101000';
    const noAcceptance = generic || req.motivo === '04' || new D(doc.total).lte(1000);
    const state = noAcceptance
      ? {
          estado: 'Cancelado',
          es_cancelable: 'Cancelable sin aceptación',
          estatus_cancelacion: 'Cancelado sin aceptación',
        }
      : { estado: 'Vigente', es_cancelable: 'Cancelable con aceptación', estatus_cancelacion: 'En proceso' };
    const row = {
      rfc_emisor: req.rfcEmisor,
      motivo: req.motivo,
      folio_sustitucion: req.folioSustitucion ?? null,
      ...state,
      acuse: acuse('201'),
      code: '201',
      requested_at: now,
      updated_at: now,
    };
    await this.db
      .insertInto('sandbox_pac_cancellations')
      .values({ uuid: req.uuid, ...row })
      .onConflict((oc) => oc.column('uuid').doUpdateSet(row))
      .execute();
    return { status: noAcceptance ? 'cancelled' : 'in_process', acuse: row.acuse, code: '201' };
  }

  /**
   * Test and demo hook: the receiver accepts or rejects a cancellation in process. Returns
   * false when that UUID has no cancellation waiting for the receiver.
   */
  async receiverAnswers(uuid: string, accept: boolean): Promise<boolean> {
    const r = await this.db
      .updateTable('sandbox_pac_cancellations')
      .set({
        estado: accept ? 'Cancelado' : 'Vigente',
        estatus_cancelacion: accept ? 'Cancelado con aceptación' : 'Solicitud rechazada',
        updated_at: this.now(),
      })
      .where('uuid', '=', uuid)
      .where('estatus_cancelacion', '=', 'En proceso')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async status(req: StatusRequest): Promise<StatusResult> {
    const c = await this.db
      .selectFrom('sandbox_pac_cancellations')
      .select(['estado', 'es_cancelable', 'estatus_cancelacion'])
      .where('uuid', '=', req.uuid)
      .executeTakeFirst();
    if (c)
      return { estado: c.estado, esCancelable: c.es_cancelable, estatusCancelacion: c.estatus_cancelacion };
    const known = await this.db
      .selectFrom('sandbox_pac_stamps')
      .select('uuid')
      .where('uuid', '=', req.uuid)
      .executeTakeFirst();
    return known
      ? { estado: 'Vigente', esCancelable: 'Cancelable sin aceptación', estatusCancelacion: '' }
      : { estado: 'No Encontrado', esCancelable: '', estatusCancelacion: '' };
  }
}
