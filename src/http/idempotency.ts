import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.js';
import { json } from '../db/types.js';
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
