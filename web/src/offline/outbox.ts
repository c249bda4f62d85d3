import { ApiError, NetworkError, post, serverNow } from '../lib/api';
import { createStore } from '../lib/store';
import { isOnline, markServerReachable } from './connectivity';
import { dbFor, kindOf, type QueuedKind, type QueuedSale, queueOrder } from './db';

/** Error codes that mean the sale cannot be honoured as it is now: a conflict for the manager. */
const CONFLICT_CODES = new Set([
  'STOCK_INSUFFICIENT',
  'SKU_NOT_SELLABLE',
  'LOT_INSUFFICIENT',
  'CASH_SESSION_CLOSED',
  'CASH_SESSION_REQUIRED',
  'STORE_CREDIT_INSUFFICIENT',
  // sold more than 48 h before it reached the server, or at a price that ended before that:
  // a manager's retry records it as sold
  'SALE_SOLD_AT_OUT_OF_RANGE',
  'PRICE_VERSION_EXPIRED',
]);

/** Statuses of a refused sale the server does not hold yet: shown here until it does. */
export const UNREPORTED: QueuedSale['status'][] = ['conflict', 'rejected'];

/**
 * What the server keeps on its conflict list for the manager when it refuses one from the queue:
 * sales, returns (their refund already paid at the counter), cash in/out and abonos: money that
 * moved at the till. A refused opening or corte Z is shown on this terminal only.
 */
export const REPORTABLE: QueuedKind[] = ['sale', 'return', 'cash_movement', 'account_payment'];

/** What POST /sale-conflicts takes for a refused row other than a sale (its id is the till's). */
function reportedOperation(row: QueuedSale): Record<string, unknown> {
  const kind = kindOf(row);
  if (kind === 'return') return { return: row.body };
  if (kind === 'cash_movement') {
    const cashSessionId = /^\/cash-sessions\/([^/]+)\/movements$/.exec(row.path ?? '')?.[1] ?? '';
    return { cashMovement: { cashSessionId, movement: row.body } };
  }
  const customerId = /^\/customers\/([^/]+)\/account\/payments$/.exec(row.path ?? '')?.[1] ?? '';
  return { accountPayment: { customerId, payment: row.body } };
}

export interface SyncState {
  running: boolean;
  lastRunAt: string | null;
  lastError: string | null;
}
export const syncState = createStore<SyncState>({ running: false, lastRunAt: null, lastError: null });

/** Stores the sale in the browser first (so a reload or a dead network loses nothing), then sends it. */
export async function enqueueSale(
  tenantId: string,
  sale: Omit<QueuedSale, 'status' | 'attempts'>,
): Promise<void> {
  await dbFor(tenantId).outbox.put({
    ...sale,
    status: 'pending',
    attempts: 0,
    lastError: null,
    result: null,
  });
}

/**
 * Records what the cashier just did (a sale, a return): kept in the queue first, so a reload or a
 * dead network loses nothing, then sent at once when `sendNow`. Answered: 'sent', with the
 * server's record, which is returned. No answer, or not sent now: it waits in the queue, which
 * the server takes exactly once (the id, or `idempotencyKey`), and null is returned. Refused
 * while the cashier is still here: taken out of the queue and the ApiError thrown, to fix and
 * try again.
 */
export async function recordNow<T>(
  tenantId: string,
  row: Omit<QueuedSale, 'status' | 'attempts'>,
  opts: { sendNow: boolean; idempotencyKey?: string; flushOnNoAnswer?: boolean },
): Promise<T | null> {
  const db = dbFor(tenantId);
  await db.outbox.put({ ...row, status: opts.sendNow ? 'charging' : 'pending', attempts: 0 });
  if (!opts.sendNow) {
    // online but held back (behind an opening not yet on the server): the queue goes now
    if (isOnline()) void flushOutbox(tenantId);
    return null;
  }
  try {
    const result = await post<T>(row.path ?? '/sales', row.body, {
      timeoutMs: 8000,
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
    });
    markServerReachable(true);
    await db.outbox.update(row.id, {
      status: 'sent',
      result: result as unknown as Record<string, unknown>,
      sentAt: new Date().toISOString(),
      attempts: 1,
    });
    return result;
  } catch (err) {
    if (!(err instanceof NetworkError)) {
      await db.outbox.delete(row.id);
      throw err;
    }
    markServerReachable(false);
    await db.outbox.update(row.id, { status: 'pending', attempts: 1 });
    if (opts.flushOnNoAnswer) void flushOutbox(tenantId);
    return null;
  }
}

