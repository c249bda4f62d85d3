/** Fiscal setup: the issuer's data, expedition postal codes, series and folios, the CSD. */
import { sql } from 'kysely';
import { satCatalog } from '../../sat/catalogs.js';
import type { Ctx } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { DEFAULT_TIMEZONE } from '../../shared/time.js';
import { recordAudit, recordEvent } from '../events/events.service.js';
import { type Csd, CfdiErrors, type EmisorInput, loadCsd, personaOf, RFC_RE } from './cfdi/index.js';
import { InvoicingErrors as E } from './invoicing.errors.js';
import { decryptSecret, encryptSecret } from '../../shared/secrets.js';

export interface FiscalProfileInput {
  rfc: string;
  nombre: string;
  regimenFiscal: string;
  selfInvoiceMode?: 'days' | 'month';
  selfInvoiceDays?: number;
}

export interface CsdInfo {
  noCertificado: string;
  rfc: string;
  validFrom: string;
  validTo: string;
  /** Whole days until it expires (negative once expired). */
  expiresInDays: number;
  /** CSD_EXPIRING when 30 days or fewer remain, CSD_EXPIRED when gone. */
  warnings: string[];
}

export interface FiscalSetup {
  profile: (Required<FiscalProfileInput> & { updatedAt: string }) | null;
  locations: Array<{ locationId: string; name: string; postalCode: string | null }>;
  series: Array<{ serie: string; tipo: 'I' | 'E' | 'P'; nextFolio: number; isDefault: boolean }>;
  csd: CsdInfo | null;
}

const DAY = 86_400_000;

/**
 * Set the business's RFC, registered name and régimen (and the self-invoicing window).
 * Errors: CFDI_RFC_INVALID, CFDI_REGIMEN_INVALID, CFDI_REGIMEN_PERSONA.
 */
export async function setFiscalProfile(ctx: Ctx, input: FiscalProfileInput): Promise<void> {
  const rfc = input.rfc.trim().toUpperCase();
  if (!RFC_RE.test(rfc) || rfc.startsWith('XAXX') || rfc.startsWith('XEXX'))
    throw new AppError(CfdiErrors.CFDI_RFC_INVALID, { rfc, field: 'Emisor' });
  const reg = satCatalog('c_RegimenFiscal').get(input.regimenFiscal);
  if (!reg)
    throw new AppError(CfdiErrors.CFDI_REGIMEN_INVALID, { value: input.regimenFiscal, field: 'Emisor' });
  const persona = personaOf(rfc);
  if ((persona === 'fisica' ? reg.aplica_fisica : reg.aplica_moral) !== '1') {
    throw new AppError(CfdiErrors.CFDI_REGIMEN_PERSONA, {
      value: input.regimenFiscal,
      persona: persona === 'fisica' ? 'física' : 'moral',
      rfc,
    });
  }
  const values = {
    rfc,
    nombre: input.nombre.trim(),
    regimen_fiscal: input.regimenFiscal,
    self_invoice_mode: input.selfInvoiceMode ?? 'days',
    self_invoice_days: input.selfInvoiceDays ?? 30,
    updated_at: ctx.now,
  };
  await ctx.db
    .insertInto('fiscal_profiles')
    .values({ tenant_id: ctx.tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
    .execute();
  await recordAudit(ctx, {
    action: 'fiscal.profile_set',
    entityType: 'tenant',
    entityId: ctx.tenantId,
    data: values,
  });
}

/** The LugarExpedicion of a location's invoices. Errors: NOT_FOUND (location). */
export async function setExpeditionPostalCode(
  ctx: Ctx,
  input: { locationId: string; postalCode: string },
): Promise<void> {
  const loc = await ctx.db
    .selectFrom('locations')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', input.locationId)
    .executeTakeFirst();
  if (!loc) throw new AppError('NOT_FOUND', { locationId: input.locationId });
  await ctx.db
    .insertInto('fiscal_locations')
    .values({ tenant_id: ctx.tenantId, location_id: input.locationId, postal_code: input.postalCode })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'location_id']).doUpdateSet({ postal_code: input.postalCode }),
    )
    .execute();
  await recordAudit(ctx, {
    action: 'fiscal.expedition_postal_code_set',
    entityType: 'location',
    entityId: input.locationId,
    data: { postalCode: input.postalCode },
  });
}

/**
 * A series of folios for one CFDI type; the default one numbers new invoices of that type.
 * Errors: SERIES_DUPLICATE.
 */
