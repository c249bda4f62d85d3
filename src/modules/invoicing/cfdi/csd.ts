import { type KeyObject, X509Certificate, createPrivateKey } from 'node:crypto';
import { AppError } from '../../../shared/errors.js';
import { CfdiErrors } from './cfdi.errors.js';

export interface Csd {
  /** The 20 digits SAT shows: the certificate serial is those ASCII digits, hex-encoded. */
  noCertificado: string;
  /** DER certificate in base64, for the `Certificado` attribute. */
  certificadoBase64: string;
  /** The holder's RFC (first value of the subject's x500UniqueIdentifier). */
  rfc: string;
  /** The holder's name as in the certificate (CN). */
  nombre: string;
  validFrom: Date;
  validTo: Date;
  /** A sello digital certificate (CSD), not an e.firma (FIEL). */
  isCsd: boolean;
  privateKey: KeyObject;
  certificate: X509Certificate;
}

export interface LoadCsdInput {
  /** `.cer` as SAT delivers it (DER) or PEM. */
  cer: Buffer;
  /** `.key` as SAT delivers it: encrypted PKCS#8 DER. */
  key: Buffer;
  password: string;
  /** When given, the certificate must belong to this RFC. */
  rfc?: string;
  /** When given, the certificate must be in force at this instant. */
  at?: Date;
}

/** Key usage bits (RFC 5280 §4.2.1.3) of a DER certificate, or undefined without the extension. */
function keyUsageBits(der: Buffer): number | undefined {
  // OID 2.5.29.15 = 06 03 55 1D 0F, then optional BOOLEAN critical, then OCTET STRING { BIT STRING }.
  const at = der.indexOf(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]));
  if (at < 0) return undefined;
  let i = at + 5;
  if (der[i] === 0x01) i += 2 + der[i + 1]!;
  if (der[i] !== 0x04) return undefined;
  i += 2;
  if (der[i] !== 0x03) return undefined;
  const len = der[i + 1]!;
  const first = len >= 2 ? der[i + 3]! : 0;
  const second = len >= 3 ? der[i + 4]! : 0;
  return (first << 8) | second;
}
const KU_DATA_ENCIPHERMENT = 0x1000;
const KU_KEY_AGREEMENT = 0x0800;

function subjectField(subject: string, name: string): string | undefined {
  for (const line of subject.split('\n')) {
    if (line.startsWith(`${name}=`)) return line.slice(name.length + 1);
  }
  return undefined;
}

/**
 * Read a CSD (`.cer` + encrypted `.key` + password) and check it: the key opens with the
 * password, belongs to the certificate, the certificate is a CSD (SAT's FIEL has no OU /
 * branch name and allows key agreement / data encipherment), and optionally belongs to `rfc`
 * and is in force at `at`.
 * Errors: CSD_INVALID, CSD_PASSWORD_WRONG, CSD_KEY_CERT_MISMATCH, CSD_IS_FIEL,
 * CSD_NOT_MATCHING_RFC, CSD_EXPIRED.
 */
export function loadCsd(input: LoadCsdInput): Csd {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(input.cer);
  } catch {
    throw new AppError(CfdiErrors.CSD_INVALID);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: input.key,
      format: 'der',
      type: 'pkcs8',
      passphrase: input.password,
    });
  } catch {
    try {
      // A PEM key (tests, or a key someone converted) is accepted too.
      privateKey = createPrivateKey({ key: input.key, format: 'pem', passphrase: input.password });
    } catch {
      throw new AppError(CfdiErrors.CSD_PASSWORD_WRONG);
    }
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new AppError(CfdiErrors.CSD_KEY_CERT_MISMATCH);

  const hex = certificate.serialNumber;
  const ascii = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('latin1');
  const noCertificado = /^[0-9]+$/.test(ascii) ? ascii : hex;
  const unique = subjectField(certificate.subject, 'x500UniqueIdentifier') ?? '';
  const rfc = unique.split('/')[0]!.trim();
  const nombre = subjectField(certificate.subject, 'CN') ?? '';
  const ou = subjectField(certificate.subject, 'OU');
  const der = certificate.raw;
  const ku = keyUsageBits(der);
  const isCsd = !!ou && ku !== undefined && (ku & (KU_DATA_ENCIPHERMENT | KU_KEY_AGREEMENT)) === 0;
  const csd: Csd = {
    noCertificado,
    certificadoBase64: der.toString('base64'),
    rfc,
    nombre,
    validFrom: new Date(certificate.validFrom),
    validTo: new Date(certificate.validTo),
    isCsd,
    privateKey,
    certificate,
  };
  if (!isCsd) throw new AppError(CfdiErrors.CSD_IS_FIEL, { rfc });
  if (input.rfc !== undefined && input.rfc !== rfc) {
    throw new AppError(CfdiErrors.CSD_NOT_MATCHING_RFC, { rfc: input.rfc, certRfc: rfc });
  }
  if (input.at) assertCsdInForce(csd, input.at);
  return csd;
}

export function assertCsdInForce(csd: Pick<Csd, 'validFrom' | 'validTo'>, at: Date, label?: string): void {
  if (at < csd.validFrom || at > csd.validTo) {
    throw new AppError(CfdiErrors.CSD_EXPIRED, {
      at: label ?? at.toISOString().slice(0, 10),
      validFrom: csd.validFrom.toISOString().slice(0, 10),
      validTo: csd.validTo.toISOString().slice(0, 10),
    });
  }
}
