import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { json } from '../db/types.js';
import type { Ctx, Executor } from '../shared/context.js';
import { errorBody } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

/**
 * `Idempotency-Key` on any POST: the first request with a key runs and its 2xx answer is
 * stored; a repeat with the same body gets the stored answer (`Idempotent-Replayed: true`);
 * the same key with another body is refused; a failed first attempt frees the key.
 */
export function registerIdempotency(app: FastifyInstance, database: Database): void {
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== 'POST') return;
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0 || !req.principal) return;
    if (key.length > 200) {
      return reply.status(400).send(
        errorBody(req, 'VALIDATION_FAILED', {
          issues: [{ path: 'Idempotency-Key', message: 'Máximo 200 caracteres.' }],
        }),
      );
    }
    const tenantId = req.principal.tenantId;
    const path = req.routeOptions.url ?? req.url;
    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex');
    const inserted = await database.db
      .insertInto('idempotency_keys')
      .values({ tenant_id: tenantId, key, method: req.method, path, request_hash: requestHash })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) {
      req.idempotencyKey = key;
      return;
    }
    const row = await database.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return; // freed meanwhile: run it
    if (row.request_hash !== requestHash)
      return reply.status(422).send(errorBody(req, 'IDEMPOTENCY_KEY_REUSED', { key }));
    if (row.status_code === null)
      return reply.status(409).send(errorBody(req, 'IDEMPOTENCY_IN_PROGRESS', { key }));
    reply.header('idempotent-replayed', 'true');
    return reply.status(row.status_code).send(row.response);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const key = req.idempotencyKey;
    if (!key || !req.principal) return payload;
    const tenantId = req.principal.tenantId;
    if (reply.statusCode >= 200 && reply.statusCode < 300) {
      const body = typeof payload === 'string' ? json(JSON.parse(payload)) : json(null);
      await database.db
        .updateTable('idempotency_keys')
        .set({ status_code: reply.statusCode, response: body })
        .where('tenant_id', '=', tenantId)
        .where('key', '=', key)
        .execute();
    } else {
      await database.db
        .deleteFrom('idempotency_keys')
        .where('tenant_id', '=', tenantId)
        .where('key', '=', key)
        .execute();
    }
    return payload;
  });
}

/** How long a stored answer to an `Idempotency-Key` is kept (it may hold personal data). */
export const IDEMPOTENCY_KEEP_MS = 7 * 24 * 3600_000;

/** Deletes stored answers older than IDEMPOTENCY_KEEP_MS; returns how many. */
export async function pruneIdempotencyKeys(db: Executor, now: Date): Promise<number> {
  const r = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_KEEP_MS))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Deletes the stored answers of this business that mention any of `ids` (a customer whose data
 * is erased): a replay of such a request runs again instead of answering the old data.
 */
export async function forgetStoredAnswersMentioning(ctx: Ctx, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await ctx.db
    .deleteFrom('idempotency_keys')
    .where('tenant_id', '=', ctx.tenantId)
    .where((eb) => eb.or(ids.map((id) => eb(sql`response::text`, 'like', `%"${id}"%`))))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
