import type { Ctx } from '../../shared/context.js';
import { DEFAULT_TIMEZONE } from '../../shared/time.js';

/**
 * The business's time zone (business days, cortes and reports are computed in it). Apart from
 * identity.service so that the events module, which the identity service writes audit rows
 * through, can read it without importing it back.
 */
export async function businessTimezone(ctx: Ctx): Promise<string> {
  const t = await ctx.db
    .selectFrom('tenants')
    .select('timezone')
    .where('id', '=', ctx.tenantId)
    .executeTakeFirst();
  return t?.timezone ?? DEFAULT_TIMEZONE;
}
