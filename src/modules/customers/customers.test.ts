import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestEnv, type TestBusiness, type TestEnv } from '../../../test/helpers/app.js';
import { checkRfc } from './fiscal.js';
import { normalizePhone } from './phone.js';

let env: TestEnv;
let biz: TestBusiness;
let other: TestBusiness;

beforeAll(async () => {
  env = await createTestEnv();
  biz = await env.givenBusiness();
  other = await env.givenBusiness('Otra Tienda');
});
afterAll(() => env.close());

async function countRows(table: 'customers' | 'customer_consents' | 'events' | 'audit_log'): Promise<number> {
  const r = await env.db.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', biz.tenantId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('phone normalisation', () => {
  it('maps every Mexican form of a number to the same E.164', () => {
    for (const form of [
      '5215512345678',
      '+52 1 55 1234 5678',
      '55 1234 5678',
      '+525512345678',
      '044 55 1234 5678',
      '045 55 1234 5678',
      '(55) 1234-5678',
      '00 52 55 1234 5678',
      '525512345678',
    ]) {
      expect(normalizePhone(form), form).toBe('+525512345678');
    }
    expect(normalizePhone('+1 415 555 2671')).toBe('+14155552671');
    expect(normalizePhone('12345')).toBeNull();
    expect(normalizePhone('55 1234 567a')).toBeNull();
  });

  it('checks RFC shape and date', () => {
    expect(checkRfc('EKU9003173C9')).toEqual({ ok: true, personType: 'moral' });
    expect(checkRfc('GOMA850101AB1')).toEqual({ ok: true, personType: 'fisica' });
    expect(checkRfc('XAXX010101000')).toEqual({ ok: true, personType: 'fisica' });
    expect(checkRfc('GOMA850230AB1')).toEqual({ ok: false, problem: 'date' });
    expect(checkRfc('GOMA000229AB1')).toEqual({ ok: true, personType: 'fisica' });
    expect(checkRfc('GO1A850101AB1')).toEqual({ ok: false, problem: 'format' });
    expect(checkRfc('GOMA850101AB')).toEqual({ ok: false, problem: 'format' });
  });
});

