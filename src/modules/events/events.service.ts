import { sql } from 'kysely';
import { json } from '../../db/types.js';
import type { Ctx } from '../../shared/context.js';

export const EVENTS_CHANNEL = 'mostrador_events';

/**
 * Writes an event to the outbox in the caller's transaction and wakes the dispatchers of every
 * app process (NOTIFY is delivered only if the transaction commits).
 */
export async function recordEvent(ctx: Ctx, type: string, payload: Record<string, unknown>): Promise<void> {
  await sql`
    with e as (
      insert into events (tenant_id, type, payload, created_at)
      values (${ctx.tenantId}, ${type}, ${JSON.stringify(payload)}::text::jsonb, ${ctx.now})
      returning id
    )
    select pg_notify(${EVENTS_CHANNEL}, ${ctx.tenantId}) from e`.execute(ctx.db);
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
