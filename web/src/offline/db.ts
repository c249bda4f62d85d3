import Dexie, { type EntityTable, type Table } from 'dexie';
import type { SellableSku } from '../lib/catalog-types';
import type { Sale } from '../lib/endpoints';

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

/**
 * What the queue carries: a sale (rows older than this field are sales), the opening of a cash
 * session made offline, cash in/out, a payment on a customer's account (abono), a corte Z or a
 * return (sent with its id as the Idempotency-Key: a return id alone is refused the second time). All of them carry the id this terminal generated, which
 * the server takes as the idempotency key; the queue sends them in the order they were made.
 */
export type QueuedKind =
  | 'sale'
  | 'cash_session'
  | 'cash_movement'
  | 'account_payment'
  | 'cash_close'
  | 'return';

/** A sale the terminal recorded; it stays here until the server has it (and after, as a receipt). */
export interface QueuedSale {
  id: string;
  /** Absent: a sale. */
  kind?: QueuedKind;
  /** Where it is POSTed (absent: /sales). */
  path?: string;
  status: QueuedStatus;
  /** The POST body (of /sales for a sale), frozen when the cashier charged. */
  body: Record<string, unknown>;
  /**
   * What the screen showed: for a sale lines, totals, payments (the receipt while offline); for
   * the other kinds `{ description }`.
   */
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

/**
 * A sale of this location as the server answered it (lines with what was returned of each), kept
 * for returns without a connection, with when it was read: a return this till sent after that is
 * not in its `returnedQuantity` yet.
 */
export type CachedSale = Sale & { syncedAt: string };

export interface KvRow {
  key: string;
  value: unknown;
}

export type MostradorDb = Dexie & {
  skus: EntityTable<CachedSku, 'id'>;
  stock: Table<CachedStock, [string, string]>;
  outbox: EntityTable<QueuedSale, 'id'>;
  kv: EntityTable<KvRow, 'key'>;
  sales: EntityTable<CachedSale, 'id'>;
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
    // The location's recent sales, for returns of any till's sale without a connection.
    db.version(2).stores({ sales: 'id, locationId, ticketNumber, createdAt' });
    open.set(tenantId, db);
  }
  return db;
}

/** The kind of a queued row (rows queued before kinds existed are sales). */
export function kindOf(row: Pick<QueuedSale, 'kind'>): QueuedKind {
  return row.kind ?? 'sale';
}

/**
 * The queue's order: the ULID after the id's prefix (`cs_`, `cmv_`, `sale_` would sort by prefix,
 * putting a cash out before the opening it belongs to). ULIDs made in one page are monotonic.
 */
export function queueOrder(a: Pick<QueuedSale, 'id'>, b: Pick<QueuedSale, 'id'>): number {
  const ka = a.id.slice(a.id.indexOf('_') + 1);
  const kb = b.id.slice(b.id.indexOf('_') + 1);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function normalizeSearch(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();
}
