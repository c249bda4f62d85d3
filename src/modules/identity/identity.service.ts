import { createHash, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { type Kysely, sql } from 'kysely';
import type { Principal } from '../../http/access.js';
import type { DB } from '../../db/schema.js';
import type { Ctx, Executor } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { DEFAULT_TIMEZONE } from '../../shared/time.js';
import { json } from '../../db/types.js';
import { recordAudit } from '../events/events.service.js';
import { appliesTo, checkRfc, isGenericRfc, regimenRow } from '../customers/fiscal.js';
import { IdentityErrors as E } from './identity.errors.js';
import type { Role } from './identity.tables.js';

export const SESSION_COOKIE = 'mostrador_session';
export const API_TOKEN_PREFIX = 'mst_';
const MAX_FAILURES = 5;
const FAILURE_WINDOW_SECONDS = 15 * 60;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Argon2id with the library's defaults (19 MiB, 2 passes). The test suite sets
 * MOSTRADOR_FAST_HASH=1 to hash with the minimum cost: it creates hundreds of users on 2 cores.
 */
const FAST_HASH = process.env.MOSTRADOR_FAST_HASH === '1';

export function hashPassword(password: string): Promise<string> {
  return FAST_HASH ? argonHash(password, { memoryCost: 1024, timeCost: 1 }) : argonHash(password);
}

export interface User {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: Role;
  locationIds: string[] | null;
  active: boolean;
  createdAt: string;
}

function toUser(r: {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  role: Role;
  location_ids: string[] | null;
  active: boolean;
  created_at: Date;
}): User {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    email: r.email,
    name: r.name,
    role: r.role,
    locationIds: r.location_ids,
    active: r.active,
    createdAt: r.created_at.toISOString(),
  };
}

export interface CreateBusinessInput {
  name: string;
  legalName?: string;
  rfc?: string;
  regimenFiscal?: string;
  timezone?: string;
  locations: { name: string; kind: 'store' | 'warehouse'; postalCode?: string }[];
  owner: { email: string; name: string; password: string };
}

/** Creates a business with its locations and its first owner. Used by the seed and the CLI. */
export async function createBusiness(
  db: Kysely<DB>,
  input: CreateBusinessInput,
  now = new Date(),
): Promise<{ tenantId: string; ownerId: string; locationIds: string[] }> {
  const tenantId = newId('ten');
  const passwordHash = await hashPassword(input.owner.password);
  // Joins a caller's transaction (the demo seed: business, users, catalog and stock at once).
  const inTransaction = <T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> =>
    db.isTransaction ? fn(db) : db.transaction().execute(fn);
  return inTransaction(async (trx) => {
    await trx
      .insertInto('tenants')
      .values({
        id: tenantId,
        name: input.name,
        legal_name: input.legalName ?? null,
        rfc: input.rfc ?? null,
        regimen_fiscal: input.regimenFiscal ?? null,
        timezone: input.timezone ?? DEFAULT_TIMEZONE,
        created_at: now,
      })
      .execute();
    const locationIds: string[] = [];
    for (const loc of input.locations) {
      const id = newId('loc');
      locationIds.push(id);
      await trx
        .insertInto('locations')
        .values({
          tenant_id: tenantId,
          id,
          name: loc.name,
          kind: loc.kind,
          postal_code: loc.postalCode ?? null,
          address: null,
          created_at: now,
        })
        .execute();
    }
    const ownerId = newId('usr');
    await trx
      .insertInto('users')
      .values({
        tenant_id: tenantId,
        id: ownerId,
        email: input.owner.email.toLowerCase(),
        name: input.owner.name,
        role: 'owner',
        password_hash: passwordHash,
        location_ids: null,
        created_at: now,
      })
      .execute();
    return { tenantId, ownerId, locationIds };
  });
}

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  password: string;
  locationIds?: string[] | null;
}

