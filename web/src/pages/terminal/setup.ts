import { ApiError, get } from '../../lib/api';
import type { BusinessInfo, CashSession, Register } from '../../lib/endpoints';

/** The business data for receipts; an older server without the route just prints the store name. */
export async function fetchBusiness(): Promise<BusinessInfo | null> {
  try {
    return await get<BusinessInfo>('/business');
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
    throw err;
  }
}

/** The open session of a register, if any. */
export async function fetchOpenSession(registerId: string): Promise<CashSession | null> {
  const regs = await get<{ items: Register[] }>(`/registers`);
  const reg = regs.items.find((r) => r.id === registerId);
  if (!reg?.openCashSessionId) return null;
  return get<CashSession>(`/cash-sessions/${reg.openCashSessionId}`);
}
