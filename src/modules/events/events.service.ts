import { sql } from 'kysely';
import { json } from '../../db/types.js';
import type { Ctx } from '../../shared/context.js';

export const EVENTS_CHANNEL = 'mostrador_events';

/**
 * Writes an event to the outbox in the caller's transaction. After the commit the app wakes
 * the dispatchers (announceEvents, from an onResponse hook): no NOTIFY inside the transaction.
 */
export async function recordEvent(ctx: Ctx, type: string, payload: Record<string, unknown>): Promise<void> {
  await sql`
    insert into events (tenant_id, type, payload, created_at)
    values (${ctx.tenantId}, ${type}, ${JSON.stringify(payload)}::text::jsonb, ${ctx.now})`.execute(ctx.db);
}

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  data?: Record<string, unknown>;
}

/** Appends to the audit log (the database refuses updates and deletes on it). */
export async function recordAudit(ctx: Ctx, input: AuditInput): Promise<void> {
  await ctx.db
    .insertInto('audit_log')
    .values({
      tenant_id: ctx.tenantId,
      user_id: ctx.userId,
      action: input.action,
      entity_type: input.entityType,
      entity_id: input.entityId,
      data: json(input.data ?? {}),
      created_at: ctx.now,
    })
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