/** Adds a user to the business. Errors: USER_EMAIL_DUPLICATE, PASSWORD_TOO_WEAK, LOCATION_NOT_FOUND. */
export async function createUser(ctx: Ctx, input: CreateUserInput): Promise<User> {
  if (input.password.length < 8) throw new AppError(E.PASSWORD_TOO_WEAK);
  const email = input.email.trim().toLowerCase();
  const taken = await ctx.db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .executeTakeFirst();
  if (taken) throw new AppError(E.USER_EMAIL_DUPLICATE, { email });
  if (input.locationIds) await assertLocations(ctx, input.locationIds);
  const id = newId('usr');
  const row = await ctx.db
    .insertInto('users')
    .values({
      tenant_id: ctx.tenantId,
      id,
      email,
      name: input.name.trim(),
      role: input.role,
      password_hash: await hashPassword(input.password),
      location_ids: input.locationIds ?? null,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(ctx, {
    action: 'user.created',
    entityType: 'user',
    entityId: id,
    data: { role: input.role },
  });
  return toUser(row);
}

export async function assertLocations(ctx: Ctx, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await ctx.db
    .selectFrom('locations')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', 'in', ids)
    .execute();
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.find((i) => !found.has(i));
  if (missing) throw new AppError(E.LOCATION_NOT_FOUND, { locationId: missing });
}

export interface UpdateUserInput {
  name?: string;
  role?: Role;
  password?: string;
  locationIds?: string[] | null;
  active?: boolean;
}

/** Changes a user's name, role, password, locations or status. Errors: USER_NOT_FOUND, LAST_OWNER. */
export async function updateUser(ctx: Ctx, userId: string, input: UpdateUserInput): Promise<User> {
  const current = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw new AppError(E.USER_NOT_FOUND, { userId });
  if (input.password !== undefined && input.password.length < 8) throw new AppError(E.PASSWORD_TOO_WEAK);
  if (input.locationIds) await assertLocations(ctx, input.locationIds);
  const demotes =
    current.role === 'owner' && ((input.role && input.role !== 'owner') || input.active === false);
  if (demotes) {
    const owners = await ctx.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', ctx.tenantId)
      .where('role', '=', 'owner')
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    if (Number(owners.n) <= 1) throw new AppError(E.LAST_OWNER);
  }
  const row = await ctx.db
    .updateTable('users')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.password !== undefined ? { password_hash: await hashPassword(input.password) } : {}),
      ...(input.locationIds !== undefined ? { location_ids: input.locationIds } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (input.active === false || input.password !== undefined || input.role !== undefined) {
    await ctx.db
      .updateTable('web_sessions')
      .set({ revoked_at: ctx.now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    forgetPrincipals();
  }
  await recordAudit(ctx, {
    action: 'user.updated',
    entityType: 'user',
    entityId: userId,
    data: { fields: Object.keys(input).filter((k) => k !== 'password') },
  });
  return toUser(row);
}

export async function listUsers(ctx: Ctx): Promise<User[]> {
  const rows = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('id')
    .execute();
  return rows.map(toUser);
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: User;
}

async function throttleCheck(db: Executor, email: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - FAILURE_WINDOW_SECONDS * 1000);
  const r = await db
    .selectFrom('login_failures')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('failed_at').as('first')])
    .where('email', '=', email)
    .where('failed_at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(r.n) >= MAX_FAILURES && r.first) {
    const first = new Date(r.first as unknown as Date);
    const retry = Math.max(
      1,
      Math.ceil((first.getTime() + FAILURE_WINDOW_SECONDS * 1000 - now.getTime()) / 1000),
    );
    throw new AppError(E.LOGIN_THROTTLED, { retryAfterSeconds: retry });
  }
}

/**
 * Checks e-mail and password and opens a web session. After five failures in fifteen minutes
 * the e-mail is throttled. Errors: LOGIN_FAILED, LOGIN_THROTTLED, USER_DISABLED.
 */
export async function login(
  db: Kysely<DB>,
  input: { email: string; password: string },
  opts: { now: Date; ttlSeconds: number },
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  await throttleCheck(db, email, opts.now);
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .executeTakeFirst();
  const ok = user ? await argonVerify(user.password_hash, input.password).catch(() => false) : false;
  if (!user || !ok) {
    await db.insertInto('login_failures').values({ email, failed_at: opts.now }).execute();
    throw new AppError(E.LOGIN_FAILED);
  }
  if (!user.active) throw new AppError(E.USER_DISABLED);
  await db.deleteFrom('login_failures').where('email', '=', email).execute();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(opts.now.getTime() + opts.ttlSeconds * 1000);
  await db
    .insertInto('web_sessions')
    .values({
      tenant_id: user.tenant_id,
      id: newId('ses'),
      user_id: user.id,
      token_hash: hashToken(token),
      expires_at: expiresAt,
      created_at: opts.now,
    })
    .execute();
  return { token, expiresAt, user: toUser(user) };
}

export async function logout(db: Kysely<DB>, token: string, now: Date): Promise<void> {
  const h = hashToken(token);
  await db.updateTable('web_sessions').set({ revoked_at: now }).where('token_hash', '=', h).execute();
  forgetPrincipals(h);
}

export interface ApiToken {
  id: string;
  name: string;
  userId: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Issues an API token acting as `userId`; the secret is returned once and stored hashed. */
export async function createApiToken(
  ctx: Ctx,
  input: { name: string; userId?: string },
): Promise<ApiToken & { token: string }> {
  const userId = input.userId ?? ctx.userId;
  if (!userId) throw new AppError(E.USER_NOT_FOUND, {});
  const user = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new AppError(E.USER_NOT_FOUND, { userId });
  const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const id = newId('tok');
  await ctx.db
    .insertInto('api_tokens')
    .values({
      tenant_id: ctx.tenantId,
      id,
      user_id: userId,
      name: input.name,
      token_hash: hashToken(token),
      token_prefix: token.slice(0, 10),
      created_at: ctx.now,
    })
    .execute();
  await recordAudit(ctx, {
    action: 'api_token.created',
    entityType: 'api_token',
    entityId: id,
    data: { userId },
  });
  return {
    id,
    name: input.name,
    userId,
    prefix: token.slice(0, 10),
    createdAt: ctx.now.toISOString(),
    lastUsedAt: null,
    revokedAt: null,
    token,
  };
}

export async function listApiTokens(ctx: Ctx): Promise<ApiToken[]> {
  const rows = await ctx.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    userId: r.user_id,
    prefix: r.token_prefix,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}

/** Revokes an API token at once in this process (other processes within the cache TTL). */
export async function revokeApiToken(ctx: Ctx, tokenId: string): Promise<void> {
  const r = await ctx.db
    .updateTable('api_tokens')
    .set({ revoked_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', tokenId)
    .returning('token_hash')
    .executeTakeFirst();
  if (!r) throw new AppError(E.API_TOKEN_NOT_FOUND, { tokenId });
  forgetPrincipals(r.token_hash);
  await recordAudit(ctx, { action: 'api_token.revoked', entityType: 'api_token', entityId: tokenId });
}

/**
 * Resolved credentials are cached for a few seconds so a checkout does not pay a round trip
 * to authenticate; logout and revocation clear this process's entry at once.
 */
const PRINCIPAL_TTL_MS = 5000;
const principalCache = new Map<string, { principal: Principal; until: number; expiresAt: number }>();
/**
 * Look-ups in flight, shared: when the cached entry of a busy API token expires, the fifty
 * requests that arrive meanwhile wait for one read and one `last_used_at` update instead of each
 * updating the same row in turn (seen as lock waits under the checkout benchmark).
 */
const lookingUp = new Map<string, Promise<Principal | null>>();
/** Bumped by every revocation, so a look-up that began before it does not cache what it found. */
let generation = 0;

/** Forgets the cached credential `hash`, or all of them; look-ups in flight will not cache theirs. */
function forgetPrincipals(hash?: string): void {
  generation++;
  lookingUp.clear();
  if (hash) principalCache.delete(hash);
  else principalCache.clear();
}

export function clearPrincipalCache(): void {
  forgetPrincipals();
}

/** The principal a session token or API token stands for, or null. */
export async function resolveCredential(
  db: Kysely<DB>,
  kind: 'session' | 'token',
  secret: string,
  now: Date,
): Promise<Principal | null> {
  const h = hashToken(secret);
  const cached = principalCache.get(h);
  const t = now.getTime();
  if (cached && cached.until > t && cached.expiresAt > t) return cached.principal;
  const key = `${kind}:${h}`;
  let lookup = lookingUp.get(key);
  if (!lookup) {
    const started = generation;
    lookup = lookUpCredential(db, kind, h, now).then(({ principal, expiresAt }) => {
      if (generation === started) {
        if (principal) principalCache.set(h, { principal, until: t + PRINCIPAL_TTL_MS, expiresAt });
        else principalCache.delete(h);
      }
      return principal;
    });
    lookingUp.set(key, lookup);
    const forget = () => {
      if (lookingUp.get(key) === lookup) lookingUp.delete(key);
    };
    lookup.then(forget, forget);
  }
  return lookup;
}

async function lookUpCredential(
  db: Kysely<DB>,
  kind: 'session' | 'token',
  h: string,
  now: Date,
): Promise<{ principal: Principal | null; expiresAt: number }> {
  let principal: Principal | null = null;
  let expiresAt = Number.POSITIVE_INFINITY;
  if (kind === 'session') {
    const r = await db
      .selectFrom('web_sessions as s')
      .innerJoin('users as u', (j) =>
        j.onRef('u.tenant_id', '=', 's.tenant_id').onRef('u.id', '=', 's.user_id'),
      )
      .select(['s.id', 's.tenant_id', 's.user_id', 's.expires_at', 'u.role', 'u.location_ids'])
      .where('s.token_hash', '=', h)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', now)
      .where('u.active', '=', true)
      .executeTakeFirst();
    if (r) {
      principal = {
        tenantId: r.tenant_id,
        userId: r.user_id,
        role: r.role,
        locationIds: r.location_ids,
        via: 'session',
        credentialId: r.id,
      };
      expiresAt = r.expires_at.getTime();
    }
  } else {
    const r = await db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', (j) =>
        j.onRef('u.tenant_id', '=', 't.tenant_id').onRef('u.id', '=', 't.user_id'),
      )
      .select(['t.id', 't.tenant_id', 't.user_id', 'u.role', 'u.location_ids'])
      .where('t.token_hash', '=', h)
      .where('t.revoked_at', 'is', null)
      .where('u.active', '=', true)
      .executeTakeFirst();
    if (r) {
      principal = {
        tenantId: r.tenant_id,
        userId: r.user_id,
        role: r.role,
        locationIds: r.location_ids,
        via: 'token',
        credentialId: r.id,
      };
      await db.updateTable('api_tokens').set({ last_used_at: now }).where('token_hash', '=', h).execute();
    }
  }
  return { principal, expiresAt };
}

export interface Location {
  id: string;
  name: string;
  kind: 'store' | 'warehouse';
  postalCode: string | null;
  address: string | null;
  active: boolean;
}

export async function listLocations(ctx: Ctx): Promise<Location[]> {
  const rows = await ctx.db
    .selectFrom('locations')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('id')
    .execute();
  return rows
    .filter((r) => ctx.locationIds === null || ctx.locationIds.includes(r.id))
    .map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      postalCode: r.postal_code,
      address: r.address,
      active: r.active,
    }));
}

