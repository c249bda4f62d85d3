import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import { json } from '../../db/types.js';
import type { Ctx, Executor } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { decryptSecret, encryptSecret } from '../../shared/secrets.js';
import { advanceCursor, type EventCursor } from './cursor.js';
import { maxEventId, readAfter } from './dispatcher.js';
import { EventsErrors } from './events.errors.js';
import { recordAudit } from './events.service.js';
import type { DeliveryStatus } from './events.tables.js';

export const WEBHOOK_CONSUMER = 'webhooks';
/** Waits between attempts (before jitter): attempt 1 failed → 10 s, … 7 failed → 6 h; 8 → dead. */
export const RETRY_DELAYS_MS = [10_000, 30_000, 120_000, 600_000, 3_600_000, 10_800_000, 21_600_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A claimed delivery is not claimed again for this long (its sender crashed mid-request). */
const CLAIM_LEASE_MS = 60_000;
const MAX_RETRY_AFTER_MS = 6 * 3_600_000;
const EXCERPT_CHARS = 500;

export interface CreateWebhookInput {
  url: string;
  events: string[];
  description?: string;
}

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
}

export interface DeliveryAttempt {
  attempt: number;
  attemptedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: number;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  responseExcerpt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
  attemptLog: DeliveryAttempt[];
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, the X-Mostrador-Signature header. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** True when `header` signs `body` with `secret` (what a receiver checks; constant-time compare). */
export function verifyWebhookSignature(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  const expected = Buffer.from(signWebhook(secret, t, body).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type SubscriptionRow = {
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  active: boolean;
  created_at: Date;
};

function toWebhook(r: SubscriptionRow): Webhook {
  return {
    id: r.id,
    url: r.url,
    events: r.event_types,
    description: r.description,
    active: r.active,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * Subscribes a URL to event types; events recorded from now on are delivered. The secret is
 * returned only here.
 */
export async function createWebhook(
  ctx: Ctx,
  input: CreateWebhookInput,
): Promise<Webhook & { secret: string }> {
  const fromEventId = await maxEventId(ctx.db);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const row = await ctx.db
    .insertInto('webhook_subscriptions')
    .values({
      tenant_id: ctx.tenantId,
      id: newId('whk'),
      url: input.url,
      event_types: [...new Set(input.events)],
      description: input.description ?? null,
      secret: null,
      secret_enc: encryptSecret(secret),
      from_event_id: fromEventId,
      created_by: ctx.userId,
      created_at: ctx.now,
    })
    .returning(['id', 'url', 'event_types', 'description', 'active', 'created_at'])
    .executeTakeFirstOrThrow();
  // The queue reader must not start after this subscription's first event.
  await ctx.db
    .insertInto('event_consumers')
    .values({ name: WEBHOOK_CONSUMER, high: fromEventId, updated_at: ctx.now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  await recordAudit(ctx, {
    action: 'webhook.created',
    entityType: 'webhook',
    entityId: row.id,
    data: { url: input.url, events: row.event_types },
  });
  return { ...toWebhook(row), secret };
}

/** The business's active webhooks (never their secrets). */
export async function listWebhooks(ctx: Ctx): Promise<Webhook[]> {
  const rows = await ctx.db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'url', 'event_types', 'description', 'active', 'created_at'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toWebhook);
}

/**
 * Deletes a webhook: nothing more is sent to it and its waiting deliveries become dead; the
 * delivery log stays. Errors: WEBHOOK_NOT_FOUND.
 */
export async function deleteWebhook(ctx: Ctx, webhookId: string): Promise<void> {
  const r = await ctx.db
    .updateTable('webhook_subscriptions')
    .set({ active: false, deleted_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', webhookId)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new AppError(EventsErrors.WEBHOOK_NOT_FOUND, { webhookId });
  await ctx.db
    .updateTable('webhook_deliveries')
    .set({ status: 'dead', next_attempt_at: null, last_error: 'webhook deleted', updated_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('subscription_id', '=', webhookId)
    .where('status', 'in', ['pending', 'failed'])
    .execute();
  await recordAudit(ctx, { action: 'webhook.deleted', entityType: 'webhook', entityId: webhookId });
}

async function attachAttempts(
  db: Executor,
  tenantId: string,
  rows: {
    id: string;
    subscription_id: string;
    event_id: number;
    event_type: string;
    status: DeliveryStatus;
    attempts: number;
    next_attempt_at: Date | null;
    last_status_code: number | null;
    last_error: string | null;
    response_excerpt: string | null;
    delivered_at: Date | null;
    created_at: Date;
    updated_at: Date;
  }[],
): Promise<WebhookDelivery[]> {
  const attempts = rows.length
    ? await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where(
          'delivery_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('delivery_id')
        .orderBy('attempt')
        .execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    webhookId: r.subscription_id,
    eventId: Number(r.event_id),
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    responseExcerpt: r.response_excerpt,
    deliveredAt: r.delivered_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    attemptLog: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({
        attempt: a.attempt,
        attemptedAt: a.attempted_at.toISOString(),
        durationMs: a.duration_ms,
        statusCode: a.status_code,
        error: a.error,
        responseExcerpt: a.response_excerpt,
      })),
  }));
}

const deliveryColumns = [
  'id',
  'subscription_id',
  'event_id',
  'event_type',
  'status',
  'attempts',
  'next_attempt_at',
  'last_status_code',
  'last_error',
  'response_excerpt',
  'delivered_at',
  'created_at',
  'updated_at',
] as const;

/**
 * A webhook's delivery log, newest first, each delivery with every attempt.
 * Errors: WEBHOOK_NOT_FOUND.
 */
export async function listDeliveries(
  ctx: Ctx,
  input: { webhookId: string; limit: number; before?: string },
): Promise<{ items: WebhookDelivery[]; last: string | null }> {
  const sub = await ctx.db
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', input.webhookId)
    .executeTakeFirst();
  if (!sub) throw new AppError(EventsErrors.WEBHOOK_NOT_FOUND, { webhookId: input.webhookId });
  let q = ctx.db
    .selectFrom('webhook_deliveries')
    .select(deliveryColumns)
    .where('tenant_id', '=', ctx.tenantId)
    .where('subscription_id', '=', input.webhookId);
  if (input.before) q = q.where('id', '<', input.before);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const more = rows.length > input.limit;
  const items = await attachAttempts(ctx.db, ctx.tenantId, rows.slice(0, input.limit));
  return { items, last: more ? items[items.length - 1]!.id : null };
}

/**
 * Sends a delivery again as soon as the worker runs (also a dead or delivered one).
 * Errors: WEBHOOK_DELIVERY_NOT_FOUND, WEBHOOK_INACTIVE.
 */
export async function retryDelivery(ctx: Ctx, deliveryId: string): Promise<WebhookDelivery> {
  const found = await ctx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', (j) =>
      j.onRef('s.tenant_id', '=', 'd.tenant_id').onRef('s.id', '=', 'd.subscription_id'),
    )
    .select(['d.id', 's.active'])
    .where('d.tenant_id', '=', ctx.tenantId)
    .where('d.id', '=', deliveryId)
    .forUpdate()
    .executeTakeFirst();
  if (!found) throw new AppError(EventsErrors.WEBHOOK_DELIVERY_NOT_FOUND, { deliveryId });
  if (!found.active) throw new AppError(EventsErrors.WEBHOOK_INACTIVE, { deliveryId });
  const row = await ctx.db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: ctx.now, updated_at: ctx.now })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', deliveryId)
    .returning(deliveryColumns)
    .executeTakeFirstOrThrow();
  await recordAudit(ctx, {
    action: 'webhook.delivery_retried',
    entityType: 'webhook_delivery',
    entityId: deliveryId,
  });
  return (await attachAttempts(ctx.db, ctx.tenantId, [row]))[0]!;
}

export interface QueueOptions {
  batchSize?: number;
  gapWaitMs?: number;
  consumer?: string;
}

/**
 * The durable reader: turns new outbox events of every business into pending deliveries for
 * the matching webhooks, and moves its cursor, in one transaction. Safe to run in several
 * processes (one reads at a time; a delivery exists once per webhook and event).
 */
export async function queueWebhookDeliveries(
  db: Kysely<DB>,
  now: Date,
  options: QueueOptions = {},
): Promise<{ queued: number; more: boolean }> {
  const name = options.consumer ?? WEBHOOK_CONSUMER;
  const batchSize = options.batchSize ?? 500;
  return db.transaction().execute(async (trx) => {
    await sql`
      insert into event_consumers (name, high, updated_at)
      select ${name}, coalesce(max(id), 0), ${now} from events
      on conflict (name) do nothing`.execute(trx);
    const state = (
      await sql<{ high: number | string; gaps: Record<string, number> | string }>`
        select high, gaps from event_consumers where name = ${name} for update skip locked`.execute(trx)
    ).rows[0];
    if (!state) return { queued: 0, more: false };
    const cursor: EventCursor = {
      high: Number(state.high),
      gaps: typeof state.gaps === 'string' ? JSON.parse(state.gaps) : state.gaps,
    };
    const events = await readAfter(trx, cursor, batchSize);
    const fresh = advanceCursor(
      cursor,
      events.map((e) => e.id),
      now.getTime(),
      options.gapWaitMs ?? 60_000,
    );
    let queued = 0;
    if (fresh.length > 0) {
      const matches = await sql<{
        tenant_id: string;
        event_id: number | string;
        type: string;
        sub_id: string;
      }>`
        select e.tenant_id, e.id as event_id, e.type, s.id as sub_id
        from events e
        join webhook_subscriptions s on s.tenant_id = e.tenant_id and s.active and e.id > s.from_event_id
          and s.event_types && array[e.type, '*', split_part(e.type, '.', 1) || '.*']
        where e.id = any(${`{${fresh.join(',')}}`}::bigint[])
        order by e.id, s.id`.execute(trx);
      if (matches.rows.length > 0) {
        const inserted = await trx
          .insertInto('webhook_deliveries')
          .values(
            matches.rows.map((m) => ({
              tenant_id: m.tenant_id,
              id: newId('whd'),
              subscription_id: m.sub_id,
              event_id: Number(m.event_id),
              event_type: m.type,
              status: 'pending' as const,
              next_attempt_at: now,
              created_at: now,
              updated_at: now,
            })),
          )
          .onConflict((oc) => oc.constraint('webhook_deliveries_once').doNothing())
          .returning('id')
          .execute();
        queued = inserted.length;
      }
    }
    await trx
      .updateTable('event_consumers')
      .set({ high: cursor.high, gaps: json(cursor.gaps), updated_at: now })
      .where('name', '=', name)
      .execute();
    return { queued, more: events.length >= batchSize };
  });
}

export interface DeliverOptions {
  /** The HTTP client; tests may wrap it. */
  fetch?: typeof fetch;
  limit?: number;
  timeoutMs?: number;
  /** 0…1, for the backoff jitter. */
  random?: () => number;
}

export interface AttemptOutcome {
  deliveryId: string;
  attempt: number;
  status: DeliveryStatus;
  statusCode: number | null;
  nextAttemptAt: Date | null;
}

interface Claimed {
  tenant_id: string;
  id: string;
  attempts: number;
  event_id: number | string;
  event_type: string;
  url: string;
  secret: string | null;
  secret_enc: string | null;
  payload: Record<string, unknown> | string;
  event_created_at: Date | string;
}

/**
 * The subscription's signing secret. One that does not decrypt (the data restored on a machine
 * with another SECRET_KEY) fails the attempt with a message saying so, and is retried.
 */
function secretOf(d: Pick<Claimed, 'secret' | 'secret_enc'>): string {
  if (d.secret_enc === null) return d.secret!;
  try {
    return decryptSecret(d.secret_enc).toString('utf8');
  } catch {
    throw new Error(
      'the signing secret cannot be decrypted with this SECRET_KEY: restore that key, or create the webhook again',
    );
  }
}

/**
 * Seals the signing secrets written in plain text before migration 029 (the webhook worker calls
 * it when it starts); answers how many it sealed.
 */
export async function sealPlainWebhookSecrets(db: Kysely<DB>): Promise<number> {
  const plain = await db
    .selectFrom('webhook_subscriptions')
    .select(['tenant_id', 'id', 'secret'])
    .where('secret', 'is not', null)
    .execute();
  for (const r of plain) {
    await db
      .updateTable('webhook_subscriptions')
      .set({ secret_enc: encryptSecret(r.secret!), secret: null })
      .where('tenant_id', '=', r.tenant_id)
      .where('id', '=', r.id)
      .where('secret', '=', r.secret)
      .execute();
  }
  return plain.length;
}

/** Retry-After in ms: seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, EXCERPT_CHARS);
}

/**
 * The delivery worker's step: claims due deliveries (`for update skip locked` plus a lease, so two
 * processes never send the same one), POSTs them outside any transaction, signed, with a timeout,
 * and records each attempt; failures are retried with exponential backoff and jitter (429 waits
 * for Retry-After) until MAX_ATTEMPTS, then the delivery is dead.
 */
export async function deliverDueWebhooks(
  db: Kysely<DB>,
  now: Date,
  options: DeliverOptions = {},
): Promise<AttemptOutcome[]> {
  const doFetch = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const claimed = await db.transaction().execute(async (trx) => {
    const rows = await sql<Claimed>`
      select d.tenant_id, d.id, d.attempts, d.event_id, d.event_type, s.url, s.secret, s.secret_enc,
        e.payload, e.created_at as event_created_at
      from webhook_deliveries d
      join webhook_subscriptions s on s.tenant_id = d.tenant_id and s.id = d.subscription_id
      join events e on e.tenant_id = d.tenant_id and e.id = d.event_id
      where d.status in ('pending', 'failed') and d.next_attempt_at <= ${now} and s.active
      order by d.next_attempt_at, d.id
      limit ${options.limit ?? 20}
      for update of d skip locked`.execute(trx);
    for (const r of rows.rows) {
      await trx
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: new Date(now.getTime() + CLAIM_LEASE_MS), updated_at: now })
        .where('tenant_id', '=', r.tenant_id)
        .where('id', '=', r.id)
        .execute();
    }
    return rows.rows;
  });

  return Promise.all(
    claimed.map(async (d): Promise<AttemptOutcome> => {
      const attempt = d.attempts + 1;
      const body = JSON.stringify({
        id: Number(d.event_id),
        type: d.event_type,
        createdAt: new Date(d.event_created_at).toISOString(),
        tenantId: d.tenant_id,
        data: typeof d.payload === 'string' ? JSON.parse(d.payload) : d.payload,
      });
      const timestamp = Math.floor(now.getTime() / 1000);
      const started = performance.now();
      let statusCode: number | null = null;
      let error: string | null = null;
      let excerpt: string | null = null;
      let retryAfterMs: number | null = null;
      try {
        const res = await doFetch(d.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Mostrador-Webhooks/1',
            'x-mostrador-event': d.event_type,
            'x-mostrador-delivery': d.id,
            'x-mostrador-timestamp': String(timestamp),
            'x-mostrador-signature': signWebhook(secretOf(d), timestamp, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        statusCode = res.status;
        excerpt = await readExcerpt(res);
        if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
        if (res.status === 429) retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now);
      } catch (err) {
        const e = err as Error;
        error = e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (e.message ?? String(err));
        error = (e.cause as Error | undefined)?.message ? `${error}: ${(e.cause as Error).message}` : error;
      }
      const durationMs = Math.round(performance.now() - started);
      const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
      let status: DeliveryStatus = ok ? 'delivered' : 'failed';
      let next: Date | null = null;
      if (!ok) {
        if (attempt >= MAX_ATTEMPTS) status = 'dead';
        else {
          const base = RETRY_DELAYS_MS[attempt - 1]!;
          const wait =
            retryAfterMs !== null ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : base * (1 + random() * 0.25);
          next = new Date(now.getTime() + Math.max(1000, Math.round(wait)));
        }
      }
      await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('webhook_deliveries')
          .set({
            status,
            attempts: attempt,
            next_attempt_at: next,
            last_status_code: statusCode,
            last_error: error,
            response_excerpt: excerpt,
            delivered_at: ok ? now : null,
            updated_at: now,
          })
          .where('tenant_id', '=', d.tenant_id)
          .where('id', '=', d.id)
          .where('attempts', '=', d.attempts)
          .returning('id')
          .executeTakeFirst();
        // Another process re-claimed it after our lease ran out and recorded first.
        if (!updated) return;
        await trx
          .insertInto('webhook_attempts')
          .values({
            tenant_id: d.tenant_id,
            delivery_id: d.id,
            attempt,
            attempted_at: now,
            duration_ms: durationMs,
            status_code: statusCode,
            error,
            response_excerpt: excerpt,
          })
          .execute();
      });
      return { deliveryId: d.id, attempt, status, statusCode, nextAttemptAt: next };
    }),
  );
}