/**
 * Queues a cash session opening, a cash in/out or an abono made without the server (or whose
 * answer was lost), under the id the terminal generated; the queue sends it in order with the sales.
 */
export async function enqueueOperation(
  tenantId: string,
  op: {
    id: string;
    kind: Exclude<QueuedKind, 'sale'>;
    path: string;
    body: Record<string, unknown>;
  },
  description: string,
): Promise<void> {
  await dbFor(tenantId).outbox.put({
    ...op,
    status: 'pending',
    receipt: { description },
    createdAt: serverNow().toISOString(),
    attempts: 0,
    lastError: null,
    result: null,
  });
}

/**
 * Sends one queued sale (or opening, or cash movement). The server treats the terminal's id as
 * the idempotency key, so one that did reach it before the connection dropped is acknowledged
 * with the stored record, not doubled.
 */
export async function sendQueuedSale(tenantId: string, id: string): Promise<QueuedSale | undefined> {
  const db = dbFor(tenantId);
  const row = await db.outbox.get(id);
  if (!row || row.status === 'sent') return row;
  const kind = kindOf(row);
  try {
    const result = await post<Record<string, unknown>>(row.path ?? '/sales', queuedBody(row), {
      timeoutMs: 10_000,
      // A return's id is refused the second time: the key makes a resend answer the first one.
      ...(kind === 'return' ? { idempotencyKey: row.id } : {}),
    });
    markServerReachable(true);
    await db.outbox.update(id, {
      status: 'sent',
      result,
      sentAt: new Date().toISOString(),
      attempts: row.attempts + 1,
      lastError: null,
    });
  } catch (err) {
    if (err instanceof NetworkError) {
      markServerReachable(false);
      await db.outbox.update(id, { attempts: row.attempts + 1 });
      throw err;
    }
    if (err instanceof ApiError) {
      markServerReachable(true);
      const lastError = { code: err.code, message: err.message, details: err.details };
      // The opening its sales depend on, and the corte Z, are worth waiting for through a server hiccup.
      const later = (kind === 'cash_session' || kind === 'cash_close') && err.status >= 500;
      if (err.status === 401 || err.status === 429 || err.code === 'IDEMPOTENCY_IN_PROGRESS' || later) {
        await db.outbox.update(id, { attempts: row.attempts + 1, lastError });
        throw err;
      }
      if (!REPORTABLE.includes(kind)) {
        // No conflict list on the server for these: the refusal is shown on this terminal.
        await db.outbox.update(id, { status: 'rejected', attempts: row.attempts + 1, lastError });
        return db.outbox.get(id);
      }
      const status = kind === 'sale' && CONFLICT_CODES.has(err.code) ? 'conflict' : 'rejected';
      await db.outbox.update(id, { status, attempts: row.attempts + 1, lastError, reportError: null });
      // Never lost: the refused sale or return goes to the server's conflict list for the manager.
      await reportConflict(tenantId, id).catch(() => {});
    } else throw err;
  }
  return db.outbox.get(id);
}

/**
 * What a queued record sends: a sale says when it was made (the server dates it then, and the
 * time is not part of what makes two sends the same sale, so one that reached the server before
 * without it is still answered as recorded).
 */
function queuedBody(row: QueuedSale): Record<string, unknown> {
  return kindOf(row) === 'sale' && row.body.soldAt === undefined
    ? { ...row.body, soldAt: row.createdAt }
    : row.body;
}

/**
 * Reports a refused queued sale or return to the server (POST /sale-conflicts, idempotent by its
 * id) so a manager sees it; until the server has it, it stays on this terminal's conflict list.
 */
