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