export async function createLocation(
  ctx: Ctx,
  input: { name: string; kind: 'store' | 'warehouse'; postalCode?: string; address?: string },
): Promise<Location> {
  const id = newId('loc');
  await ctx.db
    .insertInto('locations')
    .values({
      tenant_id: ctx.tenantId,
      id,
      name: input.name,
      kind: input.kind,
      postal_code: input.postalCode ?? null,
      address: input.address ?? null,
      created_at: ctx.now,
    })
    .execute();
  await recordAudit(ctx, { action: 'location.created', entityType: 'location', entityId: id });
  return {
    id,
    name: input.name,
    kind: input.kind,
    postalCode: input.postalCode ?? null,
    address: input.address ?? null,
    active: true,
  };
}

/** Throws LOCATION_FORBIDDEN when the acting user may not work in `locationId`. */
export function assertLocationAccess(ctx: Ctx, locationId: string): void {
  if (ctx.locationIds !== null && !ctx.locationIds.includes(locationId)) {
    throw new AppError('LOCATION_FORBIDDEN', { locationId });
  }
}

export async function getUser(ctx: Ctx, userId: string): Promise<User> {
  const r = await ctx.db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!r) throw new AppError(E.USER_NOT_FOUND, { userId });
  return toUser(r);
}

export interface Business {
  id: string;
  name: string;
  legalName: string | null;
  rfc: string | null;
  regimenFiscal: string | null;
  timezone: string;
  receiptFooter: string | null;
  /** The owner's own privacy notice; null: the default one is shown (privacy/notice.ts). */
  privacyNotice: string | null;
  /** Customers with no activity for this many years have their personal data erased; null: kept. */
  customerRetentionYears: number | null;
}

