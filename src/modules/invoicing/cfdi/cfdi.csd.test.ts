import { execFileSync } from 'node:child_process';
import { verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, messageFor } from '../../../shared/errors.js';
import type { CfdiInput } from './cfdi.types.js';
import { loadCsd } from './csd.js';
import { instantOfFecha, sealCfdi } from './seal.js';
import { SAT_DIR, cfdiCheckAll, requireSatTools, xsltprocCadena } from './testing.js';

const csdFile = (name: string) => readFileSync(join(SAT_DIR, 'csd', name));
const EKU = { cer: csdFile('EKU9003173C9.cer'), key: csdFile('EKU9003173C9.key'), password: '12345678a' };
const CACX = { cer: csdFile('CACX7605101P8.cer'), key: csdFile('CACX7605101P8.key'), password: '12345678a' };

function fails(fn: () => unknown): { code: string; es: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, es: messageFor(e.code, 'es', e.details) };
    throw e;
  }
  throw new Error('expected an AppError');
}

const input: CfdiInput = {
  tipoDeComprobante: 'I',
  serie: 'A',
  folio: '7',
  fecha: '2026-11-30T18:30:00',
  lugarExpedicion: '36257',
  emisor: { rfc: 'CACX7605101P8', nombre: 'XOCHILT CASAS CHAVEZ', regimenFiscal: '626' },
  receptor: {
    rfc: 'EKU9003173C9',
    nombre: 'ESCUELA KEMPER URGATE',
    domicilioFiscalReceptor: '86000',
    regimenFiscalReceptor: '601',
    usoCfdi: 'G03',
  },
  formaPago: '03',
  metodoPago: 'PUE',
  conceptos: [
    {
      claveProdServ: '80111600',
      cantidad: '1',
      claveUnidad: 'E48',
      descripcion: 'Asesoría',
      valorUnitario: '1000.00',
      objetoImp: '02',
      traslados: [{ impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
      retenciones: [
        { impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.106667' },
        { impuesto: 'ISR', tipoFactor: 'Tasa', tasaOCuota: '0.012500' },
      ],
    },
  ],
};

describe('loadCsd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfdi-csd-'));
  let fiel: { cer: Buffer; key: Buffer; password: string };
  beforeAll(() => {
    requireSatTools();
    // A FIEL-shaped certificate: SAT serial, x500UniqueIdentifier, no OU, key agreement allowed.
    const cnf = join(dir, 'fiel.cnf');
    writeFileSync(
      cnf,
      [
        '[req]',
        'distinguished_name=dn',
        'prompt=no',
        'x509_extensions=ext',
        '[dn]',
        'CN=XOCHILT CASAS CHAVEZ',
        'x500UniqueIdentifier=CACX7605101P8',
        '[ext]',
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=digitalSignature,nonRepudiation,dataEncipherment,keyAgreement',
        'extendedKeyUsage=emailProtection,clientAuth',
        '',
      ].join('\n'),
    );
    const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'fiel.pem'),
      '-out',
      join(dir, 'fiel.crt'),
      '-days',
      '30',
      '-config',
      cnf,
      '-set_serial',
      '0x3330303031303030303030353030303039393939',
    ]);
    run(['x509', '-in', join(dir, 'fiel.crt'), '-outform', 'DER', '-out', join(dir, 'fiel.cer')]);
    run([
      'pkcs8',
      '-topk8',
      '-in',
      join(dir, 'fiel.pem'),
      '-outform',
      'DER',
      '-out',
      join(dir, 'fiel.key'),
      '-v2',
      'aes-256-cbc',
      '-passout',
      'pass:secreto',
    ]);
    fiel = {
      cer: readFileSync(join(dir, 'fiel.cer')),
      key: readFileSync(join(dir, 'fiel.key')),
      password: 'secreto',
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads SAT’s test CSDs: NoCertificado, RFC, validity, CSD and not FIEL', () => {
    const eku = loadCsd({ ...EKU, rfc: 'EKU9003173C9', at: new Date('2026-12-01T00:00:00Z') });
    expect(eku.noCertificado).toBe('30001000000500003416');
    expect(eku.rfc).toBe('EKU9003173C9');
    expect(eku.nombre).toBe('ESCUELA KEMPER URGATE SA DE CV');
    expect(eku.validFrom.toISOString()).toBe('2023-05-18T11:43:51.000Z');
    expect(eku.validTo.toISOString()).toBe('2027-05-18T11:43:51.000Z');
    expect(eku.isCsd).toBe(true);
    const cacx = loadCsd(CACX);
    expect(cacx.noCertificado).toBe('30001000000500003316');
    expect(cacx.rfc).toBe('CACX7605101P8');
  });

  it.each([
    [
      'a wrong password',
      () => loadCsd({ ...EKU, password: 'nope' }),
      'CSD_PASSWORD_WRONG',
      'La contraseña de la llave privada (.key) no es correcta, o el archivo .key no es válido.',
    ],
    [
      'the key of another CSD',
      () => loadCsd({ ...EKU, key: CACX.key }),
      'CSD_KEY_CERT_MISMATCH',
      'La llave privada (.key) no corresponde al certificado (.cer). Sube los dos archivos del mismo CSD.',
    ],
    [
      'a CSD of another RFC',
      () => loadCsd({ ...EKU, rfc: 'CACX7605101P8' }),
      'CSD_NOT_MATCHING_RFC',
      'El certificado es del RFC EKU9003173C9, no del RFC del emisor CACX7605101P8.',
    ],
    [
      'an expired CSD',
      () => loadCsd({ ...EKU, at: new Date('2027-06-01T00:00:00Z') }),
      'CSD_EXPIRED',
      'El certificado de sello digital no está vigente el 2027-06-01 (vigencia del 2023-05-18 al 2027-05-18). Tramita uno nuevo en el portal del SAT.',
    ],
    [
      'something that is not a certificate',
      () => loadCsd({ ...EKU, cer: Buffer.from('hola') }),
      'CSD_INVALID',
      'El archivo .cer no es un certificado válido del SAT.',
    ],
  ] as const)('refuses %s', (_n, fn, code, es) => {
    const r = fails(fn);
    expect(r.code).toBe(code);
    expect(r.es).toBe(es);
  });

  it('refuses a FIEL (e.firma)', () => {
    const r = fails(() => loadCsd(fiel));
    expect(r.code).toBe('CSD_IS_FIEL');
    expect(r.es).toBe(
      'Este certificado es una e.firma (FIEL), no un certificado de sello digital (CSD). Para facturar necesitas el CSD.',
    );
  });

  it('seals over the exact UTF-8 cadena; the seal verifies over xsltproc’s cadena and cfdi-check passes', async () => {
    const csd = loadCsd(CACX);
    const sealed = sealCfdi(input, csd);
    const file = join(dir, 'sealed.xml');
    writeFileSync(file, sealed.xml);
    const cadena = xsltprocCadena(file);
    expect(cadena).toBe(sealed.cadenaOriginal);
    expect(
      verify(
        'sha256',
        Buffer.from(cadena, 'utf8'),
        csd.certificate.publicKey,
        Buffer.from(sealed.sello, 'base64'),
      ),
    ).toBe(true);
    expect(sealed.xml).toContain('NoCertificado="30001000000500003316"');
    expect(sealed.xml).toContain(`Certificado="${csd.certificadoBase64}"`);
    expect(sealed.total).toBe('1040.83'); // 1000 + 160 − 106.67 − 12.50 (IVA 2/3 and ISR RESICO retained)
    const [res] = await cfdiCheckAll([file]);
    expect(res!.output).toContain('RESULT: PASS');
  });

  it('refuses to seal for another emisor or on a Fecha outside the certificate', () => {
    const csd = loadCsd(EKU);
    expect(fails(() => sealCfdi(input, csd)).code).toBe('CSD_NOT_MATCHING_RFC');
    const late = fails(() => sealCfdi({ ...input, fecha: '2027-05-18T06:00:00' }, loadCsd(CACX)));
    expect(late.code).toBe('CSD_EXPIRED');
    expect(late.es).toBe(
      'El certificado de sello digital no está vigente el 2027-05-18T06:00:00 (vigencia del 2023-05-09 al 2027-05-09). Tramita uno nuevo en el portal del SAT.',
    );
  });

  it('reads Fecha as Mexico City wall-clock time', () => {
    expect(instantOfFecha('2026-11-30T18:30:00').toISOString()).toBe('2026-12-01T00:30:00.000Z');
    expect(instantOfFecha('2026-07-01T12:00:00', 'America/Tijuana').toISOString()).toBe(
      '2026-07-01T19:00:00.000Z',
    );
  });
});
