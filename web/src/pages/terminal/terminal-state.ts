import { createStore } from '../../lib/store';
import type { BusinessInfo, CashSession, Location, Register } from '../../lib/endpoints';

/** What this browser is: which register it is, and the cash session it sells in. Kept across reloads. */
export interface TerminalConfig {
  location: Location;
  register: Register;
  session: CashSession | null;
  business: BusinessInfo | null;
}

const key = (tenantId: string) => `mostrador.terminal.${tenantId}`;

export function loadTerminal(tenantId: string): TerminalConfig | null {
  try {
    const raw = localStorage.getItem(key(tenantId));
    return raw ? (JSON.parse(raw) as TerminalConfig) : null;
  } catch {
    return null;
  }
}

export function saveTerminal(tenantId: string, cfg: TerminalConfig | null): void {
  if (cfg) localStorage.setItem(key(tenantId), JSON.stringify(cfg));
  else localStorage.removeItem(key(tenantId));
  terminalStore.set(cfg);
}

export const terminalStore = createStore<TerminalConfig | null>(null);

const ticketKey = (tenantId: string, registerId: string) => `mostrador.ticket.${tenantId}.${registerId}`;

/** The ticket being rung up survives a reload (a cashier's half-scanned basket is not lost). */
export function loadDraft<T>(tenantId: string, registerId: string): T | null {
  try {
    const raw = localStorage.getItem(ticketKey(tenantId, registerId));
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function saveDraft(tenantId: string, registerId: string, value: unknown): void {
  localStorage.setItem(ticketKey(tenantId, registerId), JSON.stringify(value));
}
