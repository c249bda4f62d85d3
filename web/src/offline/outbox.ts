import { ApiError, NetworkError, post } from '../lib/api';
import { createStore } from '../lib/store';
import { markServerReachable } from './connectivity';
import { dbFor, type QueuedSale } from './db';

/** Error codes that mean the sale cannot be honoured as it is: it goes to the conflict list. */
const STOCK_CODES = new Set(['STOCK_INSUFFICIENT', 'SKU_NOT_SELLABLE', 'LOT_INSUFFICIENT']);

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
 * Sends one queued sale. The server treats the terminal's id as the idempotency key, so a sale
 * that did reach it before the connection dropped is acknowledged with the stored sale, not doubled.
 */
export async function sendQueuedSale(tenantId: string, id: string): Promise<QueuedSale | undefined> {
  const db = dbFor(tenantId);
  const row = await db.outbox.get(id);
  if (!row || row.status === 'sent') return row;
  try {
    const result = await post<Record<string, unknown>>('/sales', row.body, { timeoutMs: 10_000 });
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
      if (err.status === 401 || err.status === 429 || err.code === 'IDEMPOTENCY_IN_PROGRESS') {
        await db.outbox.update(id, { attempts: row.attempts + 1, lastError });
        throw err;
      }
      const status = STOCK_CODES.has(err.code) ? 'conflict' : 'rejected';
      await db.outbox.update(id, { status, attempts: row.attempts + 1, lastError });
    } else throw err;
  }
  return db.outbox.get(id);
}

let running: Promise<void> | null = null;
let again = false;

/** Sends every pending sale in the order they were made; stops at the first one with no answer. */
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
        const pending = await dbFor(tenantId).outbox.where('status').equals('pending').sortBy('id');
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
    } finally {
      syncState.set({ running: false, lastRunAt: new Date().toISOString(), lastError });
      running = null;
    }
  })();
  return running;
}

/** A conflict the manager has looked at can be sent again (e.g. after receiving stock). */
export async function retryConflict(tenantId: string, id: string): Promise<void> {
  await dbFor(tenantId).outbox.update(id, { status: 'pending' });
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
    if (n > 0 && navigator.onLine) kick();
  }, 4000);
  kick();
  return () => {
    window.removeEventListener('online', kick);
    clearInterval(timer);
  };
}
