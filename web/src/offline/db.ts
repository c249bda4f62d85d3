import Dexie, { type EntityTable, type Table } from 'dexie';
import type { SellableSku } from '../lib/catalog-types';

export interface CachedSku extends SellableSku {
  /** Lower-case, accent-free name + SKU, for searching without the server. */
  searchText: string;
}

export interface CachedStock {
  locationId: string;
  skuId: string;
  available: string;
  onHand: string;
  updatedAt: string;
}

/**
 * charging: being sent while the cashier waits; pending: queued; conflict: stock gone or session
 * closed; rejected: refused for another reason; reported: the server keeps it as a sale conflict
 * for the manager (POST /sale-conflicts), so it no longer needs this terminal.
 */
export type QueuedStatus = 'charging' | 'pending' | 'sent' | 'conflict' | 'rejected' | 'reported';

/** A sale the terminal recorded; it stays here until the server has it (and after, as a receipt). */
export interface QueuedSale {
  id: string;
  status: QueuedStatus;
  /** The POST /sales body, frozen when the cashier charged. */
  body: Record<string, unknown>;
  /** What the screen showed: lines, totals, payments (for the receipt while offline). */
  receipt: Record<string, unknown>;
  createdAt: string;
  attempts: number;
  lastError?: { code: string; message: string; details?: Record<string, unknown> } | null;
  /** The server's sale once recorded (ticket number, invoice code). */
  result?: Record<string, unknown> | null;
  sentAt?: string | null;
  /** The server's sale conflict id once a refused sale was reported (status 'reported'). */
  conflictId?: string | null;
  /** The server refused the report itself (it stays here, shown, until someone sends it again). */
  reportError?: { code: string; message: string } | null;
}

export interface KvRow {
  key: string;
  value: unknown;
}

export type MostradorDb = Dexie & {
  skus: EntityTable<CachedSku, 'id'>;
  stock: Table<CachedStock, [string, string]>;
  outbox: EntityTable<QueuedSale, 'id'>;
  kv: EntityTable<KvRow, 'key'>;
};

const open = new Map<string, MostradorDb>();

/** The browser database of one business (a shared counter PC may serve several). */
export function dbFor(tenantId: string): MostradorDb {
  let db = open.get(tenantId);
  if (!db) {
    db = new Dexie(`mostrador-${tenantId}`) as MostradorDb;
    db.version(1).stores({
      skus: 'id, *barcodes, sku',
      stock: '[locationId+skuId], locationId, skuId',
      outbox: 'id, status, createdAt',
      kv: 'key',
    });
    open.set(tenantId, db);
  }
  return db;
}

export function normalizeSearch(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();
}