describe('customers', () => {
  let anaId: string;

  it('creates a customer from the WhatsApp form and finds it by every other form', async () => {
    const res = await call(env.app, biz.as.agent, 'POST', '/api/v1/customers', {
      name: 'Ana Núñez',
      phone: '5215512345678',
      email: 'Ana.Nunez@Example.MX',
      marketingConsent: { granted: true, channel: 'whatsapp' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    anaId = c.id;
    expect(c.phone).toBe('+525512345678');
    expect(c.email).toBe('ana.nunez@example.mx');
    expect(c.marketingConsent).toEqual({
      granted: true,
      at: env.clock.now.toISOString(),
      channel: 'whatsapp',
    });
    for (const form of ['5215512345678', '+52 1 55 1234 5678', '55 1234 5678', '+525512345678']) {
      const found = await call(
        env.app,
        biz.as.cashier,
        'GET',
        `/api/v1/customers/lookup?phone=${encodeURIComponent(form)}`,
      );
      expect(found.statusCode, form).toBe(200);
      expect(found.json().id).toBe(c.id);
    }
  });

  it('refuses a second profile with the same phone in another form', async () => {
    const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
      name: 'Ana otra vez',
      phone: '+52 1 55 1234 5678',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CUSTOMER_PHONE_DUPLICATE');
    // names the profile that has it, so the client can use it (or merge into it)
    const existing = await call(env.app, biz.as.cashier, 'GET', '/api/v1/customers/lookup?phone=5512345678');
    expect(res.json().error.details).toEqual({ phone: '+525512345678', customerId: existing.json().id });
  });

  it('keeps businesses apart: the same phone is another person in another business', async () => {
    const res = await call(env.app, other.as.cashier, 'POST', '/api/v1/customers', {
      name: 'Ana de la otra tienda',
      phone: '55 1234 5678',
    });
    expect(res.statusCode).toBe(201);
    const look = await call(env.app, other.as.cashier, 'GET', `/api/v1/customers/${anaId}`);
    expect(look.statusCode).toBe(404);
    expect(look.json().error.code).toBe('CUSTOMER_NOT_FOUND');
  });

  it('rejects an invalid phone with a Spanish message', async () => {
    const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', { phone: '123 456 78' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('CUSTOMER_PHONE_INVALID');
    expect(res.json().error.message).toContain('10 dígitos');
  });

  it('searches by name prefix without accents, by phone digits and by e-mail', async () => {
    await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
      name: 'José Pérez',
      phone: '33 9876 5432',
    });
    const byName = await call(env.app, biz.as.cashier, 'GET', '/api/v1/customers?q=nun');
    expect(byName.json().items.map((c: { name: string }) => c.name)).toEqual(['Ana Núñez']);
    const byPhone = await call(env.app, biz.as.cashier, 'GET', '/api/v1/customers?q=3398');
    expect(byPhone.json().items.map((c: { name: string }) => c.name)).toEqual(['José Pérez']);
    const byEmail = await call(env.app, biz.as.cashier, 'GET', '/api/v1/customers?q=ana.nu');
    expect(byEmail.json().items.map((c: { id: string }) => c.id)).toEqual([anaId]);
  });

  describe('fiscal data', () => {
    it('accepts a valid persona moral with régimen 601 and uso G03', async () => {
      const res = await call(env.app, biz.as.cashier, 'PATCH', `/api/v1/customers/${anaId}`, {
        rfc: 'eku-900317-3c9',
        razonSocial: 'ESCUELA KEMPER URGATE',
        regimenFiscal: '601',
        usoCfdi: 'G03',
        codigoPostal: '42501',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().rfc).toBe('EKU9003173C9');
    });

    it('rejects a malformed RFC with a precise code, a Spanish message and nothing written', async () => {
      const before = await countRows('customers');
      const events = await countRows('events');
      const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
        name: 'Mal RFC',
        phone: '81 1111 2222',
        rfc: 'ABC12345',
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('CUSTOMER_RFC_INVALID');
      expect(res.json().error.message).toContain('El RFC ABC12345 no tiene un formato válido');
      expect(await countRows('customers')).toBe(before);
      expect(await countRows('events')).toBe(events);
    });

    it('rejects an RFC whose date does not exist', async () => {
      const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
        phone: '81 1111 2223',
        rfc: 'GOMA851332AB1',
      });
      expect(res.json().error.code).toBe('CUSTOMER_RFC_DATE_INVALID');
    });

    it('rejects a uso CFDI that the régimen does not allow, listing the allowed ones', async () => {
      const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
        phone: '81 1111 2224',
        rfc: 'GOMA850101AB1',
        regimenFiscal: '605',
        usoCfdi: 'G03',
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('CUSTOMER_USO_CFDI_REGIMEN');
      expect(res.json().error.message).toBe(
        'El uso de CFDI G03 no está permitido para el régimen fiscal 605; permitidos: D01, D02, D03, D04, D05, D06, D07, D08, D09, D10, S01, CP01, CN01.',
      );
    });

    it('rejects a régimen for personas morales on a persona física RFC', async () => {
      const res = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
        phone: '81 1111 2225',
        rfc: 'GOMA850101AB1',
        regimenFiscal: '601',
      });
      expect(res.json().error.code).toBe('CUSTOMER_REGIMEN_PERSON_TYPE');
      expect(res.json().error.message).toBe(
        'El régimen fiscal 601 no aplica a una persona física (RFC GOMA850101AB1).',
      );
    });

    it('rejects a uso only for personas físicas (D01) on a persona moral', async () => {
      const res = await call(env.app, biz.as.cashier, 'PATCH', `/api/v1/customers/${anaId}`, {
        usoCfdi: 'D01',
      });
      expect(res.json().error.code).toBe('CUSTOMER_USO_CFDI_PERSON_TYPE');
    });

    it('re-checks the stored uso when only the régimen changes', async () => {
      // Ana is 601 + G03; 603 allows G03 too, but 620 with D01 would not: change to a régimen without G03.
      const res = await call(env.app, biz.as.cashier, 'PATCH', `/api/v1/customers/${anaId}`, {
        regimenFiscal: '610',
      });
      expect(res.json().error.code).toBe('CUSTOMER_USO_CFDI_REGIMEN');
      const still = await call(env.app, biz.as.cashier, 'GET', `/api/v1/customers/${anaId}`);
      expect(still.json().regimenFiscal).toBe('601');
    });

    it('allows the generic RFC only with régimen 616 and uso S01', async () => {
      const bad = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
        phone: '81 1111 2226',
        rfc: 'XAXX010101000',
        regimenFiscal: '616',
        usoCfdi: 'G03',
      });
      expect(bad.json().error.code).toBe('CUSTOMER_GENERIC_RFC_FISCAL');
      const ok = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
        phone: '81 1111 2226',
        rfc: 'XAXX010101000',
        regimenFiscal: '616',
        usoCfdi: 'S01',
      });
      expect(ok.statusCode, ok.body).toBe(201);
    });

    it('rejects unknown catalog keys and a bad postal code', async () => {
      const r1 = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
        phone: '81 1111 2227',
        regimenFiscal: '999',
      });
      expect(r1.json().error.code).toBe('CUSTOMER_REGIMEN_FISCAL_INVALID');
      const r2 = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
        phone: '81 1111 2227',
        usoCfdi: 'P01',
      });
      expect(r2.json().error.code).toBe('CUSTOMER_USO_CFDI_INVALID');
      const r3 = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
        phone: '81 1111 2227',
        codigoPostal: '1234',
      });
      expect(r3.statusCode).toBe(400);
      expect(r3.json().error.details.issues[0].message).toBe('El código postal tiene 5 dígitos.');
    });
  });

  it('records consent with when and where, keeping the history', async () => {
    env.clock.advance(60_000);
    const revoked = await call(env.app, biz.as.cashier, 'POST', `/api/v1/customers/${anaId}/consent`, {
      granted: false,
      channel: 'counter',
      note: 'Pidió no recibir promociones',
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().marketingConsent).toEqual({
      granted: false,
      at: env.clock.now.toISOString(),
      channel: 'counter',
    });
    const hist = await call(env.app, biz.as.cashier, 'GET', `/api/v1/customers/${anaId}/consent`);
    expect(
      hist
        .json()
        .items.map((i: { granted: boolean; channel: string; recordedBy: string }) => [
          i.granted,
          i.channel,
          i.recordedBy,
        ]),
    ).toEqual([
      [true, 'whatsapp', biz.as.agent.userId],
      [false, 'counter', biz.as.cashier.userId],
    ]);
    const audit = await env.db.db
      .selectFrom('audit_log')
      .select('action')
      .where('tenant_id', '=', biz.tenantId)
      .where('entity_id', '=', anaId)
      .where('action', 'like', 'customer.consent%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['customer.consent_granted', 'customer.consent_revoked']);
  });

  describe('merge', () => {
    it('merges a duplicate: keep takes missing contact, keeps its fiscal data, lookups follow', async () => {
      const keep = (
        await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
          name: 'Luis Gómez',
          phone: '55 2222 3333',
          rfc: 'GOLU800101AB1',
          regimenFiscal: '612',
          usoCfdi: 'G03',
        })
      ).json();
      const dup = (
        await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers', {
          name: 'Luis G.',
          email: 'luis@example.mx',
          rfc: 'XAXX010101000',
          notes: 'Cliente de WhatsApp',
        })
      ).json();
      const cashierTry = await call(env.app, biz.as.cashier, 'POST', '/api/v1/customers/merge', {
        keepId: keep.id,
        mergeId: dup.id,
      });
      expect(cashierTry.statusCode).toBe(403);
      const res = await call(env.app, biz.as.manager, 'POST', '/api/v1/customers/merge', {
        keepId: keep.id,
        mergeId: dup.id,
      });
      expect(res.statusCode, res.body).toBe(200);
      const merged = res.json();
      expect(merged.email).toBe('luis@example.mx');
      expect(merged.phone).toBe('+525522223333');
      expect(merged.rfc).toBe('GOLU800101AB1');
      expect(merged.notes).toBe('Cliente de WhatsApp');
      const gone = await call(env.app, biz.as.cashier, 'GET', `/api/v1/customers/${dup.id}`);
      expect(gone.json().mergedInto).toBe(keep.id);
      const patchGone = await call(env.app, biz.as.cashier, 'PATCH', `/api/v1/customers/${dup.id}`, {
        name: 'x',
      });
      expect(patchGone.json().error.code).toBe('CUSTOMER_MERGED');
      const search = await call(env.app, biz.as.cashier, 'GET', '/api/v1/customers?q=luis');
      expect(search.json().items.map((c: { id: string }) => c.id)).toEqual([keep.id]);
      const ev = await env.db.db
        .selectFrom('events')
        .select('payload')
        .where('tenant_id', '=', biz.tenantId)
        .where('type', '=', 'customer.merged')
        .executeTakeFirstOrThrow();
      expect(ev.payload).toMatchObject({ keepId: keep.id, mergeId: dup.id });
      const again = await call(env.app, biz.as.manager, 'POST', '/api/v1/customers/merge', {
        keepId: keep.id,
        mergeId: dup.id,
      });
      expect(again.json().error.code).toBe('CUSTOMER_MERGED');
      const self = await call(env.app, biz.as.manager, 'POST', '/api/v1/customers/merge', {
        keepId: keep.id,
        mergeId: keep.id,
      });
      expect(self.json().error.code).toBe('CUSTOMER_MERGE_SAME');
    });
  });

  it('gives an empty history for a customer with no purchases', async () => {
    const res = await call(env.app, biz.as.cashier, 'GET', `/api/v1/customers/${anaId}/history`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().entries).toEqual([]);
    expect(res.json().totals.spent).toBe('0.00');
  });

  it('links sales.customer_id to customers once the sales table exists (migration 006)', async () => {
    const r = await sql<{ n: number }>`select count(*)::int as n from pg_constraint
      where contype = 'f' and conrelid = to_regclass('sales') and confrelid = to_regclass('customers')`.execute(
      env.db.db,
    );
    expect(Number(r.rows[0]!.n)).toBe(1);
  });

  it('does not let kitchen staff read customers', async () => {
    const res = await call(env.app, biz.as.kitchen, 'GET', '/api/v1/customers');
    expect(res.statusCode).toBe(403);
  });
});
