import { sql } from 'kysely';
import { json } from '../../db/types.js';
import type { Ctx } from '../../shared/context.js';
import { businessDayRange } from '../../shared/time.js';
import { businessTimezone } from '../identity/timezone.js';

export const EVENTS_CHANNEL = 'mostrador_events';

/**
 * Writes an event to the outbox in the caller's transaction. After the commit the app wakes
 * the dispatchers (announceEvents, from an onResponse hook): no NOTIFY inside the transaction.
 */
export async function recordEvent(ctx: Ctx, type: string, payload: Record<string, unknown>): Promise<void> {
  await recordEvents(ctx, type, [payload]);
}

/** Several events of one type in one statement (a batch of products). */
export async function recordEvents(
  ctx: Ctx,
  type: string,
  payloads: Record<string, unknown>[],
): Promise<void> {
  if (payloads.length === 0) return;
  const rows = payloads.map(
    (payload) => sql`(${ctx.tenantId}, ${type}, ${JSON.stringify(payload)}::text::jsonb, ${ctx.now})`,
  );
  await sql`insert into events (tenant_id, type, payload, created_at) values ${sql.join(rows)}`.execute(
    ctx.db,
  );
}

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  data?: Record<string, unknown>;
}

/** Appends to the audit log (the database refuses updates and deletes on it). */
export async function recordAudit(ctx: Ctx, input: AuditInput): Promise<void> {
  await recordAudits(ctx, [input]);
}

/** Several audit rows in one statement (a batch of products). */
export async function recordAudits(ctx: Ctx, inputs: AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await ctx.db
    .insertInto('audit_log')
    .values(
      inputs.map((input) => ({
        tenant_id: ctx.tenantId,
        user_id: ctx.userId,
        action: input.action,
        entity_type: input.entityType,
        entity_id: input.entityId,
        data: json(input.data ?? {}),
        created_at: ctx.now,
      })),
    )
    .execute();
}

/**
 * Blanks the customer's phone in the payloads of the events about these customers (order
 * events carry it for the channels): what an ARCO cancellation must not leave in the outbox,
 * from which webhooks are still retried. Returns how many events changed.
 */
export async function scrubCustomerPhoneFromEvents(ctx: Ctx, customerIds: string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const r = await sql`
    update events set payload = jsonb_set(payload, '{customerPhone}', 'null'::jsonb)
    where tenant_id = ${ctx.tenantId}
      and payload ->> 'customerId' in (${sql.join(customerIds)})
      and payload ->> 'customerPhone' is not null`.execute(ctx.db);
  return Number(r.numAffectedRows ?? 0);
}

export interface AuditEntry {
  id: number;
  userId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  data: Record<string, unknown>;
  createdAt: string;
}

/**
 * The audit log newest first, by pages of `limit` (`before`: the last id of the previous page),
 * filtered by actions (each an exact action or a prefix ending in "."), who, what it was about
 * and business dates. `nextBefore` is null on the last page.
 */
export async function listAuditLog(
  ctx: Ctx,
  input: {
    limit: number;
    before?: number;
    actions?: string[];
    userId?: string;
    entityId?: string;
    from?: string;
    to?: string;
  },
): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
  let q = ctx.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (input.before) q = q.where('id', '<', input.before);
  const actions = input.actions ?? [];
  if (actions.length > 0) {
    q = q.where((eb) =>
      eb.or(
        actions.map((a) =>
          a.endsWith('.')
            ? eb('action', 'like', `${a.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
            : eb('action', '=', a),
        ),
      ),
    );
  }
  if (input.userId) q = q.where('user_id', '=', input.userId);
  if (input.entityId) q = q.where('entity_id', '=', input.entityId);
  if (input.from || input.to) {
    const tz = await businessTimezone(ctx);
    const [start, end] = businessDayRange(input.from ?? '2000-01-01', input.to ?? '2999-12-31', tz);
    q = q.where('created_at', '>=', start).where('created_at', '<', end);
  }
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const items = rows.slice(0, input.limit).map((r) => ({
    id: Number(r.id),
    userId: r.user_id,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    data: r.data as Record<string, unknown>,
    createdAt: r.created_at.toISOString(),
  }));
  return { items, nextBefore: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
}
