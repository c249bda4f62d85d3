import { newId } from '@server/shared/ids.js';
import { useEffect, useState } from 'react';
import { get, serverNow } from '../../lib/api';
import type { CashSession } from '../../lib/endpoints';
import { useLiveQuery } from '../../lib/store';
import { dbFor, type QueuedSale } from '../../offline/db';
import { enqueueOperation, flushOutbox } from '../../offline/outbox';
import { saveTerminal, type TerminalConfig, type TerminalSession, terminalStore } from './terminal-state';

export interface OpeningBody {
  id: string;
  registerId: string;
  openingFloat: string;
  openedAt: string;
  [key: string]: unknown;
}

/**
 * The POST /cash-sessions body of an opening made now: the terminal's id (the idempotency key,
 * and the session its sales name) and the time, so sending it live or later from the queue is
 * the same request.
 */
export function openingBody(cfg: TerminalConfig, openingFloat: string): OpeningBody {
  return {
    id: newId('cs'),
    registerId: cfg.register.id,
    openingFloat,
    openedAt: serverNow().toISOString(),
  };
}

/**
 * Opens the drawer without the server: the opening goes into the queue first (before any sale
 * that names it) and the terminal sells in it at once.
 */
export async function openSessionOffline(
  tenantId: string,
  cfg: TerminalConfig,
  body: OpeningBody,
  openedBy: string | null,
  description: string,
): Promise<void> {
  await enqueueOperation(
    tenantId,
    { id: body.id, kind: 'cash_session', path: '/cash-sessions', body },
    description,
  );
  const session: TerminalSession = {
    id: body.id,
    registerId: cfg.register.id,
    locationId: cfg.location.id,
    status: 'open',
    openingFloat: body.openingFloat,
    openedAt: body.openedAt,
    recordedAt: null,
    openedBy,
    mergedInto: null,
    closedAt: null,
    expectedCash: null,
    countedCash: null,
    difference: null,
    pendingSync: true,
  };
  saveTerminal(tenantId, { ...cfg, session, merged: null, openingRefused: null });
}

/**
 * Takes the server's answer to an opening: the session itself or, when the server merged it
 * into a session already open on the register, that open session (and says so on screen).
 */
export async function adoptSession(tenantId: string, cfg: TerminalConfig, s: CashSession): Promise<void> {
  if (s.status === 'merged' && s.mergedInto) {
    const target = await get<CashSession>(`/cash-sessions/${s.mergedInto}`);
    saveTerminal(tenantId, {
      ...cfg,
      session: target,
      merged: { id: s.id, openingFloat: s.openingFloat, openedAt: s.openedAt },
      openingRefused: null,
    });
  } else saveTerminal(tenantId, { ...cfg, session: s, openingRefused: null });
}

/**
 * While the session was opened offline, follows its queued opening: once the server has it the
 * terminal sells in the server's session; if the server refused it, the drawer must be opened
 * again (the sales that named it go to the manager's conflict list, as any refused sale).
 */
export function useOfflineSessionSync(tenantId: string, cfg: TerminalConfig | null): void {
  const pendingId = cfg?.session?.pendingSync ? cfg.session.id : null;
  const row = useLiveQuery(
    () => (pendingId ? dbFor(tenantId).outbox.get(pendingId) : Promise.resolve(undefined)),
    [tenantId, pendingId],
    undefined as QueuedSale | undefined,
  );
  const [retry, setRetry] = useState(0);
  useEffect(() => {
    void retry;
    const current = terminalStore.get();
    if (!row || !current?.session?.pendingSync || current.session.id !== row.id) return;
    if (row.status === 'sent' && row.result) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      adoptSession(tenantId, current, row.result as unknown as CashSession).catch(() => {
        timer = setTimeout(() => setRetry((n) => n + 1), 3000);
      });
      return () => clearTimeout(timer);
    }
    if (row.status === 'rejected') {
      saveTerminal(tenantId, {
        ...current,
        session: null,
        openingRefused: { id: row.id, message: row.lastError?.message ?? '' },
      });
      // The sales queued after it are sent now, refused, and reported for the manager.
      void flushOutbox(tenantId);
    }
  }, [tenantId, row, retry]);
}
