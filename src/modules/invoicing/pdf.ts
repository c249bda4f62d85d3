/**
 * The printed representation of a CFDI (Anexo 20: representación impresa): emisor, receptor,
 * conceptos, totals with the amount in words, the seals, the cadena original of the timbre
 * and SAT's verification QR. A small PDF writer (Helvetica, WinAnsi) keeps us dependency-free;
 * the QR comes from `qrcode` and is drawn as vector squares.
 */
import QRCode from 'qrcode';
import { parseXml, tfdCadenaOriginalFromXml } from './cfdi/index.js';
import type { XmlElement } from './cfdi/xml.js';
import { amountInWords } from './amount-words.js';
import { satCatalog } from '../../sat/catalogs.js';

const VERIFY_URL = 'https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx';

function attr(n: XmlElement | undefined, name: string): string {
  return n?.attrs.find(([k]) => k === name)?.[1] ?? '';
}
function kids(n: XmlElement | undefined, local: string): XmlElement[] {
  if (!n) return [];
  return n.children.filter((c): c is XmlElement => typeof c !== 'string' && c.local === local);
}
function deep(n: XmlElement, local: string): XmlElement | undefined {
  for (const c of n.children) {
    if (typeof c === 'string') continue;
    if (c.local === local) return c;
    const f = deep(c, local);
    if (f) return f;
  }
  return undefined;
}

/** SAT's verification URL for the QR (Anexo 20, 4.0): id, re, rr, tt and the last 8 of the seal. */
export function verificationUrl(x: {
  uuid: string;
  re: string;
  rr: string;
  tt: string;
  sello: string;
}): string {
  const q = [
    `id=${x.uuid}`,
    `re=${encodeURIComponent(x.re)}`,
    `rr=${encodeURIComponent(x.rr)}`,
    `tt=${x.tt}`,
    `fe=${encodeURIComponent(x.sello.slice(-8))}`,
  ].join('&');
  return `${VERIFY_URL}?${q}`;
}

/** WinAnsi (Latin-1 for Spanish) string literal with PDF escapes. */
function lit(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '(' || ch === ')' || ch === '\\') out += `\\${ch}`;
    else if (code < 32) out += ' ';
    else if (code < 128) out += ch;
    else if (code < 256) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += '?';
  }
  return `(${out})`;
}

class Pages {
  pages: string[] = [];
  cur: string[] = [];
  y = 800;
  constructor() {
    this.pages.push('');
  }
  text(x: number, size: number, s: string, bold = false): void {
    this.cur.push(`BT /${bold ? 'F2' : 'F1'} ${size} Tf ${x} ${this.y} Td ${lit(s)} Tj ET`);
  }
  line(size: number, s: string, opts: { x?: number; bold?: boolean; gap?: number } = {}): void {
    this.need(size + 2);
    this.text(opts.x ?? 40, size, s, opts.bold);
    this.y -= size + (opts.gap ?? 3);
  }
  /** Wrap a long string (seals, cadenas) at `width` characters. */
  wrapped(size: number, s: string, width: number): void {
    for (let i = 0; i < s.length; i += width) this.line(size, s.slice(i, i + width), { gap: 1 });
  }
  need(h: number): void {
    if (this.y - h < 40) this.newPage();
  }
  newPage(): void {
    this.pages[this.pages.length - 1] = this.cur.join('\n');
    this.pages.push('');
    this.cur = [];
    this.y = 800;
  }
  rects(list: string): void {
    this.cur.push(list);
  }
  finish(): string[] {
    this.pages[this.pages.length - 1] = this.cur.join('\n');
    return this.pages;
  }
}

