/**
 * A local fake of Finkok's SOAP stamping and cancellation services, on a real port, speaking
 * the real wire format (SOAP 1.1 envelopes, `stamp`/`stamped`/`cancel`/`get_sat_status`,
 * `stampResult` with Incidencias). It stamps with the SandboxPac, and can be told to answer
 * with an auth error, a 5xx outage or a timeout, or to omit the stamp on a 307 answer.
 */
import type { Kysely } from 'kysely';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DB } from '../../src/db/schema.js';
import { parseXml } from '../../src/modules/invoicing/cfdi/index.js';
import { escapeText, type XmlElement } from '../../src/modules/invoicing/cfdi/xml.js';
import type { PacError } from '../../src/modules/invoicing/pac/pac.js';
import { SandboxPac } from '../../src/modules/invoicing/pac/sandbox.js';

export type FakeMode = 'ok' | 'auth' | 'down' | 'timeout';

export interface FakeFinkok {
  url: string;
  username: string;
  password: string;
  mode: FakeMode;
  /** On 307 answer without the stamp (then the client must call `stamped`). */
  bare307: boolean;
  /** Every SOAP operation received, in order. */
  calls: string[];
  sandbox: SandboxPac;
  close(): Promise<void>;
}

function find(n: XmlElement, local: string): XmlElement | undefined {
  for (const c of n.children) {
    if (typeof c === 'string') continue;
    if (c.local === local) return c;
    const f = find(c, local);
    if (f) return f;
  }
  return undefined;
}
function text(n: XmlElement | undefined): string {
  return n ? n.children.map((c) => (typeof c === 'string' ? c : text(c))).join('') : '';
}

const ENV_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><senv:Envelope xmlns:senv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:s0="apps.services.soap.core.views" xmlns:tns="http://facturacion.finkok.com/%NS%"><senv:Body>';
const ENV_CLOSE = '</senv:Body></senv:Envelope>';

function envelope(ns: string, body: string): string {
  return ENV_OPEN.replace('%NS%', ns) + body + ENV_CLOSE;
}

function incidencia(code: string, message: string): string {
  return `<s0:Incidencias><s0:Incidencia><s0:IdIncidencia>1</s0:IdIncidencia><s0:CodigoError>${code}</s0:CodigoError><s0:MensajeIncidencia>${escapeText(message)}</s0:MensajeIncidencia><s0:RfcEmisor/><s0:NoCertificadoPac/></s0:Incidencia></s0:Incidencias>`;
}