export async function getBusiness(ctx: Ctx): Promise<Business> {
  const t = await ctx.db
    .selectFrom('tenants')
    .selectAll()
    .where('id', '=', ctx.tenantId)
    .executeTakeFirstOrThrow();
  const settings = (t.settings as Record<string, unknown> | null) ?? {};
  const footer = settings.receiptFooter;
  return {
    id: t.id,
    name: t.name,
    legalName: t.legal_name,
    rfc: t.rfc,
    regimenFiscal: t.regimen_fiscal,
    timezone: t.timezone,
    receiptFooter: typeof footer === 'string' ? footer : null,
    privacyNotice: typeof settings.privacyNotice === 'string' ? settings.privacyNotice : null,
    customerRetentionYears:
      typeof settings.customerRetentionYears === 'number' ? settings.customerRetentionYears : null,
  };
}

export interface UpdateBusinessInput {
  name?: string;
  legalName?: string | null;
  rfc?: string | null;
  regimenFiscal?: string | null;
  timezone?: string;
  receiptFooter?: string | null;
  privacyNotice?: string | null;
  customerRetentionYears?: number | null;
}

/**
 * Changes the business's name, fiscal data, time zone, receipt text or privacy notice. The RFC format and the
 * régimen (SAT catalog, persona física/moral) are checked. Errors: BUSINESS_RFC_INVALID,
 * BUSINESS_REGIMEN_INVALID, TIMEZONE_INVALID.
 */