export async function reportConflict(tenantId: string, id: string): Promise<QueuedSale | undefined> {
  const db = dbFor(tenantId);
  const row = await db.outbox.get(id);
  if (!row || !REPORTABLE.includes(kindOf(row)) || !UNREPORTED.includes(row.status) || !row.lastError)
    return row;
  const kind = kindOf(row);
  const receipt = row.receipt as {
    total?: string;
    lines?: { description: string; quantity: string }[];
    description?: string;
    refund?: { amount?: string };
  };
  const total =
    kind === 'sale'
      ? receipt.total
      : kind === 'return'
        ? receipt.refund?.amount
        : (row.body.amount as string | undefined);
  const summary =
    kind === 'sale'
      ? (receipt.lines ?? []).map((l) => `${l.description} ×${l.quantity}`).join(', ')
      : (receipt.description ?? '');
  try {
    const conflict = await post<{ id: string }>(
      '/sale-conflicts',
      {
        ...(kind === 'sale' ? { sale: queuedBody(row) } : reportedOperation(row)),
        error: {
          code: row.lastError.code,
          message: row.lastError.message.slice(0, 500),
          details: row.lastError.details ?? {},
        },
        soldAt: row.createdAt,
        ...(total ? { total } : {}),
        ...(summary ? { summary: summary.slice(0, 500) } : {}),
      },
      { timeoutMs: 10_000 },
    );
    markServerReachable(true);
    await db.outbox.update(id, { status: 'reported', conflictId: conflict.id, reportError: null });
  } catch (err) {
    if (err instanceof NetworkError) markServerReachable(false);
    else if (err instanceof ApiError && err.status !== 401 && err.status !== 429) {
      // The server will not take the report either (e.g. a malformed old sale): keep it here, shown.
      markServerReachable(true);
      await db.outbox.update(id, { reportError: { code: err.code, message: err.message } });
    }
    throw err;
  }
  return db.outbox.get(id);
}

/** Refused sales not on the server yet, whose report may still succeed (network, session). */
async function unreportedConflicts(tenantId: string): Promise<QueuedSale[]> {
  const rows = await dbFor(tenantId).outbox.where('status').anyOf(UNREPORTED).sortBy('id');
  return rows.filter((r) => !r.reportError && REPORTABLE.includes(kindOf(r)));
}

let running: Promise<void> | null = null;
let again = false;

/**
 * Sends everything pending in the order it was made (a session's opening before its sales and
 * cash movements); stops at the first one with no answer.
 */
export function flushOutbox(tenantId: string): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    syncState.set({ ...syncState.get(), running: true });
    let lastError: string | null = null;
    try {
      do {
        again = false;
        const pending = (await dbFor(tenantId).outbox.where('status').equals('pending').toArray()).sort(
          queueOrder,
        );
        for (const s of pending) {
          try {
            await sendQueuedSale(tenantId, s.id);
          } catch (err) {
            lastError = err instanceof Error ? err.message : String(err);
            again = false;
            break;
          }
        }
      } while (again);
      if (lastError === null)
        for (const c of await unreportedConflicts(tenantId)) {
          try {
            await reportConflict(tenantId, c.id);
          } catch (err) {
            if (err instanceof NetworkError) {
              lastError = err.message;
              break;
            }
          }
        }
    } finally {
      syncState.set({ running: false, lastRunAt: new Date().toISOString(), lastError });
      running = null;
    }
  })();
  return running;
}

/** A conflict the server does not hold yet can be sent again (e.g. after receiving stock). */
export async function retryConflict(tenantId: string, id: string): Promise<void> {
  const row = await dbFor(tenantId).outbox.get(id);
  if (!row || !UNREPORTED.includes(row.status)) return;
  await dbFor(tenantId).outbox.update(id, { status: 'pending', reportError: null });
  await flushOutbox(tenantId);
}

/** Keeps the queue moving: on reconnect, when the tab becomes visible and every few seconds. */
export function startOutboxWorker(tenantId: string): () => void {
  const kick = () => {
    void flushOutbox(tenantId);
  };
  window.addEventListener('online', kick);
  // A sale whose first send was cut short by a reload is queued like any other.
  void dbFor(tenantId).outbox.where('status').equals('charging').modify({ status: 'pending' }).then(kick);
  const timer = setInterval(async () => {
    const n = await dbFor(tenantId).outbox.where('status').equals('pending').count();
    const unreported = n > 0 ? 0 : (await unreportedConflicts(tenantId)).length;
    if ((n > 0 || unreported > 0) && navigator.onLine) kick();
  }, 4000);
  kick();
  return () => {
    window.removeEventListener('online', kick);
    clearInterval(timer);
  };
}