export async function createSeries(
  ctx: Ctx,
  input: { serie: string; tipo: 'I' | 'E' | 'P'; nextFolio?: number; isDefault?: boolean },
): Promise<void> {
  const exists = await ctx.db
    .selectFrom('invoice_series')
    .select('serie')
    .where('tenant_id', '=', ctx.tenantId)
    .where('serie', '=', input.serie)
    .executeTakeFirst();
  if (exists) throw new AppError(E.SERIES_DUPLICATE, { serie: input.serie });
  if (input.isDefault) {
    await ctx.db
      .updateTable('invoice_series')
      .set({ is_default: false })
      .where('tenant_id', '=', ctx.tenantId)
      .where('tipo', '=', input.tipo)
      .execute();
  }
  await ctx.db
    .insertInto('invoice_series')
    .values({
      tenant_id: ctx.tenantId,
      serie: input.serie,
      tipo: input.tipo,
      next_folio: String(input.nextFolio ?? 1),
      is_default: input.isDefault ?? false,
    })
    .execute();
  await recordAudit(ctx, {
    action: 'fiscal.series_created',
    entityType: 'series',
    entityId: input.serie,
    data: input,
  });
}

/**
 * The next folio of the default series of `tipo` (created on first use: A, NC, P). The UPDATE
 * locks the series row until the invoice's transaction ends, so committed folios have no gaps.
 */
export async function allocateFolio(
  ctx: Ctx,
  tipo: 'I' | 'E' | 'P',
): Promise<{ serie: string; folio: string }> {
  const take = () =>
    ctx.db
      .updateTable('invoice_series')
      .set({ next_folio: sql`next_folio + 1` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('tipo', '=', tipo)
      .where('is_default', '=', true)
      .returning(['serie', sql<string>`next_folio - 1`.as('folio')])
      .executeTakeFirst();
  let row = await take();
  if (!row) {
    const serie = tipo === 'I' ? 'A' : tipo === 'E' ? 'NC' : 'P';
    await ctx.db
      .insertInto('invoice_series')
      .values({ tenant_id: ctx.tenantId, serie, tipo, next_folio: '1', is_default: true })
      .onConflict((oc) => oc.doNothing())
      .execute();
    row = await take();
  }
  if (!row) throw new AppError(E.SERIES_REQUIRED, { tipo });
  return { serie: row.serie, folio: String(row.folio) };
}

function csdInfo(
  row: { no_certificado: string; rfc: string; valid_from: Date; valid_to: Date },
  now: Date,
): CsdInfo {
  const expiresInDays = Math.floor((row.valid_to.getTime() - now.getTime()) / DAY);
  const warnings: string[] = [];
  if (row.valid_to < now) warnings.push('CSD_EXPIRED');
  else if (expiresInDays <= 30) warnings.push('CSD_EXPIRING');
  return {
    noCertificado: row.no_certificado,
    rfc: row.rfc,
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to.toISOString(),
    expiresInDays,
    warnings,
  };
}

/**
 * Check and store the business's CSD: it must open with the password, belong to the
 * business RFC, be a CSD (not an e.firma) and be in force now. The .key and the password are
 * stored encrypted (AES-256-GCM). Errors: FISCAL_PROFILE_REQUIRED, CSD_INVALID,
 * CSD_PASSWORD_WRONG, CSD_KEY_CERT_MISMATCH, CSD_IS_FIEL, CSD_NOT_MATCHING_RFC, CSD_EXPIRED.
 */
export async function uploadCsd(
  ctx: Ctx,
  input: { cer: Buffer; key: Buffer; password: string },
): Promise<CsdInfo> {
  const profile = await requireProfile(ctx);
  const csd = loadCsd({ ...input, rfc: profile.rfc, at: ctx.now });
  await ctx.db
    .updateTable('csd_certificates')
    .set({ active: false })
    .where('tenant_id', '=', ctx.tenantId)
    .where('active', '=', true)
    .execute();
  const row = {
    tenant_id: ctx.tenantId,
    no_certificado: csd.noCertificado,
    rfc: csd.rfc,
    valid_from: csd.validFrom,
    valid_to: csd.validTo,
    cer: csd.certificadoBase64,
    key_enc: encryptSecret(input.key),
    password_enc: encryptSecret(input.password),
    active: true,
    uploaded_by: ctx.userId,
    created_at: ctx.now,
  };
  await ctx.db
    .insertInto('csd_certificates')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'no_certificado']).doUpdateSet({
        key_enc: row.key_enc,
        password_enc: row.password_enc,
        active: true,
        uploaded_by: row.uploaded_by,
      }),
    )
    .execute();
  csdCache.delete(`${ctx.tenantId}/${csd.noCertificado}`);
  const info = csdInfo(row, ctx.now);
  await recordAudit(ctx, {
    action: 'fiscal.csd_uploaded',
    entityType: 'csd',
    entityId: csd.noCertificado,
    data: { rfc: csd.rfc, validTo: info.validTo },
  });
  await recordEvent(ctx, 'fiscal.csd_uploaded', { noCertificado: csd.noCertificado, validTo: info.validTo });
  return info;
}

