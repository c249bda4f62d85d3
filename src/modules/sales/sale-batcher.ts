import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../shared/context.js';

/** What `record_sale` answers for one sale. */
export interface RecordedSale {
  replayed: boolean;
  ticketNumber?: number;
  locationId?: string;
  cashSessionId?: string;
  /** Recorded by `record_sales_together` with the rest of its batch (set-based statements). */
  together?: boolean;
}

/** One sale through `record_sale` (its payload as JSON text), on a database or in a transaction. */
export async function recordOneSale(db: Executor, payload: string): Promise<RecordedSale> {
  const r = await sql<{ r: RecordedSale }>`select record_sale(${payload}::text::jsonb) as r`.execute(db);
  return r.rows[0]!.r;
}

/** A database error as `record_sales` reports it for one sale: the fields translateDbError reads. */
export class SaleStatementError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly detail: string | undefined,
    readonly hint: string | undefined,
    readonly constraint: string | undefined,
  ) {
    super(message);
  }
}

interface Pending {
  payload: string;
  attempts: number;
  resolve(r: RecordedSale): void;
  reject(err: unknown): void;
}

interface BatchAnswer {
  ok?: RecordedSale;
  error?: {
    code: string;
    message: string;
    detail?: string | null;
    hint?: string | null;
    constraint?: string | null;
  };
}

export interface SaleBatcherOptions {
  /** Batches in flight at once (database connections used for sales). */
  concurrency: number;
  /** Sales per batch at most (each one is a subtransaction: PostgreSQL caches 64 per backend). */
  maxBatch?: number;
}

export interface SaleBatcherStats {
  batches: number;
  sales: number;
  largestBatch: number;
  /** Batches recorded together (set-based); the others went sale by sale. */
  togetherBatches: number;
  deadlockRetries: number;
}

/** A deadlocked sale is sent again in a later batch this many times before CONFLICT is answered. */
const DEADLOCK_ATTEMPTS = 3;

/**
 * Group commit for counter sales. A sale arriving while fewer than `concurrency` batches are in
 * flight goes at once, alone, through `record_sale` (one client sees no added latency); sales
 * arriving while every slot is busy queue, and the next free slot sends all of them (up to
 * `maxBatch`) in one `record_sales` statement: one round trip, one commit and one WAL flush for
 * the lot, each sale still in its own subtransaction. The answers are record_sale's, sale by sale.
 */
export class SaleBatcher {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  readonly stats: SaleBatcherStats = {
    batches: 0,
    sales: 0,
    largestBatch: 0,
    togetherBatches: 0,
    deadlockRetries: 0,
  };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly options: SaleBatcherOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 32;
  }

  /** Records one sale (its record_sale payload as JSON text). */
  record(payload: string): Promise<RecordedSale> {
    return new Promise((resolve, reject) => {
      this.queue.push({ payload, attempts: 0, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.stats.batches++;
      this.stats.sales += batch.length;
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Queues a deadlocked sale again (it is sent after the batch in flight ends), a few times. */
  private retry(p: Pending): boolean {
    if (++p.attempts >= DEADLOCK_ATTEMPTS) return false;
    this.stats.deadlockRetries++;
    this.queue.push(p);
    return true;
  }

  private async send(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const one = batch[0]!;
      try {
        one.resolve(await recordOneSale(this.db, one.payload));
      } catch (err) {
        if ((err as { code?: string }).code === '40P01' && this.retry(one)) return;
        one.reject(err);
      }
      return;
    }
    let answers: BatchAnswer[];
    try {
      const text = `[${batch.map((b) => b.payload).join(',')}]`;
      // the whole batch in a few set-based statements when it can; else sale by sale
      const r = await sql<{ r: BatchAnswer[] }>`
        select coalesce(record_sales_together(b.ps), record_sales(b.ps)) as r
          from (select ${text}::text::jsonb as ps) as b`.execute(this.db);
      answers = r.rows[0]!.r;
      if (answers[0]?.ok?.together) this.stats.togetherBatches++;
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    for (const [i, b] of batch.entries()) {
      const a = answers[i];
      const e = a?.error;
      if (a?.ok) b.resolve(a.ok);
      else if (!e) b.reject(new Error('record_sales answered no result for a sale'));
      else if (e.code === '40P01' && this.retry(b)) continue;
      else
        b.reject(
          new SaleStatementError(
            e.code,
            e.message,
            e.detail ?? undefined,
            e.hint ?? undefined,
            e.constraint ?? undefined,
          ),
        );
    }
  }
}

const batchers = new WeakMap<object, SaleBatcher>();

/** Sends this database's counter sales through a batcher (the app does it once at start). */
export function installSaleBatcher(db: Kysely<DB>, options: SaleBatcherOptions): SaleBatcher {
  const b = new SaleBatcher(db, options);
  batchers.set(db, b);
  return b;
}

/** The batcher of this database handle, if the app set one up. */
export function saleBatcherOf(db: object): SaleBatcher | undefined {
  return batchers.get(db);
}
