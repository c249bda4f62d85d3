import { sign } from 'node:crypto';
import { AppError } from '../../../shared/errors.js';
import { DEFAULT_TIMEZONE } from '../../../shared/time.js';
import { buildCfdiTree, setSello } from './build.js';
import { CfdiErrors } from './cfdi.errors.js';
import type { BuiltCfdi, CfdiInput } from './cfdi.types.js';
import { type Csd, assertCsdInForce } from './csd.js';
import { serializeXml } from './xml.js';

export interface SealedCfdi extends BuiltCfdi {
  sello: string;
  noCertificado: string;
}

/** Sello: base64 of RSA-SHA256 (PKCS#1 v1.5) over the exact UTF-8 bytes of the cadena. */
export function signCadena(cadenaOriginal: string, csd: Pick<Csd, 'privateKey'>): string {
  return sign('sha256', Buffer.from(cadenaOriginal, 'utf8'), csd.privateKey).toString('base64');
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The instant of a zone-less local `Fecha` in `timeZone`. */
export function instantOfFecha(fecha: string, timeZone: string = DEFAULT_TIMEZONE): Date {
  const [d, t] = fecha.split('T') as [string, string];
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss] = t.split(':').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, m - 1, day, hh, mm, ss);
  const fmt = formatterFor(timeZone);
  const offsetAt = (ms: number) => {
    const parts = fmt.formatToParts(new Date(ms));
    const g = (k: string) => Number(parts.find((p) => p.type === k)?.value ?? '0');
    return Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'), g('second')) - ms;
  };
  const first = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(first));
}

/**
 * Build and seal a CFDI with a CSD: NoCertificado and Certificado filled, Sello over the
 * cadena original. Errors: every CFDI_* validation code, CSD_NOT_MATCHING_RFC (the emisor
 * is not the certificate's holder), CSD_EXPIRED (Fecha outside the certificate's validity).
 */
export function sealCfdi(input: CfdiInput, csd: Csd, timeZone: string = DEFAULT_TIMEZONE): SealedCfdi {
  if (input.emisor.rfc !== csd.rfc) {
    throw new AppError(CfdiErrors.CSD_NOT_MATCHING_RFC, { rfc: input.emisor.rfc, certRfc: csd.rfc });
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(input.fecha)) {
    assertCsdInForce(csd, instantOfFecha(input.fecha, timeZone), input.fecha);
  }
  const b = buildCfdiTree(input, {
    noCertificado: csd.noCertificado,
    certificadoBase64: csd.certificadoBase64,
  });
  const sello = signCadena(b.cadenaOriginal, csd);
  setSello(b.root, sello);
  return {
    xml: serializeXml(b.root),
    cadenaOriginal: b.cadenaOriginal,
    warnings: b.warnings,
    subTotal: b.subTotal,
    descuento: b.descuento,
    total: b.total,
    sello,
    noCertificado: csd.noCertificado,
  };
}