export async function updateBusiness(ctx: Ctx, input: UpdateBusinessInput): Promise<Business> {
  const current = await getBusiness(ctx);
  const rfc = input.rfc === undefined ? current.rfc : input.rfc?.trim().toUpperCase() || null;
  const regimen = input.regimenFiscal === undefined ? current.regimenFiscal : input.regimenFiscal || null;
  const today = ctx.now.toISOString().slice(0, 10);
  let personType: 'fisica' | 'moral' | null = null;
  if (rfc) {
    const check = checkRfc(rfc);
    if (!check.ok || isGenericRfc(rfc)) throw new AppError(E.BUSINESS_RFC_INVALID, { rfc });
    personType = check.personType;
  }
  if (regimen) {
    const row = regimenRow(regimen, today);
    if (!row || (personType && !appliesTo(row, personType))) {
      throw new AppError(E.BUSINESS_REGIMEN_INVALID, { regimen });
    }
  }
  if (input.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: input.timezone });
    } catch {
      throw new AppError(E.TIMEZONE_INVALID, { timezone: input.timezone });
    }
  }
  const t = await ctx.db
    .selectFrom('tenants')
    .select('settings')
    .where('id', '=', ctx.tenantId)
    .executeTakeFirstOrThrow();
  const settings = { ...((t.settings as Record<string, unknown>) ?? {}) };
  if (input.receiptFooter !== undefined) settings.receiptFooter = input.receiptFooter;
  if (input.privacyNotice !== undefined) settings.privacyNotice = input.privacyNotice?.trim() || null;
  if (input.customerRetentionYears !== undefined)
    settings.customerRetentionYears = input.customerRetentionYears;
  await ctx.db
    .updateTable('tenants')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.legalName !== undefined ? { legal_name: input.legalName } : {}),
      rfc,
      regimen_fiscal: regimen,
      ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
      settings: json(settings),
    })
    .where('id', '=', ctx.tenantId)
    .execute();
  await recordAudit(ctx, {
    action: 'business.updated',
    entityType: 'business',
    entityId: ctx.tenantId,
    data: { fields: Object.keys(input) },
  });
  return getBusiness(ctx);
}

