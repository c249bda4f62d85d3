import { type Selectable, sql } from 'kysely';
import type { z } from 'zod';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { roundToCentavos, sum } from '../../shared/money.js';
import { normalizeSearch } from '../catalog/search-text.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { listOrdersOfCustomers, moveOrdersToCustomer } from '../orders/orders.by-customer.js';
import { listSales } from '../sales/sales.service.js';
import { CustomerErrors as E } from './customers.errors.js';
import type {
  zConsentInput,
  zConsentRecord,
  zCustomer,
  zCustomerHistory,
  zCustomerInput,
  zCustomerPatch,
  zHistoryEntry,
} from './customers.schemas.js';
import type { ConsentChannel, CustomersTable } from './customers.tables.js';
import { appliesTo, checkRfc, isGenericRfc, regimenesForUso, regimenRow, usoRow } from './fiscal.js';
import { normalizePhone } from './phone.js';

export type Customer = z.infer<typeof zCustomer>;
export type CreateCustomerInput = z.infer<typeof zCustomerInput>;
export type UpdateCustomerInput = z.infer<typeof zCustomerPatch>;
export type RecordConsentInput = z.infer<typeof zConsentInput>;
export type ConsentRecord = z.infer<typeof zConsentRecord>;
export type CustomerHistory = z.infer<typeof zCustomerHistory>;
type HistoryEntry = z.infer<typeof zHistoryEntry>;

type CustomerRow = Selectable<CustomersTable>;