export async function startFakeFinkok(opts: { db: Kysely<DB>; now?: () => Date }): Promise<FakeFinkok> {
  // Finkok's own records (stamps, cancellations) live in the sandbox's tables of the test database.
  const sandbox = new SandboxPac({ db: opts.db, now: opts.now, schema: false });
  const byUuid = new Map<string, string>();
  const fake: FakeFinkok = {
    url: '',
    username: 'pruebas@example.mx',
    password: 'Secreto-123',
    mode: 'ok',
    bare307: false,
    calls: [],
    sandbox,
    close: async () => {},
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (fake.mode === 'timeout') return; // never answers; the client's timeout fires
    if (fake.mode === 'down') {
      res
        .writeHead(503, { 'content-type': 'text/html' })
        .end('<html><body>Service Unavailable</body></html>');
      return;
    }
    let root: XmlElement;
    try {
      root = parseXml(body);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    const op = find(root, 'Body')?.children.find((c): c is XmlElement => typeof c !== 'string');
    const name = op?.local ?? '';
    fake.calls.push(name);
    const send = (ns: string, xml: string) =>
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(envelope(ns, xml));
    const authOk =
      text(find(op!, 'username')) === fake.username && text(find(op!, 'password')) === fake.password;
    if (req.url === '/servicios/soap/stamp' && (name === 'stamp' || name === 'stamped')) {
      const container = `${name}Result`;
      if (!authOk || fake.mode === 'auth') {
        return send(
          'stamp',
          `<tns:${name}Response><tns:${container}>${incidencia('300', 'Usuario o contraseña inválidos')}</tns:${container}></tns:${name}Response>`,
        );
      }
      const xml = Buffer.from(text(find(op!, 'xml')), 'base64').toString('utf8');
      try {
        const r = await sandbox.stamp(xml);
        byUuid.set(r.uuid, r.xml);
        const dup = r.duplicate || name === 'stamped';
        const stamp = `<s0:xml>${escapeText(r.xml)}</s0:xml><s0:UUID>${r.uuid}</s0:UUID><s0:Fecha>${r.fechaTimbrado}</s0:Fecha><s0:CodEstatus>${dup ? '' : 'Comprobante timbrado satisfactoriamente'}</s0:CodEstatus><s0:SatSeal>x</s0:SatSeal><s0:NoCertificadoSAT>${r.noCertificadoSAT}</s0:NoCertificadoSAT>`;
        if (r.duplicate && name === 'stamp') {
          const inc = incidencia('307', 'El CFDI contiene un timbre previo');
          return send(
            'stamp',
            `<tns:stampResponse><tns:stampResult>${fake.bare307 ? `<s0:xml/>${inc}` : `${stamp}${inc}`}</tns:stampResult></tns:stampResponse>`,
          );
        }
        return send(
          'stamp',
          `<tns:${name}Response><tns:${container}>${stamp}<s0:Incidencias/></tns:${container}></tns:${name}Response>`,
        );
      } catch (e) {
        const err = e as PacError;
        return send(
          'stamp',
          `<tns:${name}Response><tns:${container}><s0:xml/>${incidencia(err.code, err.message)}</tns:${container}></tns:${name}Response>`,
        );
      }
    }
    if (req.url === '/servicios/soap/cancel' && name === 'cancel') {
      if (!authOk || fake.mode === 'auth') {
        return send(
          'cancel',
          '<tns:cancelResponse><tns:cancelResult><s0:CodEstatus>300</s0:CodEstatus></tns:cancelResult></tns:cancelResponse>',
        );
      }
      const u = find(op!, 'UUID');
      const attr = (k: string) => u?.attrs.find(([a]) => a === k)?.[1] ?? '';
      const r = await sandbox.cancel({
        uuid: attr('UUID'),
        rfcEmisor: text(find(op!, 'taxpayer_id')),
        rfcReceptor: 'XAXX010101000',
        total: '0',
        motivo: attr('Motivo') as '02',
        folioSustitucion: attr('FolioSustitucion') || undefined,
        cerPem: '',
        keyPem: '',
      });
      const estatus =
        r.status === 'cancelled' ? 'Cancelado sin aceptación' : r.status === 'in_process' ? 'En proceso' : '';
      return send(
        'cancel',
        `<tns:cancelResponse><tns:cancelResult><s0:Folios><s0:Folio><s0:EstatusUUID>${r.code}</s0:EstatusUUID><s0:UUID>${attr('UUID')}</s0:UUID><s0:EstatusCancelacion>${estatus}</s0:EstatusCancelacion></s0:Folio></s0:Folios><s0:Acuse>${escapeText(r.acuse)}</s0:Acuse><s0:Fecha>2026-11-23T10:00:00</s0:Fecha><s0:RfcEmisor>${escapeText(text(find(op!, 'taxpayer_id')))}</s0:RfcEmisor></tns:cancelResult></tns:cancelResponse>`,
      );
    }
    if (req.url === '/servicios/soap/cancel' && name === 'get_sat_status') {
      const s = await sandbox.status({
        uuid: text(find(op!, 'uuid')),
        rfcEmisor: '',
        rfcReceptor: '',
        total: '',
      });
      return send(
        'cancel',
        `<tns:get_sat_statusResponse><tns:get_sat_statusResult><s0:sat><s0:CodigoEstatus>S - Comprobante obtenido satisfactoriamente.</s0:CodigoEstatus><s0:EsCancelable>${s.esCancelable}</s0:EsCancelable><s0:Estado>${s.estado}</s0:Estado><s0:EstatusCancelacion>${s.estatusCancelacion}</s0:EstatusCancelacion></s0:sat></tns:get_sat_statusResult></tns:get_sat_statusResponse>`,
      );
    }
    res
      .writeHead(500, { 'content-type': 'text/xml' })
      .end(
        envelope(
          'stamp',
          `<senv:Fault><faultcode>senv:Client</faultcode><faultstring>Requested operation ${escapeText(name)} is not available</faultstring></senv:Fault>`,
        ),
      );
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return fake;
}