/** Everything the fiscal settings page shows, with the CSD expiry warning. */
export async function getFiscalSetup(ctx: Ctx): Promise<FiscalSetup> {
  const [profile, locations, series, csd] = await Promise.all([
    ctx.db.selectFrom('fiscal_profiles').selectAll().where('tenant_id', '=', ctx.tenantId).executeTakeFirst(),
    ctx.db
      .selectFrom('locations as l')
      .leftJoin('fiscal_locations as f', (j) =>
        j.onRef('f.tenant_id', '=', 'l.tenant_id').onRef('f.location_id', '=', 'l.id'),
      )
      .select(['l.id', 'l.name', 'l.postal_code', 'f.postal_code as fiscal_cp'])
      .where('l.tenant_id', '=', ctx.tenantId)
      .orderBy('l.id')
      .execute(),
    ctx.db
      .selectFrom('invoice_series')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .orderBy('serie')
      .execute(),
    ctx.db
      .selectFrom('csd_certificates')
      .select(['no_certificado', 'rfc', 'valid_from', 'valid_to'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('active', '=', true)
      .executeTakeFirst(),
  ]);
  return {
    profile: profile
      ? {
          rfc: profile.rfc,
          nombre: profile.nombre,
          regimenFiscal: profile.regimen_fiscal,
          selfInvoiceMode: profile.self_invoice_mode,
          selfInvoiceDays: profile.self_invoice_days,
          updatedAt: profile.updated_at.toISOString(),
        }
      : null,
    locations: locations.map((l) => ({
      locationId: l.id,
      name: l.name,
      postalCode: l.fiscal_cp ?? l.postal_code,
    })),
    series: series.map((s) => ({
      serie: s.serie,
      tipo: s.tipo,
      nextFolio: Number(s.next_folio),
      isDefault: s.is_default,
    })),
    csd: csd ? csdInfo(csd, ctx.now) : null,
  };
}

export async function requireProfile(ctx: Ctx) {
  const p = await ctx.db
    .selectFrom('fiscal_profiles')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .executeTakeFirst();
  if (!p) throw new AppError(E.FISCAL_PROFILE_REQUIRED);
  return p;
}

const csdCache = new Map<string, Csd>();

/** The active CSD, decrypted (cached per process). Errors: CSD_REQUIRED. */
export async function activeCsd(ctx: Ctx): Promise<Csd> {
  const row = await ctx.db
    .selectFrom('csd_certificates')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!row) throw new AppError(E.CSD_REQUIRED);
  const key = `${ctx.tenantId}/${row.no_certificado}`;
  let csd = csdCache.get(key);
  if (!csd) {
    csd = loadCsd({
      cer: Buffer.from(row.cer, 'base64'),
      key: decryptSecret(row.key_enc),
      password: decryptSecret(row.password_enc).toString('utf8'),
    });
    csdCache.set(key, csd);
  }
  return csd;
}

export interface Issuer {
  emisor: EmisorInput;
  lugarExpedicion: string;
  csd: Csd;
  timeZone: string;
}

/**
 * Who issues and where: profile, the location's expedition postal code, the CSD, the zone.
 * Errors: FISCAL_PROFILE_REQUIRED, CSD_REQUIRED, EXPEDITION_POSTAL_CODE_REQUIRED.
 */
export async function loadIssuer(ctx: Ctx, locationId: string | null): Promise<Issuer> {
  const profile = await requireProfile(ctx);
  const csd = await activeCsd(ctx);
  const tenant = await ctx.db
    .selectFrom('tenants')
    .select('timezone')
    .where('id', '=', ctx.tenantId)
    .executeTakeFirst();
  let cp: string | null | undefined;
  if (locationId) {
    const l = await ctx.db
      .selectFrom('locations as l')
      .leftJoin('fiscal_locations as f', (j) =>
        j.onRef('f.tenant_id', '=', 'l.tenant_id').onRef('f.location_id', '=', 'l.id'),
      )
      .select(['l.postal_code', 'f.postal_code as fiscal_cp'])
      .where('l.tenant_id', '=', ctx.tenantId)
      .where('l.id', '=', locationId)
      .executeTakeFirst();
    cp = l?.fiscal_cp ?? l?.postal_code;
  } else {
    const f = await ctx.db
      .selectFrom('fiscal_locations')
      .select('postal_code')
      .where('tenant_id', '=', ctx.tenantId)
      .orderBy('location_id')
      .executeTakeFirst();
    cp = f?.postal_code;
  }
  if (!cp || !/^\d{5}$/.test(cp)) throw new AppError(E.EXPEDITION_POSTAL_CODE_REQUIRED, { locationId });
  return {
    emisor: { rfc: profile.rfc, nombre: profile.nombre, regimenFiscal: profile.regimen_fiscal },
    lugarExpedicion: cp,
    csd,
    timeZone: tenant?.timezone ?? DEFAULT_TIMEZONE,
  };
}
