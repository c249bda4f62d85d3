import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cadenaOriginalFromXml, tfdCadenaOriginal, tfdCadenaOriginalFromXml } from './cadena.js';
import { SAT_DIR, XSLT_TFD, requireSatTools, xsltprocCadena } from './testing.js';
import { parseXml } from './xml.js';

const SAMPLES = [
  ...readdirSync(join(SAT_DIR, 'samples'))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => join(SAT_DIR, 'samples', f)),
  ...readdirSync(join(SAT_DIR, 'samples/generated')).map((f) => join(SAT_DIR, 'samples/generated', f)),
];

describe('cadena original equals SAT’s XSLT (xsltproc)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfdi-cadena-'));
  beforeAll(() => requireSatTools());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(SAMPLES.map((f) => [f.slice(SAT_DIR.length + 1), f]))('on the SAT sample %s', (_name, file) => {
    expect(cadenaOriginalFromXml(readFileSync(file, 'utf8'))).toBe(xsltprocCadena(file));
  });

  it('on whitespace, references, empty optionals, CRLF, comments and CDATA exactly as XML and XPath define them', () => {
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- a comment -->',
      '<c:Comprobante xmlns:c="http://www.sat.gob.mx/cfd/4" Version="4.0" Serie="" Folio="  A\t 1 \r\n 2 "',
      ' Fecha="2026-01-01T00:00:00" SubTotal="1" Moneda="MXN" Total="1" TipoDeComprobante="I" Exportacion="01"',
      ' LugarExpedicion="01000" CondicionesDePago="&#10;x&#9;&#9;y&#13;" Confirmacion=\'a&apos;&quot;&lt;&gt;&amp;\'>',
      '<c:Emisor Rfc="AAA010101AAA" Nombre="A&#160;B  &#x00D1;" RegimenFiscal="601"/>',
      '<c:Receptor Rfc="XEXX010101000" Nombre="Ω 𝄞" DomicilioFiscalReceptor="01000" ResidenciaFiscal="USA" RegimenFiscalReceptor="616" UsoCFDI="S01"/>',
      '<c:Conceptos><c:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" Descripcion="x"',
      ' ValorUnitario="1" Importe="1" ObjetoImp="02"><c:Impuestos><c:Traslados>',
      '<c:Traslado Base="1" Impuesto="002" TipoFactor="Exento"/></c:Traslados><c:Retenciones>',
      '<c:Retencion Base="1" Impuesto="001" TipoFactor="Tasa" TasaOCuota="0.1" Importe="0.1"/></c:Retenciones></c:Impuestos>',
      '<c:InformacionAduanera NumeroPedimento="21  47  3807  8003832"/><c:CuentaPredial Numero="X1"/>',
      '<c:Parte ClaveProdServ="01010101" Cantidad="1" Descripcion="p"><c:InformacionAduanera NumeroPedimento="p1"/></c:Parte>',
      '</c:Concepto></c:Conceptos>',
      '<c:Impuestos TotalImpuestosRetenidos="0.10"><c:Retenciones><c:Retencion Impuesto="001" Importe="0.10"/></c:Retenciones>',
      '<c:Traslados><c:Traslado Base="1.00" Impuesto="002" TipoFactor="Exento"/></c:Traslados></c:Impuestos>',
      '<c:Complemento><t:TimbreFiscalDigital xmlns:t="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1"/>',
      '<o:Otro xmlns:o="urn:x">texto <![CDATA[<crudo>]]> &amp; más</o:Otro></c:Complemento>',
      '<c:Addenda><a Nombre="no va"/></c:Addenda>',
      '</c:Comprobante>',
    ].join('');
    const file = join(dir, 'tricky.xml');
    writeFileSync(file, xml);
    const ours = cadenaOriginalFromXml(xml);
    expect(ours).toBe(xsltprocCadena(file));
    expect(ours).toContain('|A 1 2|'); // normalize-space collapses tabs and newlines
    expect(ours).toContain('|A\u00a0B Ñ|'); // ...but not NBSP
    expect(ours.startsWith('||4.0||A 1 2|')).toBe(true); // an empty optional still gives "|"
  });

  it('computes the Timbre Fiscal Digital cadena like cadenaoriginal_TFD_1_1.xslt', () => {
    for (const f of ['ingreso-real-stamped.xml', 'ingreso-testcsd-stamped.xml']) {
      const xml = readFileSync(join(SAT_DIR, 'samples', f), 'utf8');
      const root = parseXml(xml);
      const complemento = root.children.find((c) => typeof c !== 'string' && c.local === 'Complemento');
      const tfd =
        complemento && typeof complemento !== 'string'
          ? complemento.children.find((c) => typeof c !== 'string' && c.local === 'TimbreFiscalDigital')
          : undefined;
      expect(tfd).toBeDefined();
      // SAT's TFD stylesheet wants the TFD as document root: extract it as its own document.
      const attrs = (tfd as { attrs: Array<[string, string]> }).attrs;
      const tfdXml = `<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" ${attrs
        .filter(([k]) => !k.startsWith('xmlns') && !k.includes(':'))
        .map(([k, v]) => `${k}="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`)
        .join(' ')}/>`;
      const file = join(dir, `tfd-${f}`);
      writeFileSync(file, tfdXml);
      const expected = xsltprocCadena(file, XSLT_TFD);
      expect(tfdCadenaOriginalFromXml(xml)).toBe(expected);
      expect(tfdCadenaOriginal(Object.fromEntries(attrs) as never)).toBe(expected);
    }
  });
});
