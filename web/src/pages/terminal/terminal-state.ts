import { createStore } from '../../lib/store';
import type { BusinessInfo, CashSession, Location, Register } from '../../lib/endpoints';

/**
 * The session this terminal sells in. `pendingSync`: opened here without the server; the opening
 * waits in the queue (before the sales that name it) and the server does not know it yet.
 */
export type TerminalSession = CashSession & { pendingSync?: boolean };

/** What this browser is: which register it is, and the cash session it sells in. Kept across reloads. */
export interface TerminalConfig {
  location: Location;
  register: Register;
  session: TerminalSession | null;
  business: BusinessInfo | null;
  /**
   * This terminal's offline opening reached the server while another session was open on the
   * register: the server merged it (its sales went to `session`). Shown until the corte Z.
   */
  merged?: { id: string; openingFloat: string; openedAt: string } | null;
  /** The server refused this terminal's offline opening (shown on the opening screen). */
  openingRefused?: { id: string; message: string } | null;
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