function toCustomer(r: CustomerRow): Customer {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    email: r.email,
    rfc: r.rfc,
    razonSocial: r.razon_social,
    regimenFiscal: r.regimen_fiscal,
    usoCfdi: r.uso_cfdi,
    codigoPostal: r.codigo_postal,
    marketingConsent: {
      granted: r.marketing_consent,
      at: r.marketing_consent_at ? r.marketing_consent_at.toISOString() : null,
      channel: r.marketing_consent_channel,
    },
    notes: r.notes,
    mergedInto: r.merged_into,
    erasedAt: r.erased_at ? r.erased_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** E.164 or CUSTOMER_PHONE_INVALID; every Mexican form of a number gives the same string. */
export function phoneOrThrow(phone: string): string {
  const n = normalizePhone(phone);
  if (!n) throw new AppError(E.CUSTOMER_PHONE_INVALID, { phone });
  return n;
}

function normEmail(email: string | null | undefined): string | null | undefined {
  if (email === undefined || email === null) return email;
  return email.trim().toLowerCase();
}

function blankToNull(v: string | null | undefined): string | null | undefined {
  if (v === undefined || v === null) return v;
  const t = v.trim().replace(/\s+/g, ' ');
  return t.length === 0 ? null : t;
}

function normRfc(rfc: string | null | undefined): string | null | undefined {
  if (rfc === undefined || rfc === null) return rfc;
  // People write it with spaces or hyphens ("EKU-900317-3C9"); SAT's form has neither.
  const t = rfc.replace(/[\s-]/g, '').toUpperCase();
  return t.length === 0 ? null : t;
}

interface FiscalState {
  rfc: string | null;
  regimenFiscal: string | null;
  usoCfdi: string | null;
  codigoPostal: string | null;
}

/**
 * Checks fiscal data as SAT's CFDI 4.0 validations would: the RFC's shape and date, régimen and
 * uso CFDI in SAT's catalogs, both applicable to the RFC's person type (12 characters: moral,
 * 13: física), the uso allowed for the régimen (c_UsoCFDI.regimenes_fiscales_receptores), and
 * for the generic RFCs régimen 616 with uso S01 (Anexo 20, guía de llenado).
 */
function assertFiscal(ctx: Ctx, f: FiscalState): void {
  const today = ctx.now.toISOString().slice(0, 10);
  let personType: 'física' | 'moral' | null = null;
  if (f.rfc !== null) {
    const c = checkRfc(f.rfc);
    if (!c.ok) {
      throw new AppError(c.problem === 'date' ? E.CUSTOMER_RFC_DATE_INVALID : E.CUSTOMER_RFC_INVALID, {
        rfc: f.rfc,
      });
    }
    personType = c.personType === 'fisica' ? 'física' : 'moral';
    if (isGenericRfc(f.rfc)) {
      if (
        (f.regimenFiscal !== null && f.regimenFiscal !== '616') ||
        (f.usoCfdi !== null && f.usoCfdi !== 'S01')
      ) {
        throw new AppError(E.CUSTOMER_GENERIC_RFC_FISCAL, {
          rfc: f.rfc,
          regimenFiscal: f.regimenFiscal,
          usoCfdi: f.usoCfdi,
        });
      }
    }
  }
  const type = personType === 'física' ? 'fisica' : personType;
  let regimen: Record<string, string> | undefined;
  if (f.regimenFiscal !== null) {
    regimen = regimenRow(f.regimenFiscal, today);
    if (!regimen) throw new AppError(E.CUSTOMER_REGIMEN_FISCAL_INVALID, { regimenFiscal: f.regimenFiscal });
    if (type && !appliesTo(regimen, type)) {
      throw new AppError(E.CUSTOMER_REGIMEN_PERSON_TYPE, {
        regimenFiscal: f.regimenFiscal,
        personType,
        rfc: f.rfc,
      });
    }
  }
  if (f.usoCfdi !== null) {
    const uso = usoRow(f.usoCfdi, today);
    if (!uso) throw new AppError(E.CUSTOMER_USO_CFDI_INVALID, { usoCfdi: f.usoCfdi });
    if (type && !appliesTo(uso, type)) {
      throw new AppError(E.CUSTOMER_USO_CFDI_PERSON_TYPE, { usoCfdi: f.usoCfdi, personType, rfc: f.rfc });
    }
    if (f.regimenFiscal !== null && !regimenesForUso(uso).includes(f.regimenFiscal)) {
      const allowed = allowedUsosFor(f.regimenFiscal, type, today);
      throw new AppError(E.CUSTOMER_USO_CFDI_REGIMEN, {
        usoCfdi: f.usoCfdi,
        regimenFiscal: f.regimenFiscal,
        allowedUsos: allowed.join(', '),
      });
    }
  }
  if (f.codigoPostal !== null && !/^\d{5}$/.test(f.codigoPostal)) {
    throw new AppError(E.CUSTOMER_CODIGO_POSTAL_INVALID, { codigoPostal: f.codigoPostal });
  }
}

function allowedUsosFor(regimen: string, type: 'fisica' | 'moral' | null, today: string): string[] {
  return ['G01', 'G02', 'G03', 'I01', 'I02', 'I03', 'I04', 'I05', 'I06', 'I07', 'I08']
    .concat(['D01', 'D02', 'D03', 'D04', 'D05', 'D06', 'D07', 'D08', 'D09', 'D10', 'S01', 'CP01', 'CN01'])
    .filter((k) => {
      const row = usoRow(k, today);
      return !!row && regimenesForUso(row).includes(regimen) && (!type || appliesTo(row, type));
    });
}

function searchTextOf(c: { name: string; phone: string | null; email: string | null; rfc: string | null }) {
  const national = c.phone?.startsWith('+52') ? c.phone.slice(3) : null;
  return normalizeSearch(
    [c.name, c.email, national, c.phone?.slice(1), c.rfc?.toLowerCase()].filter(Boolean).join(' '),
  );
}

async function loadRow(ctx: Ctx, customerId: string, lock = false): Promise<CustomerRow> {
  let q = ctx.db
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', customerId);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  if (!r) throw new AppError(E.CUSTOMER_NOT_FOUND, { customerId });
  return r;
}

/** A profile that can still change: not merged into another, not erased. */
function assertLive(row: CustomerRow): void {
  if (row.merged_into) {
    throw new AppError(E.CUSTOMER_MERGED, { customerId: row.id, mergedInto: row.merged_into });
  }
  if (row.erased_at) throw new AppError(E.CUSTOMER_ERASED, { customerId: row.id });
}

async function insertConsent(ctx: Ctx, customerId: string, input: RecordConsentInput): Promise<void> {
  await ctx.db
    .insertInto('customer_consents')
    .values({
      tenant_id: ctx.tenantId,
      customer_id: customerId,
      granted: input.granted,
      channel: input.channel,
      note: input.note ?? null,
      recorded_by: ctx.userId,
      created_at: ctx.now,
    })
    .execute();
  await recordAudit(ctx, {
    action: input.granted ? 'customer.consent_granted' : 'customer.consent_revoked',
    entityType: 'customer',
    entityId: customerId,
    data: { channel: input.channel, purpose: 'marketing' },
  });
}

/**
 * One live profile per phone and per e-mail: a second one is refused naming the profile that
 * has it (`customerId`), so a client can use or merge that one. The unique indexes still decide
 * under a race (then without the id).
 */
async function assertContactFree(
  ctx: Ctx,
  phone: string | null,
  email: string | null,
  exceptId?: string,
): Promise<void> {
  for (const [column, value, code] of [
    ['phone', phone, E.CUSTOMER_PHONE_DUPLICATE],
    ['email', email, E.CUSTOMER_EMAIL_DUPLICATE],
  ] as const) {
    if (!value) continue;
    let q = ctx.db
      .selectFrom('customers')
      .select('id')
      .where('tenant_id', '=', ctx.tenantId)
      .where(column, '=', value)
      .where('merged_into', 'is', null);
    if (exceptId) q = q.where('id', '<>', exceptId);
    const taken = await q.executeTakeFirst();
    if (taken) throw new AppError(code, { [column]: value, customerId: taken.id });
  }
}

/**
 * Creates a customer profile keyed by phone (normalised to E.164) and/or e-mail (lower case),
 * with optional fiscal data and marketing consent. Errors: CUSTOMER_CONTACT_REQUIRED,
 * CUSTOMER_PHONE_INVALID, CUSTOMER_PHONE_DUPLICATE, CUSTOMER_EMAIL_DUPLICATE, CUSTOMER_RFC_*,
 * CUSTOMER_REGIMEN_*, CUSTOMER_USO_CFDI_*, CUSTOMER_GENERIC_RFC_FISCAL, CUSTOMER_CODIGO_POSTAL_INVALID.
 */
export async function createCustomer(ctx: Ctx, input: CreateCustomerInput): Promise<Customer> {
  const phone = input.phone ? phoneOrThrow(input.phone) : null;
  const email = normEmail(input.email) ?? null;
  if (!phone && !email) throw new AppError(E.CUSTOMER_CONTACT_REQUIRED);
  await assertContactFree(ctx, phone, email);
  const fiscal: FiscalState = {
    rfc: normRfc(input.rfc) ?? null,
    regimenFiscal: blankToNull(input.regimenFiscal) ?? null,
    usoCfdi: blankToNull(input.usoCfdi)?.toUpperCase() ?? null,
    codigoPostal: blankToNull(input.codigoPostal) ?? null,
  };
  assertFiscal(ctx, fiscal);
  const id = newId('cus');
  const name = blankToNull(input.name) ?? '';
  const consent = input.marketingConsent;
  await ctx.db
    .insertInto('customers')
    .values({
      tenant_id: ctx.tenantId,
      id,
      name,
      phone,
      email,
      rfc: fiscal.rfc,
      razon_social: blankToNull(input.razonSocial) ?? null,
      regimen_fiscal: fiscal.regimenFiscal,
      uso_cfdi: fiscal.usoCfdi,
      codigo_postal: fiscal.codigoPostal,
      marketing_consent: consent?.granted ?? false,
      marketing_consent_at: consent ? ctx.now : null,
      marketing_consent_channel: consent?.channel ?? null,
      notes: blankToNull(input.notes) ?? null,
      search_text: searchTextOf({ name, phone, email, rfc: fiscal.rfc }),
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .execute();
  if (consent) await insertConsent(ctx, id, consent);
  await recordEvent(ctx, 'customer.created', { customerId: id });
  if (fiscal.rfc) {
    await recordAudit(ctx, {
      action: 'customer.fiscal_changed',
      entityType: 'customer',
      entityId: id,
      data: { rfc: fiscal.rfc, regimenFiscal: fiscal.regimenFiscal, usoCfdi: fiscal.usoCfdi },
    });
  }
  return toCustomer(await loadRow(ctx, id));
}

/**
 * Changes a live customer profile; fiscal data is re-checked as a whole (a new régimen must
 * still allow the stored uso CFDI). Errors: CUSTOMER_NOT_FOUND, CUSTOMER_MERGED and the
 * createCustomer ones.
 */
export async function updateCustomer(
  ctx: Ctx,
  customerId: string,
  input: UpdateCustomerInput,
): Promise<Customer> {
  const cur = await loadRow(ctx, customerId, true);
  assertLive(cur);
  const phone = input.phone === undefined ? cur.phone : input.phone ? phoneOrThrow(input.phone) : null;
  const email = input.email === undefined ? cur.email : (normEmail(input.email) ?? null);
  if (!phone && !email) throw new AppError(E.CUSTOMER_CONTACT_REQUIRED);
  await assertContactFree(ctx, phone, email, cur.id);
  const fiscal: FiscalState = {
    rfc: input.rfc === undefined ? cur.rfc : (normRfc(input.rfc) ?? null),
    regimenFiscal:
      input.regimenFiscal === undefined ? cur.regimen_fiscal : (blankToNull(input.regimenFiscal) ?? null),
    usoCfdi: input.usoCfdi === undefined ? cur.uso_cfdi : (blankToNull(input.usoCfdi)?.toUpperCase() ?? null),
    codigoPostal:
      input.codigoPostal === undefined ? cur.codigo_postal : (blankToNull(input.codigoPostal) ?? null),
  };
  assertFiscal(ctx, fiscal);
  const name = input.name === undefined ? cur.name : (blankToNull(input.name) ?? '');
  const razonSocial =
    input.razonSocial === undefined ? cur.razon_social : (blankToNull(input.razonSocial) ?? null);
  await ctx.db
    .updateTable('customers')
    .set({
      name,
      phone,
      email,
      rfc: fiscal.rfc,
      razon_social: razonSocial,
      regimen_fiscal: fiscal.regimenFiscal,
      uso_cfdi: fiscal.usoCfdi,
      codigo_postal: fiscal.codigoPostal,
      notes: input.notes === undefined ? cur.notes : (blankToNull(input.notes) ?? null),
      search_text: searchTextOf({ name, phone, email, rfc: fiscal.rfc }),
      updated_at: ctx.now,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', customerId)
    .execute();
  await recordEvent(ctx, 'customer.updated', { customerId, fields: Object.keys(input) });
  const fiscalChanged =
    fiscal.rfc !== cur.rfc ||
    fiscal.regimenFiscal !== cur.regimen_fiscal ||
    fiscal.usoCfdi !== cur.uso_cfdi ||
    fiscal.codigoPostal !== cur.codigo_postal ||
    razonSocial !== cur.razon_social;
  if (fiscalChanged) {
    await recordAudit(ctx, {
      action: 'customer.fiscal_changed',
      entityType: 'customer',
      entityId: customerId,
      data: {
        from: { rfc: cur.rfc, regimenFiscal: cur.regimen_fiscal, usoCfdi: cur.uso_cfdi },
        to: { rfc: fiscal.rfc, regimenFiscal: fiscal.regimenFiscal, usoCfdi: fiscal.usoCfdi },
      },
    });
  }
  return toCustomer(await loadRow(ctx, customerId));
}

/** One customer, also a merged one (its `mergedInto` says where it went). Errors: CUSTOMER_NOT_FOUND. */
export async function getCustomer(ctx: Ctx, customerId: string): Promise<Customer> {
  return toCustomer(await loadRow(ctx, customerId));
}

/** Who to call about an order: name, phone and e-mail of each profile, as stored (merges not followed). */
export async function customerContacts(
  ctx: Ctx,
  customerIds: string[],
): Promise<Map<string, { id: string; name: string; phone: string | null; email: string | null }>> {
  if (customerIds.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('customers')
    .select(['id', 'name', 'phone', 'email'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', 'in', [...new Set(customerIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The live profile for `customerId`, following merges. Errors: CUSTOMER_NOT_FOUND. */
export async function resolveCustomer(ctx: Ctx, customerId: string): Promise<Customer> {
  let row = await loadRow(ctx, customerId);
  for (let hops = 0; row.merged_into && hops < 10; hops++) row = await loadRow(ctx, row.merged_into);
  return toCustomer(row);
}

async function liveByColumn(ctx: Ctx, column: 'phone' | 'email', value: string): Promise<Customer | null> {
  const r = await ctx.db
    .selectFrom('customers')
    .select(['id', 'merged_into'])
    .where('tenant_id', '=', ctx.tenantId)
    .where(column, '=', value)
    // a live profile first; else the newest merged one, followed to where it went
    .orderBy(sql`merged_into is null`, 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!r) return null;
  return resolveCustomer(ctx, r.id);
}

/**
 * The live customer with this phone in any accepted form (5215512345678, +52 1 55 1234 5678,
 * 044 55…, 55 1234 5678, +525512345678), following merges; null when none.
 * Errors: CUSTOMER_PHONE_INVALID.
 */
export async function findCustomerByPhone(ctx: Ctx, phone: string): Promise<Customer | null> {
  return liveByColumn(ctx, 'phone', phoneOrThrow(phone));
}

/** The live customer with this e-mail (case-insensitive), following merges; null when none. */
export async function findCustomerByEmail(ctx: Ctx, email: string): Promise<Customer | null> {
  return liveByColumn(ctx, 'email', email.trim().toLowerCase());
}

/**
 * The customer with this phone (else e-mail), created when there is none: what a WhatsApp
 * message or a web order uses. Safe under concurrent calls for the same phone.
 * Errors: CUSTOMER_CONTACT_REQUIRED, CUSTOMER_PHONE_INVALID.
 */
export async function findOrCreateCustomer(
  ctx: Ctx,
  input: { phone?: string | null; email?: string | null; name?: string | null },
): Promise<Customer> {
  const phone = input.phone ? phoneOrThrow(input.phone) : null;
  const email = normEmail(input.email) ?? null;
  if (!phone && !email) throw new AppError(E.CUSTOMER_CONTACT_REQUIRED);
  const found =
    (phone ? await liveByColumn(ctx, 'phone', phone) : null) ??
    (email ? await liveByColumn(ctx, 'email', email) : null);
  if (found) return found;
  const id = newId('cus');
  const name = blankToNull(input.name) ?? '';
  // ON CONFLICT DO NOTHING instead of a unique violation: a violation would abort the caller's
  // PostgreSQL transaction, and a concurrent creator for the same phone is expected here.
  const inserted = await ctx.db
    .insertInto('customers')
    .values({
      tenant_id: ctx.tenantId,
      id,
      name,
      phone,
      email,
      search_text: searchTextOf({ name, phone, email, rfc: null }),
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const other =
      (phone ? await liveByColumn(ctx, 'phone', phone) : null) ??
      (email ? await liveByColumn(ctx, 'email', email) : null);
    if (other) return other;
    throw new AppError('CONFLICT');
  }
  await recordEvent(ctx, 'customer.created', { customerId: id });
  return toCustomer(await loadRow(ctx, id));
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Live customers whose name (any word), phone or e-mail starts with `q`, accent- and
 * case-insensitive; page by id (`after`: the last id of the previous page).
 */
export async function searchCustomers(
  ctx: Ctx,
  input: { q?: string; limit: number; after?: string },
): Promise<{ items: Customer[]; last: string | null }> {
  let q = ctx.db
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('merged_into', 'is', null)
    .where('erased_at', 'is', null);
  const text = input.q ? normalizeSearch(input.q) : '';
  if (text.length > 0) {
    const patterns = new Set<string>();
    const looksLikePhone = /^[\d\s+()\-.]+$/.test(text);
    if (looksLikePhone) {
      let digits = text.replace(/\D/g, '');
      const full = normalizePhone(input.q!);
      if (full) digits = full.slice(3);
      else if (digits.length > 10 && digits.startsWith('521')) digits = digits.slice(3);
      if (digits.length > 0) patterns.add(likeEscape(digits));
    } else {
      patterns.add(likeEscape(text));
    }
    q = q.where((eb) =>
      eb.or(
        [...patterns].flatMap((p) => [
          eb('search_text', 'like', `${p}%`),
          eb('search_text', 'like', `% ${p}%`),
        ]),
      ),
    );
  }
  if (input.after) q = q.where('id', '>', input.after);
  const rows = await q
    .orderBy('id')
    .limit(input.limit + 1)
    .execute();
  const more = rows.length > input.limit;
  const items = rows.slice(0, input.limit).map(toCustomer);
  return { items, last: more ? (items.at(-1)?.id ?? null) : null };
}

/**
 * Merges `mergeId` into `keepId`: its orders move to keep, it is marked `merged_into` (kept so
 * old references and lookups resolve), keep takes its phone/e-mail/name when it has none and
 * its fiscal data only when keep has no RFC; the most recent consent decision wins and the
 * consent history moves along. Emits `customer.merged` so other modules can follow.
 * Errors: CUSTOMER_NOT_FOUND, CUSTOMER_MERGED, CUSTOMER_MERGE_SAME.
 */
export async function mergeCustomers(
  ctx: Ctx,
  input: { keepId: string; mergeId: string },
): Promise<Customer> {
  if (input.keepId === input.mergeId) throw new AppError(E.CUSTOMER_MERGE_SAME, { customerId: input.keepId });
  // Lock both in id order so two opposite merges cannot deadlock.
  const [firstId, secondId] = [input.keepId, input.mergeId].sort() as [string, string];
  const first = await loadRow(ctx, firstId, true);
  const second = await loadRow(ctx, secondId, true);
  const keep = first.id === input.keepId ? first : second;
  const gone = first.id === input.mergeId ? first : second;
  for (const c of [keep, gone]) assertLive(c);
  // Mark first: the partial unique indexes then free gone's phone and e-mail for keep.
  await ctx.db
    .updateTable('customers')
    .set({ merged_into: keep.id, merged_at: ctx.now, updated_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', gone.id)
    .execute();
  // Profiles merged earlier into `gone` now point straight at keep.
  await ctx.db
    .updateTable('customers')
    .set({ merged_into: keep.id, updated_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('merged_into', '=', gone.id)
    .execute();
  const takeFiscal = !keep.rfc && !!gone.rfc;
  const goneConsentNewer =
    !!gone.marketing_consent_at &&
    (!keep.marketing_consent_at || gone.marketing_consent_at.getTime() > keep.marketing_consent_at.getTime());
  const name = keep.name || gone.name;
  const phone = keep.phone ?? gone.phone;
  const email = keep.email ?? gone.email;
  const rfc = takeFiscal ? gone.rfc : keep.rfc;
  const notes = [keep.notes, gone.notes].filter(Boolean).join('\n') || null;
  await ctx.db
    .updateTable('customers')
    .set({
      name,
      phone,
      email,
      ...(takeFiscal
        ? {
            rfc: gone.rfc,
            razon_social: gone.razon_social,
            regimen_fiscal: gone.regimen_fiscal,
            uso_cfdi: gone.uso_cfdi,
            codigo_postal: gone.codigo_postal,
          }
        : {}),
      ...(goneConsentNewer
        ? {
            marketing_consent: gone.marketing_consent,
            marketing_consent_at: gone.marketing_consent_at,
            marketing_consent_channel: gone.marketing_consent_channel,
          }
        : {}),
      notes,
      search_text: searchTextOf({ name, phone, email, rfc }),
      updated_at: ctx.now,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', keep.id)
    .execute();
  await ctx.db
    .updateTable('customer_consents')
    .set({ customer_id: keep.id })
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', gone.id)
    .execute();
  const movedOrders = await moveOrdersToCustomer(ctx, { fromId: gone.id, toId: keep.id });
  await recordEvent(ctx, 'customer.merged', { keepId: keep.id, mergeId: gone.id, movedOrders });
  await recordAudit(ctx, {
    action: 'customer.merged',
    entityType: 'customer',
    entityId: keep.id,
    data: { mergeId: gone.id, movedOrders, tookFiscal: takeFiscal },
  });
  return toCustomer(await loadRow(ctx, keep.id));
}

/**
 * Records a marketing-consent decision (granted or revoked) with when (ctx.now) and where
 * (channel), appends it to the history and makes it the profile's current state.
 * Errors: CUSTOMER_NOT_FOUND, CUSTOMER_MERGED.
 */
export async function recordConsent(
  ctx: Ctx,
  customerId: string,
  input: RecordConsentInput,
): Promise<Customer> {
  const cur = await loadRow(ctx, customerId, true);
  assertLive(cur);
  await ctx.db
    .updateTable('customers')
    .set({
      marketing_consent: input.granted,
      marketing_consent_at: ctx.now,
      marketing_consent_channel: input.channel as ConsentChannel,
      updated_at: ctx.now,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', customerId)
    .execute();
  await insertConsent(ctx, customerId, input);
  await recordEvent(ctx, 'customer.consent_recorded', {
    customerId,
    granted: input.granted,
    channel: input.channel,
  });
  return toCustomer(await loadRow(ctx, customerId));
}

/** The consent decisions of a customer, oldest first. Errors: CUSTOMER_NOT_FOUND. */
export async function listConsents(ctx: Ctx, customerId: string): Promise<ConsentRecord[]> {
  await loadRow(ctx, customerId);
  const rows = await ctx.db
    .selectFrom('customer_consents')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    purpose: r.purpose,
    granted: r.granted,
    channel: r.channel,
    note: r.note,
    recordedBy: r.recorded_by,
    at: r.created_at.toISOString(),
  }));
}

async function mergedIdsOf(ctx: Ctx, customerId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('customers')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('merged_into', '=', customerId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Counter sales of these customers, through the sales module's own listing. */
async function salesOfCustomers(ctx: Ctx, customerIds: string[], limit: number): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  for (const customerId of customerIds) {
    const { items } = await listSales(ctx, { customerId, limit });
    for (const s of items) {
      out.push({
        kind: 'sale',
        id: s.id,
        channel: s.channel,
        status: s.status,
        total: s.total,
        locationId: s.locationId,
        customerId,
        createdAt: s.createdAt,
      });
    }
  }
  return out;
}

/**
 * Purchases across channels, newest first: orders (every channel) and counter sales, including
 * those of profiles merged into this one. `spent` sums sales and orders that were not cancelled
 * (returns are not subtracted).
 * Errors: CUSTOMER_NOT_FOUND.
 */
export async function getCustomerHistory(
  ctx: Ctx,
  customerId: string,
  input: { limit?: number } = {},
): Promise<CustomerHistory> {
  const limit = input.limit ?? 200;
  const live = await resolveCustomer(ctx, customerId);
  const mergedIds = await mergedIdsOf(ctx, live.id);
  const ids = [live.id, ...mergedIds];
  const orders = (await listOrdersOfCustomers(ctx, ids, limit)).map(
    (o): HistoryEntry => ({
      kind: 'order',
      id: o.id,
      channel: o.channel,
      status: o.status,
      total: o.total,
      locationId: o.locationId,
      customerId: o.customerId,
      createdAt: o.createdAt.toISOString(),
    }),
  );
  const sales = await salesOfCustomers(ctx, ids, limit);
  const entries = [...orders, ...sales]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(0, limit);
  const spent = roundToCentavos(sum(entries.filter((e) => e.status !== 'cancelled').map((e) => e.total)));
  return {
    customerId: live.id,
    mergedIds,
    entries,
    totals: { orders: orders.length, sales: sales.length, spent },
  };
}

/** Ids of the profiles merged into `customerId` (their purchases count as its own). */
export async function profilesMergedInto(ctx: Ctx, customerId: string): Promise<string[]> {
  return mergedIdsOf(ctx, customerId);
}

/**
 * Erases the personal data of a live profile and of the profiles merged into it (an ARCO
 * cancellation): name, phone, e-mail, fiscal data and notes are cleared, the notes of its consent
 * record too, and a granted marketing consent is revoked with a last record. The rows stay, marked
 * `erased_at` (sales, orders and invoices point at them); lookups by phone or e-mail no longer
 * find them and they cannot be changed again. Returns the ids erased, the live one first.
 * Errors: CUSTOMER_NOT_FOUND, CUSTOMER_MERGED, CUSTOMER_ERASED.
 */
export async function eraseCustomerData(ctx: Ctx, customerId: string): Promise<string[]> {
  const cur = await loadRow(ctx, customerId, true);
  assertLive(cur);
  const ids = [cur.id, ...(await mergedIdsOf(ctx, cur.id))];
  if (cur.marketing_consent) {
    await insertConsent(ctx, cur.id, { granted: false, channel: 'other' });
  }
  await ctx.db
    .updateTable('customers')
    .set({
      name: '',
      phone: null,
      email: null,
      rfc: null,
      razon_social: null,
      regimen_fiscal: null,
      uso_cfdi: null,
      codigo_postal: null,
      notes: null,
      marketing_consent: false,
      marketing_consent_at: ctx.now,
      marketing_consent_channel: 'other',
      search_text: '',
      erased_at: ctx.now,
      updated_at: ctx.now,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', 'in', ids)
    .execute();
  await ctx.db
    .updateTable('customer_consents')
    .set({ note: null })
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', 'in', ids)
    .where('note', 'is not', null)
    .execute();
  await recordEvent(ctx, 'customer.erased', { customerId: cur.id, mergedIds: ids.slice(1) });
  await recordAudit(ctx, {
    action: 'customer.erased',
    entityType: 'customer',
    entityId: cur.id,
    data: { mergedIds: ids.slice(1) },
  });
  return ids;
}

/**
 * Live, not erased profiles whose own record last changed before `before` (created, edited,
 * consent recorded) and who bought nothing and had no order move on their own profile since then,
 * in id order after `after`: candidates for a retention policy, whose other activity (returns,
 * invoices, ARCO requests, the profiles merged into them) the caller checks. Customers who buy
 * are left out here, through the sales and orders indexes by customer, rather than re-checked one
 * by one every day.
 */
export async function customersUntouchedSince(
  ctx: Ctx,
  input: { before: Date; after?: string; limit: number },
): Promise<string[]> {
  let q = ctx.db
    .selectFrom('customers')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('merged_into', 'is', null)
    .where('erased_at', 'is', null)
    .where('updated_at', '<', input.before)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('sales as s')
            .select('s.id')
            .whereRef('s.tenant_id', '=', 'customers.tenant_id')
            .whereRef('s.customer_id', '=', 'customers.id')
            .where('s.created_at', '>=', input.before),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('orders as o')
            .select('o.id')
            .whereRef('o.tenant_id', '=', 'customers.tenant_id')
            .whereRef('o.customer_id', '=', 'customers.id')
            .where('o.updated_at', '>=', input.before),
        ),
      ),
    );
  if (input.after) q = q.where('id', '>', input.after);
  const rows = await q.orderBy('id').limit(input.limit).execute();
  return rows.map((r) => r.id);
}
