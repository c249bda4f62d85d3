/**
 * CFDI throughput: documents built (validated), cadena computed and sealed per second on one
 * core, as a ratio to `openssl speed -seconds 3 rsa2048` sign/s measured in the same run
 * (target ≥ 0.3×); and a 5,000-ticket global invoice built and sealed (target < 10 s), with
 * memory. Run: `npx tsx bench/cfdi.ts`. Prints JSON.
 */
import { execFileSync } from 'node:child_process';
import { globalInvoiceInput } from '../src/modules/invoicing/cfdi/build.js';
import type { CfdiInput } from '../src/modules/invoicing/cfdi/cfdi.types.js';
import { sealCfdi } from '../src/modules/invoicing/cfdi/seal.js';
import { testCsd } from '../src/modules/invoicing/cfdi/testing.js';

function opensslSignsPerSecond(): number {
  // "rsa 2048 bits 0.000876s 0.000026s   1140.9  38793.3" (sign/s is the 5th field).
  const out = execFileSync('openssl', ['speed', '-seconds', '3', 'rsa2048'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  const line = out.split('\n').find((l) => /^rsa\s+2048 bits/.test(l));
  const fields = line?.trim().split(/\s+/) ?? [];
  const v = Number(fields[5]);
  if (!Number.isFinite(v)) throw new Error(`could not read openssl speed output:\n${out}`);
  return v;
}

const csd = testCsd('EKU9003173C9');

function invoice(i: number): CfdiInput {
  return {
    tipoDeComprobante: 'I',
    serie: 'A',
    folio: String(i),
    fecha: '2026-11-30T12:00:00',
    lugarExpedicion: '86000',
    emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
    receptor: {
      rfc: 'COSC8001137NA',
      nombre: 'CARLOS CORTÉS SOTO',
      domicilioFiscalReceptor: '52000',
      regimenFiscalReceptor: '612',
      usoCfdi: 'G03',
    },
    formaPago: '01',
    metodoPago: 'PUE',
    conceptos: [
      {
        claveProdServ: '50202306',
        noIdentificacion: 'COCA-600',
        cantidad: String(1 + (i % 5)),
        claveUnidad: 'H87',
        unidad: 'Pieza',
        descripcion: 'Refresco de cola 600 ml',
        valorUnitario: '15.52',
        objetoImp: '02',
        traslados: [{ impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
      },
      {
        claveProdServ: '50112004',
        cantidad: '0.750',
        claveUnidad: 'KGM',
        unidad: 'kg',
        descripcion: 'Jamón de pavo & queso "Ñandú"',
        valorUnitario: '129.90',
        descuento: '5.00',
        objetoImp: '02',
        traslados: [
          { impuesto: 'IEPS', tipoFactor: 'Tasa', tasaOCuota: '0.080000' },
          { impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.160000' },
        ],
      },
      {
        claveProdServ: '50221100',
        cantidad: '1.234',
        claveUnidad: 'KGM',
        descripcion: 'Tortilla de maíz',
        valorUnitario: '22.00',
        objetoImp: '02',
        traslados: [{ impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.000000' }],
      },
    ],
  };
}

const opensslSignPerSec = opensslSignsPerSecond();

// Warm up: catalogs load once (c_ClaveProdServ has 52k rows), JIT.
const warm0 = performance.now();
sealCfdi(invoice(0), csd);
const warmupMs = performance.now() - warm0;
for (let i = 0; i < 200; i++) sealCfdi(invoice(i), csd);

// openssl speed divides by CPU user time (not wall clock, unless -elapsed): measure CPU too,
// so a loaded machine does not skew the ratio.
let docs = 0;
let bytes = 0;
const c0 = process.cpuUsage();
const t0 = performance.now();
while (performance.now() - t0 < 3000) {
  bytes += sealCfdi(invoice(docs), csd).xml.length;
  docs++;
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const docsPerSec = docs / cpuSeconds;
const docsPerWallSec = docs / seconds;

// 5,000-ticket global invoice.
const tickets = Array.from({ length: 5000 }, (_, k) => ({
  ticketNumber: `T-${String(k + 1).padStart(6, '0')}`,
  importe: `${10 + (k % 990)}.${String(k % 100).padStart(2, '0')}`,
  descuento: k % 7 === 0 ? '1.00' : undefined,
  traslados: [
    k % 4 === 0
      ? { impuesto: 'IVA' as const, tipoFactor: 'Tasa' as const, tasaOCuota: '0.000000' }
      : { impuesto: 'IVA' as const, tipoFactor: 'Tasa' as const, tasaOCuota: '0.160000' },
  ],
}));
const globalInput = globalInvoiceInput({
  serie: 'G',
  folio: '1',
  fecha: '2026-11-30T23:59:00',
  lugarExpedicion: '86000',
  emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
  formaPago: '01',
  informacionGlobal: { periodicidad: '04', meses: '11', año: '2026' },
  tickets,
});
global.gc?.();
const m0 = process.memoryUsage();
const g0 = performance.now();
const gc0 = process.cpuUsage();
const sealed = sealCfdi(globalInput, csd);
const globalMs = performance.now() - g0;
const gcpu = process.cpuUsage(gc0);
const m1 = process.memoryUsage();

const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
console.log(
  JSON.stringify(
    {
      opensslRsa2048SignPerSec: opensslSignPerSec,
      cfdi: {
        docsPerCpuSec: Math.round(docsPerSec),
        docsPerWallSec: Math.round(docsPerWallSec),
        ratioToOpensslSign: Math.round((docsPerSec / opensslSignPerSec) * 1000) / 1000,
        target: 0.3,
        docs,
        avgXmlBytes: Math.round(bytes / docs),
        conceptosPerDoc: 3,
        firstDocWithCatalogLoadMs: Math.round(warmupMs),
      },
      global5000: {
        tickets: tickets.length,
        ms: Math.round(globalMs),
        cpuMs: Math.round((gcpu.user + gcpu.system) / 1000),
        targetMs: 10000,
        xmlMB: mb(sealed.xml.length),
        cadenaKB: Math.round(sealed.cadenaOriginal.length / 1024),
        total: sealed.total,
        rssDeltaMB: mb(m1.rss - m0.rss),
        heapUsedDeltaMB: mb(m1.heapUsed - m0.heapUsed),
        rssMB: mb(m1.rss),
      },
    },
    null,
    2,
  ),
);