/** Businesses that erase inactive customers, with how many years of inactivity they allow. */
export async function businessesWithCustomerRetention(
  db: Executor,
): Promise<{ tenantId: string; years: number }[]> {
  const rows = await db
    .selectFrom('tenants')
    .select(['id', sql<string | null>`settings ->> 'customerRetentionYears'`.as('years')])
    .where(sql<boolean>`settings ? 'customerRetentionYears'`)
    .execute();
  return rows
    .map((r) => ({ tenantId: r.id, years: Number(r.years) }))
    .filter((r) => Number.isInteger(r.years) && r.years > 0);
}

/**
 * A signed-in user changes their own password. The current one is checked like a login (a wrong
 * one counts toward the e-mail's throttle); the new one has 8 characters or more and is not the
 * current one. Their other web sessions end (another device signed in with the old password);
 * `keepSessionId`, the session in use, stays. Audited without the passwords.
 * Errors: PASSWORD_CURRENT_WRONG, PASSWORD_TOO_WEAK, PASSWORD_UNCHANGED, LOGIN_THROTTLED.
 */
export async function changeOwnPassword(
  db: Kysely<DB>,
  ctx: Ctx,
  input: { currentPassword: string; newPassword: string; keepSessionId: string | null },
): Promise<void> {
  const user = await db
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', ctx.userId!)
    .executeTakeFirstOrThrow();
  const email = user.email.toLowerCase();
  await throttleCheck(db, email, ctx.now);
  const ok = await argonVerify(user.password_hash, input.currentPassword).catch(() => false);
  if (!ok) {
    // outside any transaction: the failure must count even though this request fails
    await db.insertInto('login_failures').values({ email, failed_at: ctx.now }).execute();
    throw new AppError(E.PASSWORD_CURRENT_WRONG);
  }
  if (input.newPassword.length < 8) throw new AppError(E.PASSWORD_TOO_WEAK);
  if (input.newPassword === input.currentPassword) throw new AppError(E.PASSWORD_UNCHANGED);
  const hash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', ctx.userId!)
      .execute();
    let q = trx
      .updateTable('web_sessions')
      .set({ revoked_at: ctx.now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('user_id', '=', ctx.userId!)
      .where('revoked_at', 'is', null);
    if (input.keepSessionId) q = q.where('id', '<>', input.keepSessionId);
    await q.execute();
    await recordAudit(
      { ...ctx, db: trx },
      {
        action: 'user.password_changed',
        entityType: 'user',
        entityId: ctx.userId!,
        data: { by: 'self' },
      },
    );
  });
  await db.deleteFrom('login_failures').where('email', '=', email).execute();
  forgetPrincipals();
}