function pdfDocument(contents: string[]): Buffer {
  const objs: string[] = [];
  const add = (s: string) => {
    objs.push(s);
    return objs.length;
  };
  const catalog = add('');
  const pagesId = add('');
  const f1 = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const f2 = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const kidsIds: number[] = [];
  for (const c of contents) {
    const body = Buffer.from(c, 'latin1');
    const stream = add(`<< /Length ${body.length} >>\nstream\n${c}\nendstream`);
    kidsIds.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${f1} 0 R /F2 ${f2} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objs[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`;
  objs[pagesId - 1] =
    `<< /Type /Pages /Kids [${kidsIds.map((k) => `${k} 0 R`).join(' ')}] /Count ${kidsIds.length} >>`;
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    const b = Buffer.from(`${i + 1} 0 obj\n${o}\nendobj\n`, 'latin1');
    offsets.push(offset);
    offset += b.length;
    chunks.push(b);
  });
  const xref = [
    'xref',
    `0 ${objs.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objs.length + 1} /Root ${catalog} 0 R >>`,
    'startxref',
    String(offset),
    '%%EOF',
  ].join('\n');
  chunks.push(Buffer.from(`${xref}\n`, 'latin1'));
  return Buffer.concat(chunks);
}

const TIPOS: Record<string, string> = { I: 'Ingreso', E: 'Egreso', P: 'Pago' };

function describe(catalog: string, key: string): string {
  const row = satCatalog(catalog).get(key);
  return row ? `${key} ${row.texto ?? row.descripcion ?? ''}`.trim() : key;
}

/** The PDF of a CFDI XML (stamped or not; without a TFD it says "sin timbrar"). */
export function cfdiPdf(xml: string): Buffer {
  const root = parseXml(xml);
  const em = kids(root, 'Emisor')[0];
  const re = kids(root, 'Receptor')[0];
  const tfd = deep(root, 'TimbreFiscalDigital');
  const p = new Pages();
  p.line(14, attr(em, 'Nombre'), { bold: true, gap: 4 });
  p.line(9, `RFC ${attr(em, 'Rfc')}   Régimen ${describe('c_RegimenFiscal', attr(em, 'RegimenFiscal'))}`);
  p.line(9, `Lugar de expedición ${attr(root, 'LugarExpedicion')}   Fecha ${attr(root, 'Fecha')}`);
  const tipo = attr(root, 'TipoDeComprobante');
  p.line(11, `CFDI ${TIPOS[tipo] ?? tipo} ${attr(root, 'Serie')}-${attr(root, 'Folio')}`, {
    bold: true,
    gap: 4,
  });
  p.line(
    9,
    tfd ? `Folio fiscal (UUID) ${attr(tfd, 'UUID')}` : 'SIN TIMBRAR: no es un comprobante fiscal válido',
  );
  p.line(9, `Certificado del emisor ${attr(root, 'NoCertificado')}`, { gap: 8 });
  p.line(10, 'Receptor', { bold: true });
  p.line(9, `${attr(re, 'Nombre')}   RFC ${attr(re, 'Rfc')}   C.P. ${attr(re, 'DomicilioFiscalReceptor')}`);
  p.line(9, `Régimen ${describe('c_RegimenFiscal', attr(re, 'RegimenFiscalReceptor'))}`);
  p.line(9, `Uso CFDI ${describe('c_UsoCFDI', attr(re, 'UsoCFDI'))}`, { gap: 8 });
  for (const rel of kids(root, 'CfdiRelacionados')) {
    for (const r of kids(rel, 'CfdiRelacionado'))
      p.line(9, `Relación ${describe('c_TipoRelacion', attr(rel, 'TipoRelacion'))}: ${attr(r, 'UUID')}`);
  }
  const g = kids(root, 'InformacionGlobal')[0];
  if (g)
    p.line(
      9,
      `Información global: periodicidad ${attr(g, 'Periodicidad')}, meses ${attr(g, 'Meses')}, año ${attr(g, 'Año')}`,
    );
  p.line(
    9,
    'Cantidad   Unidad   Clave        Descripción                                   Valor unitario      Importe',
    {
      bold: true,
    },
  );
  for (const c of kids(kids(root, 'Conceptos')[0], 'Concepto')) {
    const desc = attr(c, 'Descripcion');
    p.need(11);
    p.text(40, 8, attr(c, 'Cantidad'));
    p.text(90, 8, attr(c, 'ClaveUnidad'));
    p.text(130, 8, attr(c, 'ClaveProdServ'));
    p.text(185, 8, desc.length > 52 ? `${desc.slice(0, 49)}...` : desc);
    p.text(430, 8, attr(c, 'ValorUnitario'));
    p.text(505, 8, attr(c, 'Importe'));
    p.y -= 10;
  }
  p.y -= 4;
  p.line(9, `Subtotal ${attr(root, 'SubTotal')}`, { x: 400 });
  if (attr(root, 'Descuento')) p.line(9, `Descuento ${attr(root, 'Descuento')}`, { x: 400 });
  const imp = kids(root, 'Impuestos')[0];
  for (const t of kids(kids(imp, 'Traslados')[0], 'Traslado')) {
    const name = attr(t, 'Impuesto') === '002' ? 'IVA' : 'IEPS';
    const rate = attr(t, 'TasaOCuota');
    p.line(9, `${name} ${attr(t, 'TipoFactor') === 'Exento' ? 'exento' : rate} ${attr(t, 'Importe')}`, {
      x: 400,
    });
  }
  for (const t of kids(kids(imp, 'Retenciones')[0], 'Retencion'))
    p.line(9, `Retención ${attr(t, 'Impuesto') === '001' ? 'ISR' : 'IVA'} ${attr(t, 'Importe')}`, { x: 400 });
  const total = attr(root, 'Total');
  p.line(10, `Total ${total}`, { x: 400, bold: true });
  const pagos = deep(root, 'Pagos');
  const montoPagos = pagos ? attr(kids(pagos, 'Totales')[0], 'MontoTotalPagos') : '';
  p.line(9, amountInWords(tipo === 'P' ? montoPagos || '0' : total), { gap: 6 });
  if (tipo !== 'P') {
    p.line(
      9,
      `Forma de pago ${describe('c_FormaPago', attr(root, 'FormaPago'))}   Método ${attr(root, 'MetodoPago')}   Moneda ${attr(root, 'Moneda')}`,
    );
  }
  if (pagos) {
    for (const pg of kids(pagos, 'Pago')) {
      p.line(
        9,
        `Pago ${attr(pg, 'FechaPago')}  forma ${attr(pg, 'FormaDePagoP')}  monto ${attr(pg, 'Monto')}`,
        { bold: true },
      );
      for (const d of kids(pg, 'DoctoRelacionado')) {
        p.line(
          8,
          `  ${attr(d, 'IdDocumento')} parcialidad ${attr(d, 'NumParcialidad')}: saldo anterior ${attr(d, 'ImpSaldoAnt')}, pagado ${attr(d, 'ImpPagado')}, insoluto ${attr(d, 'ImpSaldoInsoluto')}`,
        );
      }
    }
  }
  p.y -= 6;
  p.line(8, 'Sello digital del CFDI', { bold: true });
  p.wrapped(6, attr(root, 'Sello'), 130);
  if (tfd) {
    p.line(8, 'Sello digital del SAT', { bold: true });
    p.wrapped(6, attr(tfd, 'SelloSAT'), 130);
    p.line(8, 'Cadena original del complemento de certificación digital del SAT', { bold: true });
    p.wrapped(6, tfdCadenaOriginalFromXml(xml) ?? '', 130);
    p.line(
      8,
      `Certificado SAT ${attr(tfd, 'NoCertificadoSAT')}   Fecha de certificación ${attr(tfd, 'FechaTimbrado')}   PAC ${attr(tfd, 'RfcProvCertif')}`,
    );
    const url = verificationUrl({
      uuid: attr(tfd, 'UUID'),
      re: attr(em, 'Rfc'),
      rr: attr(re, 'Rfc'),
      tt: total,
      sello: attr(root, 'Sello'),
    });
    const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    const cell = 2.2;
    const side = n * cell;
    p.need(side + 20);
    const top = p.y;
    const rects: string[] = ['0 0 0 rg'];
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        if (qr.modules.get(r, c))
          rects.push(`${(40 + c * cell).toFixed(2)} ${(top - (r + 1) * cell).toFixed(2)} ${cell} ${cell} re`);
      }
    }
    rects.push('f');
    p.rects(rects.join('\n'));
    p.y = top - side - 10;
    p.line(7, 'Este documento es una representación impresa de un CFDI. Verifícalo en el portal del SAT.');
  }
  return pdfDocument(p.finish());
}
