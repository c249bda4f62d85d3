import type { Ctx } from '../../shared/context.js';

// Apart from cash.service so that the sales module can ask it without importing cash.service,
// which itself reads the sales module (the corte's sales summary).

/**
 * The open session that takes the sales of `cashSessionId` when it is an offline opening merged
 * into it; null otherwise (not merged, or that session is no longer open).
 */
export async function mergedSessionTarget(ctx: Ctx, cashSessionId: string): Promise<string | null> {
  const r = await ctx.db
    .selectFrom('cash_sessions as m')
    .innerJoin('cash_sessions as t', (j) =>
      j.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.merged_into'),
    )
    .select('t.id')
    .where('m.tenant_id', '=', ctx.tenantId)
    .where('m.id', '=', cashSessionId)
    .where('m.status', '=', 'merged')
    .where('t.status', '=', 'open')
    .executeTakeFirst();
  return r?.id ?? null;
}
