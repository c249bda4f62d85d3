import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeFinkok, startFakeFinkok } from '../../../test/fakes/finkok.js';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { fechaCfdi, sealCfdi } from './cfdi/index.js';
import { requireSatTools, testCsd } from './cfdi/testing.js';
import { givenFiscalBusiness, sell, stampedXml, stocked, XmlCollector } from './invoicing.testkit.js';
import { FinkokPac } from './pac/finkok.js';
import { PacError } from './pac/pac.js';
import { runPacJobs, setPacClient } from './stamping.js';

let fake: FakeFinkok;
let env: TestEnv;
let biz: TestBusiness & { registerId: string };
const xmls = new XmlCollector();

function client(over: Partial<{ password: string; timeoutMs: number }> = {}) {
  return new FinkokPac({
    url: fake.url,
    username: fake.username,
    password: over.password ?? fake.password,
    timeoutMs: over.timeoutMs ?? 2000,
  });
}

/** A sealed ingreso of one line at `valorUnitario` + IVA 16 %. */
function sealedDoc(valorUnitario = '100.00'): string {
  const csd = testCsd('EKU9003173C9');
  return sealCfdi(
    {
      tipoDeComprobante: 'I',
      fecha: fechaCfdi(env.clock.now),
      lugarExpedicion: '42501',
      emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' },
      receptor: {
        rfc: 'CACX7605101P8',
        nombre: 'XOCHILT CASAS CHAVEZ',
        domicilioFiscalReceptor: '36257',
        regimenFiscalReceptor: '612',
        usoCfdi: 'G03',
      },
      formaPago: '01',
      metodoPago: 'PUE',
      conceptos: [
        {
          claveProdServ: '50202306',
          cantidad: '1',
          claveUnidad: 'H87',
          descripcion: 'Refresco & botana',
          valorUnitario,
          objetoImp: '02',
          traslados: [{ impuesto: 'IVA', tipoFactor: 'Tasa', tasaOCuota: '0.160000' }],
        },
      ],
    },
    csd,
  ).xml;
}

beforeAll(async () => {
  requireSatTools();
  env = await createTestEnv();
  fake = await startFakeFinkok({ db: env.db.db, now: () => env.clock.now });
});
afterAll(async () => {
  const n = await xmls.expectAllPass();
  console.log(`cfdi-check: ${n} XML documents from finkok.test.ts passed`);
  await fake.close();
  await env.close();
}, 60_000);

describe('FinkokPac against the local Finkok fake', () => {
  it('stamps over SOAP and gets the same UUID back for the same document (307, with and without the stamp)', async () => {
    const pac = client();
    const xml = sealedDoc();
    const first = await pac.stamp(xml);
    expect(first.duplicate).toBe(false);
    expect(first.uuid).toMatch(/^[0-9A-F-]{36}$/);
    expect(first.xml).toContain(`UUID="${first.uuid}"`);
    xmls.add('finkok-stamped', first.xml);
    const again = await pac.stamp(xml);
    expect(again).toMatchObject({ uuid: first.uuid, duplicate: true });
    fake.bare307 = true;
    fake.calls = [];
    const recovered = await pac.stamp(xml);
    fake.bare307 = false;
    expect(recovered).toMatchObject({ uuid: first.uuid, duplicate: true });
    expect(fake.calls).toEqual(['stamp', 'stamped']);
    expect(fake.sandbox.stampCount).toBe(1);
  });

  it('tells an auth error, an outage, a timeout and a rejected document apart', async () => {
    const xml = sealedDoc('50.00');
    await expect(client({ password: 'mala' }).stamp(xml)).rejects.toMatchObject({
      kind: 'auth',
      code: '300',
    });
    fake.mode = 'down';
    await expect(client().stamp(xml)).rejects.toMatchObject({ kind: 'unavailable', code: 'HTTP_503' });
    fake.mode = 'timeout';
    await expect(client({ timeoutMs: 300 }).stamp(xml)).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'TIMEOUT',
    });
    fake.mode = 'ok';
    const tampered = xml.replace('Total="58.00"', 'Total="57.00"');
    const err = await client()
      .stamp(tampered)
      .catch((e) => e);
    expect(err).toBeInstanceOf(PacError);
    expect(err).toMatchObject({ kind: 'rejected', code: '302' });
  });

  it('cancels with a motive and reads the SAT status', async () => {
    const pac = client();
    const s = await pac.stamp(sealedDoc('20.00'));
    const csd = testCsd('EKU9003173C9');
    const res = await pac.cancel({
      uuid: s.uuid,
      rfcEmisor: 'EKU9003173C9',
      rfcReceptor: 'CACX7605101P8',
      total: '23.20',
      motivo: '02',
      cerPem: csd.certificate.toString(),
      keyPem: csd.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    });
    expect(res.status).toBe('cancelled');
    expect(res.acuse).toContain(s.uuid);
    const st = await pac.status({
      uuid: s.uuid,
      rfcEmisor: 'EKU9003173C9',
      rfcReceptor: 'CACX7605101P8',
      total: '23.20',
    });
    expect(st.estado).toBe('Cancelado');
  });

  it('through the outbox: Finkok down leaves the invoice pending; back up, it is stamped once', async () => {
    biz = await givenFiscalBusiness(env);
    setPacClient(env.app, client());
    const a = await stocked(biz, { price: '64.90' });
    const s = await sell(env, biz, [{ skuId: a, quantity: '2' }]);
    fake.mode = 'down';
    const before = fake.sandbox.stampCount;
    const r = await call(env.app, biz.as.cashier, 'POST', '/api/v1/invoicing/invoices', {
      saleIds: [s.id],
      receptor: {
        rfc: 'CACX7605101P8',
        nombre: 'XOCHILT CASAS CHAVEZ',
        regimenFiscal: '612',
        codigoPostal: '36257',
        usoCfdi: 'G03',
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      status: 'pending',
      pacError: { kind: 'unavailable', code: 'HTTP_503' },
    });
    fake.mode = 'ok';
    env.clock.advance(31_000);
    await runPacJobs({ db: env.db.db, pac: client(), now: () => env.clock.now }, { invoiceId: r.json().id });
    const inv = (
      await call(env.app, biz.as.cashier, 'GET', `/api/v1/invoicing/invoices/${r.json().id}`)
    ).json();
    expect(inv).toMatchObject({ status: 'stamped', total: s.total });
    expect(fake.sandbox.stampCount - before).toBe(1);
    xmls.add('finkok-outbox', await stampedXml(env, biz.as.manager, inv.id));
  });
});
